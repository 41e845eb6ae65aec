"""The tokenizer metadata of a GGUF file (vocabulary, merges, scores, special ids, template).

Only the key-value header is read, with the value types and magic of the `gguf` library.
GGUFReader itself builds a numpy view per array element: 13 s for Gemma 3's 262k-token
vocabulary on this machine, where reading the header directly takes a fraction of a second.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from gguf import GGUF_MAGIC, GGUFValueType

from models.errors import ModelError

# llama.cpp's token types (tokenizer.ggml.token_type)
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6

_SCALARS = {
    GGUFValueType.UINT8: "B", GGUFValueType.INT8: "b", GGUFValueType.UINT16: "H", GGUFValueType.INT16: "h",
    GGUFValueType.UINT32: "I", GGUFValueType.INT32: "i", GGUFValueType.FLOAT32: "f", GGUFValueType.BOOL: "?",
    GGUFValueType.UINT64: "Q", GGUFValueType.INT64: "q", GGUFValueType.FLOAT64: "d",
}


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


class _Header:
    """A cursor over the key-value section of a GGUF file."""

    def __init__(self, buffer, name: str):
        self.buffer = buffer
        self.name = name
        self.offset = 0
        self.order = "<"

    def unpack(self, fmt: str):
        size = struct.calcsize(self.order + fmt)
        if self.offset + size > len(self.buffer):
            raise ModelError(f"{self.name} is truncated or damaged; download it again.")
        values = struct.unpack_from(self.order + fmt, self.buffer, self.offset)
        self.offset += size
        return values[0] if len(values) == 1 else values

    def string(self) -> str:
        length = self.unpack("Q")
        end = self.offset + length
        if end > len(self.buffer):
            raise ModelError(f"{self.name} is truncated or damaged; download it again.")
        text = self.buffer[self.offset:end].decode("utf-8", errors="replace")
        self.offset = end
        return text

    def value(self, kind: int):
        if kind == GGUFValueType.STRING:
            return self.string()
        if kind == GGUFValueType.ARRAY:
            return self.array()
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind])
        raise ModelError(f"{self.name} has a metadata value of unknown type {kind}; it is damaged.")

    def array(self):
        kind, count = self.unpack("I"), self.unpack("Q")
        if kind == GGUFValueType.STRING:
            return self.strings(count)
        if kind in _SCALARS:
            dtype = np.dtype(self.order + _SCALARS[kind])
            end = self.offset + dtype.itemsize * count
            if end > len(self.buffer):
                raise ModelError(f"{self.name} is truncated or damaged; download it again.")
            values = np.frombuffer(self.buffer, dtype=dtype, count=count, offset=self.offset)
            self.offset = end
            return values.tolist()
        return [self.value(kind) for _ in range(count)]  # arrays of arrays: rare and short

    def strings(self, count: int) -> list[str]:
        buffer, offset, order = self.buffer, self.offset, self.order + "Q"
        size = len(buffer)
        out = []
        append = out.append
        for _ in range(count):
            if offset + 8 > size:
                raise ModelError(f"{self.name} is truncated or damaged; download it again.")
            (length,) = struct.unpack_from(order, buffer, offset)
            offset += 8
            if offset + length > size:
                raise ModelError(f"{self.name} is truncated or damaged; download it again.")
            append(buffer[offset:offset + length].decode("utf-8", errors="replace"))
            offset += length
        self.offset = offset
        return out


def read_gguf_metadata(path: Path) -> dict:
    """Every key-value entry of a GGUF file's header (tensor data is not touched)."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            if handle.read(4) != struct.pack("<I", GGUF_MAGIC):
                raise ModelError(f"{path.name} is not a GGUF file.")
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                return _parse(_Header(mapped, path.name))
    except OSError as exc:
        raise ModelError(f"Cannot read {path.name} ({exc.strerror or exc}); check that the file exists and is readable.") from exc


def _parse(header: _Header) -> dict:
    header.offset = 4
    version = header.unpack("I")
    if version & 0xFFFF == 0:  # written on a machine of the other byte order
        header.order = ">"
        version = struct.unpack(">I", struct.pack("<I", version))[0]
    if version not in (2, 3):
        raise ModelError(f"{header.name} is a GGUF of version {version}, which Confide cannot read.")
    header.unpack("Q")  # the tensor count: not needed here
    kv_count = header.unpack("Q")
    metadata = {}
    for _ in range(kv_count):
        key = header.string()
        metadata[key] = header.value(header.unpack("I"))
    return metadata


def read_gguf_vocab(path: Path) -> GGUFVocab:
    path = Path(path)
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
    damaged = (not _list_of(tokens, str) or not _list_of(types, int) or len(types) != len(tokens)
               or (scores is not None and (not _list_of(scores, float) or len(scores) != len(tokens)))
               or (merges is not None and not _list_of(merges, str)))
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
        end_of_turn_ids=tuple(i for i in (token_id("tokenizer.ggml.eot_token_id"), token_id("tokenizer.ggml.eom_token_id"))
                              if i is not None),
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
