"""Tokenizers for the language models: built from a GGUF's vocabulary with the `tokenizers`
library, saved in the onnxruntime-genai folder layout (Hugging Face's tokenizer.json,
tokenizer_config.json, special_tokens_map.json), and loaded back from such a folder, whoever
wrote it.

- `gpt2` GGUF tokenizers (SmolLM2, Llama 3, ...): byte-level BPE, tokenizer_bpe.py.
- `llama` GGUF tokenizers (SentencePiece style: Gemma, Llama 2, Mistral): tokenizer_spm.py.
Either way the ids are llama.cpp's, with and without special-token parsing.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

from tokenizers import Tokenizer, processors

from models.durable import write_atomically
from models.errors import ModelError
from models.gguf_file import GGUFFile
from models.slm.literal_text import literal_pieces
from models.slm.tokenizer_bpe import byte_level_tokenizer
from models.slm.tokenizer_gguf import GGUFVocab, read_gguf_vocab
from models.slm.tokenizer_special import effective_types, end_of_generation_ids, is_special
from models.slm.tokenizer_spm import sentencepiece_tokenizer

TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "tokenizer_config.json"
SPECIAL_TOKENS_FILE = "special_tokens_map.json"


def tokenizer_from_vocab(vocab: GGUFVocab) -> Tokenizer:
    builders = {"gpt2": byte_level_tokenizer, "llama": sentencepiece_tokenizer}
    if vocab.model not in builders:
        raise ModelError(
            f"The GGUF's tokenizer model '{vocab.model}' is not supported; Confide handles gpt2 and llama."
        )
    try:
        tokenizer = builders[vocab.model](vocab)
        _add_post_processor(tokenizer, vocab)
    except ModelError:
        raise
    except BaseException as exc:
        # `tokenizers` raises plain Exceptions, or a pyo3 PanicException (a BaseException), on a
        # vocabulary it cannot take: the file's fault, said in one sentence
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raise ModelError(f"The GGUF's vocabulary is damaged ({str(exc).strip()[:100]}); download it again.") from exc
    return tokenizer


def _add_post_processor(tokenizer: Tokenizer, vocab: GGUFVocab) -> None:
    """BOS/EOS as the GGUF asks, for Hugging Face users encoding with add_special_tokens=True
    (Confide itself always encodes without and prepends BOS where the model needs it)."""
    bos = vocab.token(vocab.bos_id) if vocab.add_bos else None
    eos = vocab.token(vocab.eos_id) if vocab.add_eos else None
    if bos is None and eos is None:
        return
    single = " ".join(part for part in (bos, "$A", eos) if part)
    second = " ".join(part for part in (bos and f"{bos}:1", "$B:1", eos and f"{eos}:1") if part)
    specials = [(t, i) for t, i in ((bos, vocab.bos_id), (eos, vocab.eos_id)) if t is not None]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=single, pair=f"{single} {second}", special_tokens=specials
    )


def save_tokenizer_files(gguf: Path | GGUFFile, out_dir: Path) -> None:
    """Writes tokenizer.json, tokenizer_config.json and special_tokens_map.json into out_dir."""
    out_dir = Path(out_dir)
    vocab = read_gguf_vocab(gguf)
    tokenizer = tokenizer_from_vocab(vocab)
    special = _special_tokens_map(vocab)
    types = effective_types(vocab)
    added = tokenizer.get_added_tokens_decoder()
    config = {
        **special,
        "add_bos_token": vocab.add_bos,
        "add_eos_token": vocab.add_eos,
        "clean_up_tokenization_spaces": False,
        "model_max_length": vocab.context_length or 2048,
        "tokenizer_class": _tokenizer_class(vocab),
        "added_tokens_decoder": {
            str(index): {
                "content": text,
                "lstrip": False,
                "normalized": False,
                "rstrip": False,
                "single_word": False,
                "special": is_special(kind),
            }
            for index, (text, kind) in enumerate(zip(vocab.tokens, types, strict=True))
            if index in added
        },
        # llama.cpp's end-of-generation tokens; genai_config.json's eos_token_id should list them
        "eos_token_ids": end_of_generation_ids(vocab),
    }
    if vocab.chat_template:
        config["chat_template"] = vocab.chat_template
    write_atomically(out_dir / TOKENIZER_FILE, tokenizer.to_str(), mode=0o644)
    write_atomically(out_dir / CONFIG_FILE, json.dumps(config, indent=2, ensure_ascii=False), mode=0o644)
    write_atomically(out_dir / SPECIAL_TOKENS_FILE, json.dumps(special, indent=2, ensure_ascii=False), mode=0o644)


def _special_tokens_map(vocab: GGUFVocab) -> dict:
    named = {"bos_token": vocab.bos_id, "eos_token": vocab.eos_id, "unk_token": vocab.unk_id, "pad_token": vocab.pad_id}
    return {key: vocab.tokens[index] for key, index in named.items() if index is not None}


def _tokenizer_class(vocab: GGUFVocab) -> str:
    # the class names onnxruntime-extensions and transformers key their tokenizer kind on
    if vocab.model == "gpt2":
        return "GPT2Tokenizer"
    return "GemmaTokenizer" if vocab.architecture.startswith("gemma") else "LlamaTokenizer"


class FolderTokenizer:
    """The Tokenizer protocol (models/slm/api.py) over a folder's tokenizer.json and configs."""

    def __init__(self, model_dir: Path):
        model_dir = Path(model_dir)
        try:
            self._tokenizer = Tokenizer.from_file(str(model_dir / TOKENIZER_FILE))
        except Exception as exc:  # `tokenizers` raises plain Exceptions for missing or malformed files
            raise ModelError(
                f"The tokenizer of {model_dir.name} is missing or damaged; install the model again."
            ) from exc
        # special-token parsing is a switch on the one tokenizer: flipped under a lock, it costs
        # nothing, where a second copy of a 262k-entry tokenizer would cost seconds to load
        self._lock = threading.Lock()
        config = _read_json(model_dir / CONFIG_FILE)
        genai = _read_json(model_dir / "genai_config.json").get("model", {})
        bos_id = self._id_of(config.get("bos_token"))
        self.bos_id: int | None = bos_id if bos_id is not None else _int_or_none(genai.get("bos_token_id"))
        self.add_bos: bool = bool(config["add_bos_token"]) if "add_bos_token" in config else self._adds_bos_itself()
        self.eos_ids: list[int] = _eos_ids(genai, config, self._id_of(config.get("eos_token")))
        self.special_ids = frozenset(i for i, t in self._tokenizer.get_added_tokens_decoder().items() if t.special)

    def _id_of(self, token) -> int | None:
        if isinstance(token, dict):  # {"content": "<s>", "__type": "AddedToken", ...}
            token = token.get("content")
        return self._tokenizer.token_to_id(token) if isinstance(token, str) else None

    def _adds_bos_itself(self) -> bool:
        """A folder that does not say: does its tokenizer.json's post-processor add the BOS?"""
        return self.bos_id is not None and self._tokenizer.encode("", add_special_tokens=True).ids[:1] == [self.bos_id]

    @property
    def vocab_size(self) -> int:
        return self._tokenizer.get_vocab_size()

    @property
    def special_texts(self) -> list[str]:
        """The texts of the control tokens (what user text must never turn into)."""
        return [self.token_text(index) for index in sorted(self.special_ids)]

    def encode(self, text: str, *, parse_special: bool = True) -> list[int]:
        """Token ids of text, no BOS added; with parse_special False, `<|im_end|>` is plain text.
        Text the chat template marked as literal (literal_text.py) is always plain text."""
        ids: list[int] = []
        with self._lock:
            for piece, literal in literal_pieces(text):
                self._tokenizer.encode_special_tokens = literal or not parse_special
                ids += self._tokenizer.encode(piece, add_special_tokens=False).ids
        return ids

    def decode(self, ids: Sequence[int], *, skip_special: bool = False) -> str:
        ids = [int(i) for i in ids]
        with self._lock:  # the switch above needs the tokenizer to itself while it flips
            return self._tokenizer.decode(ids, skip_special_tokens=skip_special)

    def token_text(self, token_id: int) -> str:
        return self._tokenizer.id_to_token(int(token_id)) or ""


def _eos_ids(genai: dict, config: dict, eos_token_id: int | None) -> list[int]:
    """genai_config.json's eos_token_id first (the runtime's own authority), then the
    end-of-generation ids this project records in tokenizer_config.json, then its eos_token."""
    ids: list[int] = []
    for source in (genai.get("eos_token_id"), config.get("eos_token_ids"), eos_token_id):
        for value in source if isinstance(source, list) else [source]:
            if isinstance(value, int) and value not in ids:
                ids.append(value)
    return ids


def _int_or_none(value) -> int | None:
    return int(value) if isinstance(value, int) else None


def _read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path.name} of {path.parent.name} is unreadable; install the model again.") from exc
    return value if isinstance(value, dict) else {}


def load_tokenizer(model_dir: Path) -> FolderTokenizer:
    return FolderTokenizer(model_dir)


__all__ = ["save_tokenizer_files", "load_tokenizer", "FolderTokenizer", "tokenizer_from_vocab"]
