"""SentencePiece-style vocabularies (GGUF tokenizer model `llama`: Gemma, Llama 2, Mistral) as a
`tokenizers` BPE that gives llama.cpp's ids.

llama.cpp's llm_tokenizer_spm starts from the characters of the text (spaces written as "▁")
and keeps joining the adjacent pair whose joined text is a vocabulary entry with the highest
score, the leftmost first on ties; pieces that never became a token fall back to <0xNN> byte
tokens. A BPE whose merges are every (left, right) split of every entry, ranked by the score
of the joined entry, makes the same choices: at each step the available merge with the best
rank is the pair with the best score.
"""

from __future__ import annotations

import numpy as np
from tokenizers import Tokenizer, decoders, models, normalizers

from models.errors import ModelError
from models.slm.tokenizer_gguf import BYTE, GGUFVocab
from models.slm.tokenizer_special import added_tokens

SPACE = "\u2581"  # "▁", SentencePiece's visible space


def score_ranked_merges(tokens: list[str], scores: list[float], types: list[int]) -> list[tuple[str, str]]:
    """Every split of every entry into two entries, best-scored joined entry first.

    Entries are visited best score first, so the merges come out ranked with no sort of the
    half-million pairs (Gemma 3). Ties between entries of equal score keep the vocabulary order.
    Byte tokens (<0x41>) stand for bytes, not for their text, and join nothing.
    """
    known = frozenset(tokens).__contains__
    merges: list[tuple[str, str]] = []
    add = merges.append
    for index in np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable").tolist():
        piece = tokens[index]
        if types[index] == BYTE:
            continue
        for cut in range(1, len(piece)):
            left = piece[:cut]
            if known(left):
                right = piece[cut:]
                if known(right):
                    add((left, right))
    return merges


def sentencepiece_tokenizer(vocab: GGUFVocab) -> Tokenizer:
    if vocab.scores is None:
        raise ModelError("The GGUF's SentencePiece vocabulary has no scores; it is incomplete.")
    ids = {token: index for index, token in enumerate(vocab.tokens)}
    merges = score_ranked_merges(vocab.tokens, vocab.scores, vocab.token_types)
    unk = vocab.token(vocab.unk_id)
    tokenizer = Tokenizer(models.BPE(ids, merges, unk_token=unk, byte_fallback=True, fuse_unk=True))
    # llama.cpp writes a space before the text and after every special token when the GGUF
    # asks for a space prefix; `tokenizers` normalizes each stretch between added tokens apart,
    # so a Prepend does exactly that.
    normalize: list[normalizers.Normalizer] = [normalizers.Replace(" ", SPACE)]
    if vocab.add_space_prefix:
        normalize.insert(0, normalizers.Prepend(SPACE))
    tokenizer.normalizer = normalizers.Sequence(normalize)
    decode: list[decoders.Decoder] = [decoders.Replace(SPACE, " "), decoders.ByteFallback(), decoders.Fuse()]
    if vocab.add_space_prefix:
        decode.append(decoders.Strip(" ", 1, 0))
    tokenizer.decoder = decoders.Sequence(decode)
    tokenizer.add_tokens(added_tokens(vocab))
    return tokenizer
