"""Crafted GGUF files for the hostile-input tests, written byte by byte with struct so that they
can lie (counts, lengths, dimensions, offsets) where the `gguf` library's writer would not.
No binary is committed: every file is made here, in the test's temporary folder."""

from __future__ import annotations

import struct
from pathlib import Path

MAGIC = b"GGUF"
U8, I8, U16, I16, U32, I32, F32, BOOL, STRING, ARRAY, U64, I64, F64 = range(13)
_FORMATS = {U8: "B", I8: "b", U16: "H", I16: "h", U32: "I", I32: "i", F32: "f", BOOL: "?", U64: "Q", I64: "q", F64: "d"}
F32_TENSOR = 0


def string(text: str) -> bytes:
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def value(kind: int, content) -> bytes:
    """The bytes of a value of a GGUF type; an ARRAY is (element kind, [elements])."""
    if kind == STRING:
        return string(content)
    if kind == ARRAY:
        element_kind, elements = content
        return struct.pack("<IQ", element_kind, len(elements)) + b"".join(value(element_kind, e) for e in elements)
    return struct.pack("<" + _FORMATS[kind], content)


def entry(key: str, kind: int, content) -> bytes:
    return string(key) + struct.pack("<I", kind) + value(kind, content)


def raw_entry(key: str, kind: int, body: bytes) -> bytes:
    """An entry whose value bytes are given as they are (for lies a value() cannot tell)."""
    return string(key) + struct.pack("<I", kind) + body


def tensor_record(name: str, dims: list[int], kind: int = F32_TENSOR, offset: int = 0) -> bytes:
    return (
        string(name)
        + struct.pack("<I", len(dims))
        + b"".join(struct.pack("<Q", d) for d in dims)
        + struct.pack("<IQ", kind, offset)
    )


def write(
    path: Path,
    entries: list[bytes],
    tensors: list[bytes] = (),
    data: bytes = b"",
    kv_count: int | None = None,
    tensor_count: int | None = None,
) -> Path:
    """A GGUF v3 file; the counts default to the true ones (give others to lie)."""
    header = MAGIC + struct.pack(
        "<IQQ",
        3,
        len(tensors) if tensor_count is None else tensor_count,
        len(entries) if kv_count is None else kv_count,
    )
    body = header + b"".join(entries) + b"".join(tensors)
    padding = b"\0" * (-len(body) % 32)
    Path(path).write_bytes(body + padding + data)
    return Path(path)


HIDDEN, VOCAB = 8, 16


def llama_entries(**changes) -> list[bytes]:
    """The metadata of a tiny llama model (8 wide, 2 heads, 1 layer, 16 tokens); changes replace
    entries by key suffix (a value of None leaves the entry out), e.g. block_count=(U32, 2**31);
    a new general.* or tokenizer.* key is added as it is, any other under llama.*."""
    meta = {
        "general.architecture": (STRING, "llama"),
        "llama.block_count": (U32, 1),
        "llama.context_length": (U32, 64),
        "llama.embedding_length": (U32, HIDDEN),
        "llama.feed_forward_length": (U32, 16),
        "llama.attention.head_count": (U32, 2),
        "llama.attention.head_count_kv": (U32, 2),
        "tokenizer.ggml.model": (STRING, "gpt2"),
        "tokenizer.ggml.tokens": (ARRAY, (STRING, [chr(ord("a") + i) for i in range(VOCAB)])),
        "tokenizer.ggml.merges": (ARRAY, (STRING, ["a b"])),
    }
    for suffix, new in changes.items():
        dotted = suffix.replace("__", ".")
        key = next((k for k in meta if k.endswith("." + dotted)), None) or (
            dotted if dotted.startswith(("general.", "tokenizer.")) else f"llama.{dotted}"
        )
        if new is None:
            meta.pop(key, None)
        else:
            meta[key] = new
    return [entry(key, kind, content) for key, (kind, content) in meta.items()]


def llama_file(path: Path, **changes) -> Path:
    """A tiny llama GGUF: its metadata and an f32 token embedding (the other tensors missing, so
    a build stops at the first of them)."""
    return write(
        path,
        llama_entries(**changes),
        [tensor_record("token_embd.weight", [HIDDEN, VOCAB])],
        b"\0" * (4 * HIDDEN * VOCAB),
    )
