"""Byte-level BPE (GGUF tokenizer model `gpt2`: SmolLM2, Llama 3, Qwen 2, ...) as a `tokenizers`
Tokenizer that splits text exactly where llama.cpp's llm_tokenizer_bpe does.

llama.cpp names the pre-tokenizer in `tokenizer.ggml.pre` and applies a list of regular
expressions one after the other, each to the pieces the previous one left, keeping both the
matches and the text between them. That is a Sequence of Split(pattern, "isolated"), followed by
the byte-to-unicode mapping (ByteLevel without its own regex).
"""

from __future__ import annotations

from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers

from models.errors import ModelError
from models.slm.tokenizer_gguf import GGUFVocab
from models.slm.tokenizer_special import added_tokens

GPT2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)"
LLAMA3 = (
    r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)
QWEN2 = LLAMA3.replace(r"\p{N}{1,3}", r"\p{N}")
WORDS_UNTIL_PUNCTUATION = r" ?[^(\s|.,!?…。，、।۔،)]+"

# (patterns, ignore_merges) per llama.cpp pre-tokenizer type; ignore_merges: a piece that is a
# whole vocabulary entry is taken as it is (llama.cpp does this for Llama 3 and Tekken).
_RULES: dict[str, tuple[list[str], bool]] = {
    "default": ([r"[\p{P}\$\+<=>\^~\|]+", GPT2, r"\p{N}+", r"[0-9][0-9][0-9]"], False),
    "gpt2": ([GPT2], False),
    "digits-then-gpt2": ([r"\p{N}", GPT2], False),
    "llama3": ([LLAMA3], True),
    "llama3-like": ([LLAMA3], False),
    "qwen2": ([QWEN2], False),
    "falcon": ([r"[\p{P}\$\+<=>\^~\|`]+", GPT2, r"[0-9][0-9][0-9]"], False),
    "bloom": ([WORDS_UNTIL_PUNCTUATION], False),
    "viking": ([WORDS_UNTIL_PUNCTUATION, r"\p{N}"], False),
    "deepseek-coder": ([r"[\r\n]", r"\s?\p{L}+", r"\s?\p{P}+", r"[一-龥ࠀ-一가-퟿]+", r"\p{N}"], False),
}

# tokenizer.ggml.pre names -> rules, as llama.cpp's llama_vocab::impl::load maps them
_PRE_NAMES = {
    "": "default",
    "default": "default",
    "llama3": "llama3",
    "llama-v3": "llama3",
    "llama-bpe": "llama3",
    "falcon3": "llama3",
    "dbrx": "llama3-like",
    "smaug-bpe": "llama3-like",
    "chatglm-bpe": "llama3-like",
    "gpt-2": "gpt2",
    "phi-2": "gpt2",
    "jina-es": "gpt2",
    "jina-de": "gpt2",
    "gigachat": "gpt2",
    "jina-v1-en": "gpt2",
    "jina-v2-es": "gpt2",
    "jina-v2-de": "gpt2",
    "jina-v2-code": "gpt2",
    "roberta-bpe": "gpt2",
    "mpt": "gpt2",
    "olmo": "gpt2",
    "jais": "gpt2",
    "starcoder": "digits-then-gpt2",
    "refact": "digits-then-gpt2",
    "command-r": "digits-then-gpt2",
    "smollm": "digits-then-gpt2",
    "codeshell": "digits-then-gpt2",
    "exaone": "digits-then-gpt2",
    "minerva-7b": "digits-then-gpt2",
    "qwen2": "qwen2",
    "stablelm2": "qwen2",
    "megrez": "qwen2",
    "falcon": "falcon",
    "poro-chat": "bloom",
    "bloom": "bloom",
    "gpt3-finnish": "bloom",
    "viking": "viking",
    "deepseek-coder": "deepseek-coder",
}


def pre_tokenizer_rules(pre: str) -> tuple[list[str], bool]:
    rule = _PRE_NAMES.get(pre)
    if rule is None:
        raise ModelError(
            f"The GGUF's pre-tokenizer '{pre}' is not supported; Confide handles "
            f"{', '.join(sorted(n for n in _PRE_NAMES if n))}."
        )
    return _RULES[rule]


def _byte_to_char() -> dict[int, str]:
    """GPT-2's mapping of bytes to printable characters, which byte-level vocabularies spell with."""
    printable = [*range(0x21, 0x7F), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    others = [b for b in range(256) if b not in printable]
    mapping = {b: chr(b) for b in printable}
    mapping.update({b: chr(256 + n) for n, b in enumerate(others)})
    return mapping


def _missing_byte_splits(ids: dict[str, int]) -> list:
    """Cuts where llama.cpp cannot join across a byte the vocabulary lacks.

    llama.cpp keeps such a byte as a symbol that joins nothing and drops it at the end, so the
    bytes on its two sides never merge; `tokenizers` drops it first and would merge them. A
    missing ASCII byte becomes a piece of its own; a missing lead byte starts a new piece at
    every character it leads. (A missing continuation byte would need a cut inside a character;
    no vocabulary seen lacks one.)
    """
    missing = {b for b, c in _byte_to_char().items() if c not in ids}
    splits = []
    ascii_missing = sorted(b for b in missing if b < 0x80)
    if ascii_missing:
        pattern = "[" + "".join(f"\\x{{{b:X}}}" for b in ascii_missing) + "]"
        splits.append(pre_tokenizers.Split(Regex(pattern), behavior="isolated"))
    led = [_characters_led_by(b) for b in sorted(missing) if 0xC2 <= b <= 0xF4]
    if led:
        pattern = "[" + "".join(f"\\x{{{low:X}}}-\\x{{{high:X}}}" for low, high in led) + "]"
        splits.append(pre_tokenizers.Split(Regex(pattern), behavior="merged_with_next"))
    return splits


def _characters_led_by(lead: int) -> tuple[int, int]:
    """The code points whose UTF-8 form starts with this lead byte."""
    if lead < 0xE0:
        low, span, floor = (lead & 0x1F) << 6, 0x3F, 0x80
    elif lead < 0xF0:
        low, span, floor = (lead & 0x0F) << 12, 0xFFF, 0x800
    else:
        low, span, floor = (lead & 0x07) << 18, 0x3FFFF, 0x10000
    return max(low, floor), low + span


def byte_level_tokenizer(vocab: GGUFVocab) -> Tokenizer:
    if not vocab.merges:
        raise ModelError("The GGUF's byte-level vocabulary has no merges; it is incomplete.")
    patterns, ignore_merges = pre_tokenizer_rules(vocab.pre)
    ids = {token: index for index, token in enumerate(vocab.tokens)}
    # llama.cpp splits a merge at its first space after the first character, and never applies
    # one whose parts or result the vocabulary lacks (`tokenizers` would panic on it)
    merges = []
    for merge in vocab.merges:
        cut = merge.find(" ", 1)
        if cut > 0:
            left, right = merge[:cut], merge[cut + 1 :]
            if left in ids and right in ids and left + right in ids:
                merges.append((left, right))
    tokenizer = Tokenizer(models.BPE(ids, merges, fuse_unk=False, ignore_merges=ignore_merges))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Split(Regex(pattern), behavior="isolated") for pattern in patterns]
        + _missing_byte_splits(ids)
        + [pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)]
    )
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.add_tokens(added_tokens(vocab))
    return tokenizer
