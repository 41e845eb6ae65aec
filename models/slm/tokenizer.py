"""Tokenizers built from a GGUF's vocabulary with the `tokenizers` library, saved as a Hugging
Face tokenizer.json (the onnxruntime-genai layout), and loaded back for generation.

- `gpt2` tokenizer model (SmolLM2, Llama 3, ...): byte-level BPE from the GGUF's merges, with
  the pre-tokenizer rules llama.cpp uses for the GGUF's `tokenizer.ggml.pre`.
- `llama` tokenizer model (SentencePiece style; Gemma, Llama 2, Mistral): llama.cpp merges the
  adjacent pair whose joined piece has the highest score; a BPE whose merges are every such
  pair ranked by that score does the same. Spaces become "▁"; unknown bytes fall back to
  <0xNN> tokens.
Control tokens are special tokens; user-defined tokens always match literally.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers

from models.errors import ModelError
from models.gguf_file import GGUFFile

NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6
GPT2_PATTERN = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                  r"|\s*[\r\n]+|\s+(?!\S)|\s+")
# llama.cpp pre-tokenizer names whose rule is "every digit alone, then GPT-2's split".
DIGITS_THEN_GPT2 = {"smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva"}


def _byte_level_pre_tokenizer(pre: str):
    if pre in DIGITS_THEN_GPT2:
        return pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(r"\p{N}"), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
        ])
    if pre in ("llama-bpe", "llama3", "smaug-bpe"):
        return pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(LLAMA3_PATTERN), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ])
    if pre in ("default", "gpt2", "gpt-2", ""):
        return pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    raise ModelError(f"The GGUF's pre-tokenizer '{pre}' is not supported yet.")


def _added_tokens(tokens: list[str], types: list[int]) -> list[AddedToken]:
    added = []
    for token, kind in zip(tokens, types):
        if kind == CONTROL:
            added.append(AddedToken(token, special=True, normalized=False))
        elif kind == USER_DEFINED:
            added.append(AddedToken(token, special=False, normalized=False))
    return added


def byte_level_bpe(gguf: GGUFFile) -> Tokenizer:
    tokens = list(gguf.require("tokenizer.ggml.tokens"))
    merges = [tuple(merge.split(" ", 1)) for merge in gguf.require("tokenizer.ggml.merges")]
    vocab = {token: index for index, token in enumerate(tokens)}
    tokenizer = Tokenizer(models.BPE(vocab, merges, fuse_unk=False))
    tokenizer.pre_tokenizer = _byte_level_pre_tokenizer(str(gguf.get("tokenizer.ggml.pre", "default")))
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.add_tokens(_added_tokens(tokens, list(gguf.require("tokenizer.ggml.token_type"))))
    return tokenizer


def sentencepiece_bpe(gguf: GGUFFile) -> Tokenizer:
    tokens = list(gguf.require("tokenizer.ggml.tokens"))
    scores = list(gguf.require("tokenizer.ggml.scores"))
    types = list(gguf.require("tokenizer.ggml.token_type"))
    vocab = {token: index for index, token in enumerate(tokens)}
    mergeable = {token: scores[index] for index, token in enumerate(tokens) if types[index] == NORMAL}
    ranked = []
    for piece, score in mergeable.items():
        for cut in range(1, len(piece)):
            left, right = piece[:cut], piece[cut:]
            if left in vocab and right in vocab:
                ranked.append((-score, vocab[piece], left, right))
    ranked.sort()
    merges = [(left, right) for _score, _id, left, right in ranked]
    unk_id = gguf.get("tokenizer.ggml.unknown_token_id")
    unk = tokens[int(unk_id)] if unk_id is not None else None
    tokenizer = Tokenizer(models.BPE(vocab, merges, unk_token=unk, byte_fallback=True, fuse_unk=True))
    steps = [normalizers.Replace(" ", "▁")]
    if gguf.get("tokenizer.ggml.add_space_prefix", True):
        steps.insert(0, normalizers.Prepend("▁"))
    tokenizer.normalizer = normalizers.Sequence(steps)
    tokenizer.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse()])
    tokenizer.add_tokens(_added_tokens(tokens, types))
    return tokenizer


def tokenizer_from_gguf(gguf: GGUFFile) -> Tokenizer:
    model = str(gguf.require("tokenizer.ggml.model"))
    if model == "gpt2":
        return byte_level_bpe(gguf)
    if model == "llama":
        return sentencepiece_bpe(gguf)
    raise ModelError(f"The GGUF's tokenizer model '{model}' is not supported yet.")


def save_tokenizer_files(gguf: GGUFFile | Path, out_dir: Path) -> None:
    """tokenizer.json, tokenizer_config.json and special_tokens_map.json for out_dir."""
    if not isinstance(gguf, GGUFFile):
        gguf = GGUFFile(Path(gguf))
    tokens = gguf.require("tokenizer.ggml.tokens")
    tokenizer_from_gguf(gguf).save(str(out_dir / "tokenizer.json"))

    def token(key: str) -> str | None:
        index = gguf.get(key)
        return tokens[int(index)] if index is not None else None

    special = {"bos_token": token("tokenizer.ggml.bos_token_id"), "eos_token": token("tokenizer.ggml.eos_token_id"),
               "unk_token": token("tokenizer.ggml.unknown_token_id"), "pad_token": token("tokenizer.ggml.padding_token_id")}
    special = {key: value for key, value in special.items() if value is not None}
    config = {
        **special,
        "add_bos_token": bool(gguf.get("tokenizer.ggml.add_bos_token", False)),
        "add_eos_token": bool(gguf.get("tokenizer.ggml.add_eos_token", False)),
        "chat_template": gguf.get("tokenizer.chat_template"),
        "model_max_length": int(gguf.arch("context_length") or 2048),
        "tokenizer_class": "PreTrainedTokenizerFast",
    }
    (out_dir / "tokenizer_config.json").write_text(json.dumps(config, indent=1, ensure_ascii=False))
    (out_dir / "special_tokens_map.json").write_text(json.dumps(special, indent=1, ensure_ascii=False))


class FolderTokenizer:
    """The Tokenizer protocol (models/slm/api.py) over a model folder's tokenizer files."""

    def __init__(self, model_dir: Path):
        model_dir = Path(model_dir)
        try:
            self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        except Exception as exc:  # the library raises plain Exceptions for missing or malformed files
            raise ModelError(f"The tokenizer of {model_dir.name} is missing or damaged ({exc}).") from exc
        self._as_text = Tokenizer.from_str(self._tokenizer.to_str())
        self._as_text.encode_special_tokens = True
        config = _read_json(model_dir / "tokenizer_config.json")
        genai = _read_json(model_dir / "genai_config.json").get("model", {})
        self.add_bos = bool(config.get("add_bos_token", False))
        self.bos_id = self._id_of(config.get("bos_token")) if config.get("bos_token") else genai.get("bos_token_id")
        eos = genai.get("eos_token_id")
        eos_ids = eos if isinstance(eos, list) else ([eos] if eos is not None else [])
        if not eos_ids and config.get("eos_token"):
            eos_ids = [self._id_of(config["eos_token"])]
        self.eos_ids = [int(i) for i in eos_ids if i is not None]
        self.special_ids = {i for i, t in self._tokenizer.get_added_tokens_decoder().items() if t.special}

    def _id_of(self, token) -> int | None:
        if isinstance(token, dict):
            token = token.get("content")
        return self._tokenizer.token_to_id(token)

    @property
    def vocab_size(self) -> int:
        return self._tokenizer.get_vocab_size()

    def encode(self, text: str, *, parse_special: bool = True) -> list[int]:
        tokenizer = self._tokenizer if parse_special else self._as_text
        return tokenizer.encode(text, add_special_tokens=False).ids

    def decode(self, ids: Sequence[int], *, skip_special: bool = False) -> str:
        return self._tokenizer.decode(list(ids), skip_special_tokens=skip_special)

    def token_text(self, token_id: int) -> str:
        return self._tokenizer.id_to_token(token_id) or ""


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def load_tokenizer(model_dir: Path) -> FolderTokenizer:
    return FolderTokenizer(model_dir)


__all__ = ["save_tokenizer_files", "load_tokenizer", "FolderTokenizer", "tokenizer_from_gguf"]
