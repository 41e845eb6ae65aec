"""The tokenizer metadata of a GGUF file (vocabulary, merges, scores, special ids, template).

Only the key-value header is read, by models/gguf_header.py, which checks every count and
length of the (untrusted) file before believing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models.errors import ModelError
from models.gguf_file import GGUFFile
from models.gguf_header import read_gguf_metadata

# llama.cpp's token types (tokenizer.ggml.token_type)
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6


@dataclass(frozen=True)
class GGUFVocab:
    """What a tokenizer needs from a GGUF, with llama.cpp's defaults filled in."""

    model: str  # tokenizer.ggml.model: "gpt2" (byte-level BPE) or "llama" (SentencePiece style)
    pre: str  # tokenizer.ggml.pre: the pre-tokenizer rules' name
    tokens: list[str]
    token_types: list[int]
    scores: list[float] | None
    merges: list[str] | None
    bos_id: int | None
    eos_id: int | None
    end_of_turn_ids: tuple[int, ...]  # tokenizer.ggml.eot_token_id and eom_token_id, when given
    unk_id: int | None
    pad_id: int | None
    add_bos: bool
    add_eos: bool
    add_space_prefix: bool
    chat_template: str | None
    architecture: str
    context_length: int | None

    def token(self, index: int | None) -> str | None:
        return self.tokens[index] if index is not None and 0 <= index < len(self.tokens) else None


def read_gguf_vocab(source: Path | GGUFFile) -> GGUFVocab:
    """The vocabulary of a GGUF file; an open GGUFFile's header is used as it is (a large
    vocabulary takes seconds to parse again)."""
    if isinstance(source, GGUFFile):
        path, meta = source.path, source.metadata
    else:
        path = Path(source)
        meta = read_gguf_metadata(path)

    def required(key: str):
        if key not in meta:
            raise ModelError(f"{path.name} lacks the metadata entry {key}; it has no usable tokenizer.")
        return meta[key]

    def token_id(key: str) -> int | None:
        value = meta.get(key)
        return int(value) if isinstance(value, int) and 0 <= value < len(tokens) else None

    tokens = required("tokenizer.ggml.tokens")
    model = str(required("tokenizer.ggml.model"))
    types = meta.get("tokenizer.ggml.token_type") or [NORMAL] * len(tokens)
    scores = meta.get("tokenizer.ggml.scores")
    merges = meta.get("tokenizer.ggml.merges")
    damaged = (
        not _list_of(tokens, str)
        or not _list_of(types, int)
        or len(types) != len(tokens)
        or (scores is not None and (not _list_of(scores, float) or len(scores) != len(tokens)))
        or (merges is not None and not _list_of(merges, str))
    )
    if damaged:
        raise ModelError(f"{path.name} has a damaged vocabulary; download it again.")
    architecture = str(meta.get("general.architecture", ""))
    context = meta.get(f"{architecture}.context_length")
    return GGUFVocab(
        model=model,
        pre=str(meta.get("tokenizer.ggml.pre", "default")),
        tokens=tokens,
        token_types=[int(t) for t in types],
        scores=scores,
        merges=merges,
        bos_id=token_id("tokenizer.ggml.bos_token_id"),
        eos_id=token_id("tokenizer.ggml.eos_token_id"),
        end_of_turn_ids=tuple(
            i
            for i in (token_id("tokenizer.ggml.eot_token_id"), token_id("tokenizer.ggml.eom_token_id"))
            if i is not None
        ),
        unk_id=token_id("tokenizer.ggml.unknown_token_id"),
        pad_id=token_id("tokenizer.ggml.padding_token_id"),
        # llama.cpp's defaults when the GGUF does not say: SentencePiece-style vocabularies add
        # a BOS and a space prefix, byte-level ones neither
        add_bos=bool(meta.get("tokenizer.ggml.add_bos_token", model == "llama")),
        add_eos=bool(meta.get("tokenizer.ggml.add_eos_token", False)),
        add_space_prefix=bool(meta.get("tokenizer.ggml.add_space_prefix", model == "llama")),
        chat_template=meta.get("tokenizer.chat_template"),
        architecture=architecture,
        context_length=int(context) if context is not None else None,
    )


def _list_of(values, kind: type) -> bool:
    """A metadata array whose elements are of one Python type (checked on the first; the
    GGUF format stores one element type per array)."""
    return isinstance(values, list) and (not values or isinstance(values[0], kind))
