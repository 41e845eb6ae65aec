"""Reading a GGUF file's header (metadata and tensor directory) as untrusted input.

A model file comes from anywhere, and its header is a list of counts and lengths that a naive
reader believes: a uint8 array "of 2**60 elements", a string "of 2**63 bytes", arrays nested
100,000 deep, a tensor whose dimensions multiply past the file. Every count, length, dimension
and offset is checked here against the bytes the file really has left and against limits no
real model comes near, before anything is allocated for it, so a crafted file is refused in
one sentence naming the field, in a fraction of a second, with the memory of its real size.

The key-value layout, value types and magic are the `gguf` library's; the parsing is our own
(its GGUFReader builds a numpy view per array element: 13 s and hundreds of MB for Gemma 3's
262k-token vocabulary, and it trusts the counts).
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from gguf import GGML_QUANT_SIZES, GGUF_MAGIC, GGMLQuantizationType, GGUFValueType

from models.errors import ModelError

# Limits far above every published model and far below what would hurt this machine.
MAX_KV_ENTRIES = 1 << 16
MAX_TENSORS = 1 << 16
MAX_ARRAY_LENGTH = 1 << 21  # elements; the largest vocabularies and merge lists are ~300k
# elements of all arrays together (each becomes a Python object of some 30 bytes): Gemma 3's
# tokens, scores and types are 786k
MAX_TOTAL_ELEMENTS = 1 << 22
MAX_STRING_BYTES = 1 << 24  # one string value (chat templates are some kilobytes)
MAX_KEY_BYTES = 1 << 16
MAX_NAME_BYTES = 1 << 10  # a tensor name (llama.cpp allows 64)
MAX_NESTING = 4  # arrays of arrays (real files have none)
MAX_DIMS = 4  # GGML_MAX_DIMS
MAX_ALIGNMENT = 1 << 16

_SCALARS: dict[int, str] = {
    GGUFValueType.UINT8: "B",
    GGUFValueType.INT8: "b",
    GGUFValueType.UINT16: "H",
    GGUFValueType.INT16: "h",
    GGUFValueType.UINT32: "I",
    GGUFValueType.INT32: "i",
    GGUFValueType.FLOAT32: "f",
    GGUFValueType.BOOL: "?",
    GGUFValueType.UINT64: "Q",
    GGUFValueType.INT64: "q",
    GGUFValueType.FLOAT64: "d",
}
_SMALLEST_ELEMENT = {GGUFValueType.STRING: 8, GGUFValueType.ARRAY: 12}  # a length; a type and a count


@dataclass(frozen=True)
class TensorInfo:
    name: str
    tensor_type: GGMLQuantizationType
    shape: tuple[int, ...]  # GGUF order: the fastest-varying dimension first
    n_elements: int
    n_bytes: int
    data_offset: int  # from the start of the file


@dataclass(frozen=True)
class GGUFHeader:
    version: int
    byte_order: Literal["<", ">"]
    metadata: dict
    tensors: list[TensorInfo]
    data_start: int
    file_size: int


class _Cursor:
    """Reads values from the header, never past the end of the file."""

    def __init__(self, buffer, name: str):
        self.buffer = buffer
        self.size = len(buffer)
        self.name = name
        self.offset = 0
        self.order: Literal["<", ">"] = "<"
        self.elements = 0  # array elements read so far

    def damaged(self, what: str) -> ModelError:
        return ModelError(f"{self.name} is damaged or not a real model: {printable(what)}.")

    def truncated(self, what: str) -> ModelError:
        return ModelError(
            f"{self.name} is truncated or damaged ({printable(what)} runs past the end of the file); download it again."
        )

    def left(self) -> int:
        return self.size - self.offset

    def unpack(self, fmt: str, what: str):
        size = struct.calcsize(self.order + fmt)
        if size > self.left():
            raise self.truncated(what)
        value = struct.unpack_from(self.order + fmt, self.buffer, self.offset)[0]
        self.offset += size
        return value

    def string(self, what: str, limit: int = MAX_STRING_BYTES) -> str:
        length = self.unpack("Q", what)
        if length > limit:
            raise self.damaged(f"{what} claims {length} bytes, more than the {limit} allowed")
        if length > self.left():
            raise self.truncated(what)
        text = self.buffer[self.offset : self.offset + length].decode("utf-8", errors="replace")
        self.offset += length
        return text

    def value(self, kind: int, key: str, depth: int = 0):
        if kind == GGUFValueType.STRING:
            return self.string(f"the metadata string {key}")
        if kind == GGUFValueType.ARRAY:
            return self.array(key, depth + 1)
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind], f"the metadata value {key}")
        raise self.damaged(f"the metadata entry {key} has the unknown value type {kind}")

    def array(self, key: str, depth: int):
        if depth > MAX_NESTING:
            raise self.damaged(f"the metadata array {key} nests arrays more than {MAX_NESTING} deep")
        kind = self.unpack("I", f"the metadata array {key}")
        count = self.unpack("Q", f"the metadata array {key}")
        if kind in _SCALARS:
            smallest = struct.calcsize(self.order + _SCALARS[kind])
        elif kind in _SMALLEST_ELEMENT:
            smallest = _SMALLEST_ELEMENT[kind]
        else:
            raise self.damaged(f"the metadata array {key} has the unknown element type {kind}")
        if count > MAX_ARRAY_LENGTH:
            raise self.damaged(
                f"the metadata array {key} claims {count} elements, more than the {MAX_ARRAY_LENGTH} allowed"
            )
        if count * smallest > self.left():
            raise self.truncated(f"the metadata array {key} of {count} elements")
        self.elements += count
        if self.elements > MAX_TOTAL_ELEMENTS:
            raise self.damaged(f"its metadata arrays hold more than {MAX_TOTAL_ELEMENTS} elements in all")
        if kind == GGUFValueType.STRING:
            return self.strings(count, key)
        if kind in _SCALARS:
            dtype = np.dtype(self.order + _SCALARS[kind])
            values = np.frombuffer(self.buffer, dtype=dtype, count=count, offset=self.offset)
            self.offset += dtype.itemsize * count
            return values.tolist()
        return [self.array(key, depth + 1) for _ in range(count)]

    def strings(self, count: int, key: str) -> list[str]:
        """count strings, in one tight loop (vocabularies have hundreds of thousands)."""
        buffer, offset, size, fmt = self.buffer, self.offset, self.size, self.order + "Q"
        out: list[str] = []
        append = out.append
        for _ in range(count):
            if offset + 8 > size:
                raise self.truncated(f"the metadata array {key}")
            (length,) = struct.unpack_from(fmt, buffer, offset)
            offset += 8
            if length > size - offset:
                raise self.truncated(f"a string of the metadata array {key}")
            append(buffer[offset : offset + length].decode("utf-8", errors="replace"))  # a slice of a mmap is bytes
            offset += length
        self.offset = offset
        return out


def printable(text: str, limit: int = 200) -> str:
    """Text from the file made safe for a one-line message (keys and names may hold anything)."""
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def read_gguf_header(path: Path, *, tensors: bool = True) -> GGUFHeader:
    """The checked header of a GGUF file; tensors=False stops after the metadata."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(0)
            if handle.read(4) != struct.pack("<I", GGUF_MAGIC):
                raise ModelError(f"{path.name} is not a GGUF file.")
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                return _parse(_Cursor(mapped, path.name), size, tensors)
    except OSError as exc:
        raise ModelError(
            f"Cannot read {path.name} ({exc.strerror or exc}); check that the file exists and is readable."
        ) from exc


def read_gguf_metadata(path: Path) -> dict:
    """Every key-value entry of a GGUF file's header (the tensor directory is not read)."""
    return read_gguf_header(path, tensors=False).metadata


def _parse(cursor: _Cursor, size: int, with_tensors: bool) -> GGUFHeader:
    cursor.offset = 4
    version = cursor.unpack("I", "the version")
    if version & 0xFFFF == 0:  # written on a machine of the other byte order
        cursor.order = ">"
        version = struct.unpack(">I", struct.pack("<I", version))[0]
    if version not in (2, 3):
        raise ModelError(f"{cursor.name} is a GGUF of version {version}, which Confide cannot read.")
    tensor_count = cursor.unpack("Q", "the tensor count")
    kv_count = cursor.unpack("Q", "the metadata count")
    if tensor_count > MAX_TENSORS:
        raise cursor.damaged(f"the tensor count is {tensor_count}, more than the {MAX_TENSORS} allowed")
    if kv_count > MAX_KV_ENTRIES:
        raise cursor.damaged(f"the metadata count is {kv_count}, more than the {MAX_KV_ENTRIES} allowed")
    if kv_count * 13 + tensor_count * 32 > cursor.left():  # the smallest entry and tensor record
        raise cursor.truncated(f"the header of {kv_count} metadata entries and {tensor_count} tensors")
    metadata: dict = {}
    for _ in range(kv_count):
        key = cursor.string("a metadata key", MAX_KEY_BYTES)
        if printable(key) != key:
            raise cursor.damaged(f"the metadata key '{key}' is not a name")
        if key in metadata:
            raise cursor.damaged(f"the metadata entry {key} appears twice")
        metadata[key] = cursor.value(cursor.unpack("I", f"the type of {key}"), key)
    if not with_tensors:
        return GGUFHeader(version, cursor.order, metadata, [], 0, size)
    alignment = metadata.get("general.alignment", 32)
    if (
        not isinstance(alignment, int)
        or isinstance(alignment, bool)
        or not 0 < alignment <= MAX_ALIGNMENT
        or alignment & (alignment - 1)
    ):
        raise cursor.damaged(f"general.alignment is {alignment!r}, not a power of two up to {MAX_ALIGNMENT}")
    records = [_tensor_record(cursor) for _ in range(tensor_count)]
    data_start = -(-cursor.offset // alignment) * alignment
    tensors, names = [], set()
    for name, shape, kind, relative in records:
        if name in names:
            raise cursor.damaged(f"the tensor {name} appears twice")
        names.add(name)
        tensors.append(_tensor_info(cursor, name, shape, kind, relative, data_start, alignment))
    return GGUFHeader(version, cursor.order, metadata, tensors, data_start, size)


def _tensor_record(cursor: _Cursor):
    name = cursor.string("a tensor name", MAX_NAME_BYTES)
    if printable(name) != name:
        raise cursor.damaged(f"the tensor name '{name}' is not a name")
    n_dims = cursor.unpack("I", f"the tensor {name}")
    if not 1 <= n_dims <= MAX_DIMS:
        raise cursor.damaged(f"the tensor {name} has {n_dims} dimensions (1 to {MAX_DIMS} allowed)")
    shape = tuple(cursor.unpack("Q", f"the tensor {name}") for _ in range(n_dims))
    kind = cursor.unpack("I", f"the tensor {name}")
    relative = cursor.unpack("Q", f"the tensor {name}")
    return name, shape, kind, relative


def _tensor_info(
    cursor: _Cursor, name: str, shape: tuple[int, ...], kind: int, relative: int, data_start: int, alignment: int
) -> TensorInfo:
    try:
        tensor_type = GGMLQuantizationType(kind)
        block, type_size = GGML_QUANT_SIZES[tensor_type]
    except (ValueError, KeyError):
        raise cursor.damaged(f"the tensor {name} has the unknown type {kind}") from None
    if any(dim < 1 for dim in shape):
        raise cursor.damaged(f"the tensor {name} has an empty dimension {list(shape)}")
    n_elements = 1
    for dim in shape:
        n_elements *= dim  # Python integers: a crafted product cannot wrap around
    if shape[0] % block:
        raise cursor.damaged(
            f"the tensor {name}'s rows of {shape[0]} are not whole {tensor_type.name} blocks of {block}"
        )
    n_bytes = n_elements // block * type_size
    if relative % alignment:
        raise cursor.damaged(f"the tensor {name}'s data offset {relative} is not aligned to {alignment}")
    if n_bytes > cursor.size or data_start + relative + n_bytes > cursor.size:
        raise ModelError(
            f"{cursor.name} is truncated or damaged (tensor {printable(name)} runs past its end); download it again."
        )
    return TensorInfo(name, tensor_type, shape, n_elements, n_bytes, data_start + relative)
