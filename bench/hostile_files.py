"""Crafted files for bench/hostile.py: GGUF headers that lie, GGUFs rewritten from a real model
with impossible metadata, and damaged audio. Everything is made here from the installed test
models or from nothing, so no crafted binary is committed.
"""

from __future__ import annotations

import math
import mmap
import struct
import wave
from pathlib import Path

GGUF_MAGIC = b"GGUF"
# GGUF value types
U8, I8, U16, I16, U32, I32, F32, BOOL, STRING, ARRAY, U64, I64, F64 = range(13)
_FIXED = {U8: 1, I8: 1, U16: 2, I16: 2, U32: 4, I32: 4, F32: 4, BOOL: 1, U64: 8, I64: 8, F64: 8}
_PACK = {
    U8: "<B",
    I8: "<b",
    U16: "<H",
    I16: "<h",
    U32: "<I",
    I32: "<i",
    F32: "<f",
    BOOL: "<?",
    U64: "<Q",
    I64: "<q",
    F64: "<d",
}


def gguf_string(text: str | bytes) -> bytes:
    raw = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(raw)) + raw


def gguf_value(kind: int, value) -> bytes:
    if kind == STRING:
        return gguf_string(value)
    if kind == ARRAY:
        element_kind, items = value
        return struct.pack("<IQ", element_kind, len(items)) + b"".join(gguf_value(element_kind, i) for i in items)
    return struct.pack(_PACK[kind], value)


def gguf_kv(key: str, kind: int, value) -> bytes:
    return gguf_string(key) + struct.pack("<I", kind) + gguf_value(kind, value)


def gguf_bytes(kvs: list[bytes], tensors: int = 0, version: int = 3, tail: bytes = b"") -> bytes:
    """A GGUF header from encoded key-values (gguf_kv) and whatever should follow them."""
    return GGUF_MAGIC + struct.pack("<IQQ", version, tensors, len(kvs)) + b"".join(kvs) + tail


# --- rewriting a real GGUF's metadata ----------------------------------------------------------


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def take(self, fmt: str):
        value = struct.unpack_from(fmt, self.data, self.at)
        self.at += struct.calcsize(fmt)
        return value[0] if len(value) == 1 else value

    def string(self) -> bytes:
        length = self.take("<Q")
        raw = bytes(self.data[self.at : self.at + length])
        self.at += length
        return raw

    def skip_value(self, kind: int) -> None:
        if kind in _FIXED:
            self.at += _FIXED[kind]
        elif kind == STRING:
            self.string()
        else:
            element_kind, count = self.take("<IQ")
            if element_kind in _FIXED:
                self.at += _FIXED[element_kind] * count
            else:
                for _ in range(count):
                    self.skip_value(element_kind)


def rewrite_gguf(
    source: Path, target: Path, *, set_values: dict[str, tuple[int, object]] | None = None, drop: tuple[str, ...] = ()
) -> Path:
    """A copy of a (trusted) GGUF with some metadata values replaced or removed; the tensor
    directory and data are copied as they are, realigned after the new metadata."""
    with open(source, "rb") as stream:
        data = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)  # unmapped after: the bench stays small
    try:
        return _rewrite(data, target, set_values, drop)
    finally:
        data.close()


def _rewrite(data, target: Path, set_values, drop) -> Path:
    reader = _Reader(data)
    assert reader.take("<4s") == GGUF_MAGIC
    version, n_tensors, n_kv = reader.take("<IQQ")
    entries: list[tuple[str, bytes]] = []
    alignment = 32
    for _ in range(n_kv):
        start = reader.at
        key = reader.string().decode()
        kind = reader.take("<I")
        value_start = reader.at
        reader.skip_value(kind)
        if key == "general.alignment":
            alignment = struct.unpack_from("<I", data, value_start)[0]
        entries.append((key, bytes(data[start : reader.at])))
    tensors_start = reader.at
    for _ in range(n_tensors):
        reader.string()
        dims = reader.take("<I")
        reader.at += 8 * dims + 4 + 8
    tensors_end = reader.at
    data_start = -(-tensors_end // alignment) * alignment
    values = dict(set_values or {})
    kvs = []
    for key, raw in entries:
        if key in drop:
            continue
        if key in values:
            kind, value = values.pop(key)
            raw = gguf_kv(key, kind, value)
        kvs.append(raw)
    kvs += [gguf_kv(key, kind, value) for key, (kind, value) in values.items()]
    head = (
        GGUF_MAGIC
        + struct.pack("<IQQ", version, n_tensors, len(kvs))
        + b"".join(kvs)
        + bytes(data[tensors_start:tensors_end])
    )
    padding = b"\0" * (-len(head) % alignment)
    with open(target, "wb") as out:
        out.write(head + padding)
        for at in range(data_start, len(data), 1 << 24):
            out.write(data[at : at + (1 << 24)])
    return target


def nested_array_gguf(depth: int) -> bytes:
    """One key whose value is an array of an array of ... `depth` deep (the innermost empty)."""
    value = struct.pack("<IQ", U8, 0)
    for _ in range(depth - 1):
        value = struct.pack("<IQ", ARRAY, 1) + value
    return gguf_bytes([gguf_string("general.nested") + struct.pack("<I", ARRAY) + value])


# --- audio ------------------------------------------------------------------------------------------


def tone_wav(path: Path, seconds: float = 0.5, rate: int = 16000) -> Path:
    samples = [int(0.3 * 32767 * math.sin(2 * math.pi * 440 * n / rate)) for n in range(int(seconds * rate))]
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return path


def silent_wav(path: Path, seconds: float) -> Path:
    """A 16 kHz mono WAV of digital silence, written a minute at a time."""
    minute = bytes(16000 * 60 * 2)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        whole, rest = divmod(int(seconds), 60)
        for _ in range(whole):
            out.writeframes(minute)
        out.writeframes(minute[: rest * 16000 * 2])
    return path


def patched(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)
