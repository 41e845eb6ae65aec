"""Reads a PyTorch checkpoint in the legacy (non-zip) format without torch, and without
running anything the file asks for.

The format: four pickles (a magic number, a protocol version, system info, then the object
whose tensors name their storages by persistent id), a pickled list of storage keys, then each
storage's bytes (an 8-byte little-endian element count, then the elements). A pickle can call
any importable function; the unpickler here knows three names (the tensor rebuilder, the float
storage type, OrderedDict), each replaced by a harmless stand-in, and refuses every other.
"""

from __future__ import annotations

import io
import pickle
import struct
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.errors import ModelError

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001
MAX_FILE_BYTES = 256 * 1024 * 1024  # the encoder is 17 MB; anything far bigger is not it


@dataclass(frozen=True)
class _Storage:
    key: str
    numel: int


@dataclass(frozen=True)
class _TensorRef:
    storage: _Storage
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


class _FloatStorage:
    """Stands in for torch.FloatStorage: only ever compared by identity in persistent ids."""


def _rebuild_tensor(storage, offset, shape, stride, *_rest) -> _TensorRef:
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError("a tensor without a storage")
    if not isinstance(offset, int) or not all(isinstance(n, int) and n >= 0 for n in (*shape, *stride)):
        raise pickle.UnpicklingError("a tensor with a malformed shape")
    return _TensorRef(storage, offset, tuple(shape), tuple(stride))


_ALLOWED = {
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch", "FloatStorage"): _FloatStorage,
    ("collections", "OrderedDict"): OrderedDict,
}


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, stream, storages: dict[str, _Storage] | None = None):
        super().__init__(stream)
        self._storages = storages if storages is not None else {}

    def find_class(self, module: str, name: str):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"refused global {module}.{name}") from None

    def persistent_load(self, pid):
        # ('storage', storage_type, key, location, numel[, view_metadata])
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError("an unknown persistent id")
        storage_type, key, numel = pid[1], pid[2], pid[4]
        if storage_type is not _FloatStorage or not isinstance(key, str) or not isinstance(numel, int) or numel < 0:
            raise pickle.UnpicklingError("a storage that is not float32")
        known = self._storages.setdefault(key, _Storage(key, numel))
        if known.numel != numel:
            raise pickle.UnpicklingError("one storage with two sizes")
        return known


def read_state(path: Path, section: str = "model_state") -> dict[str, np.ndarray]:
    """The float32 tensors of checkpoint[section], by name. Raises ModelError, with one sentence,
    for a file that is not such a checkpoint or that asks to run anything."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ModelError(f"{path.name} is too large to be a speaker encoder checkpoint.")
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"Could not read {path.name}: {exc.strerror or exc}.") from exc
    try:
        return _parse(data, section)
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError, IndexError, struct.error) as exc:
        raise ModelError(f"{path.name} is not a usable speaker encoder checkpoint ({exc}).") from exc


def _parse(data: bytes, section: str) -> dict[str, np.ndarray]:
    stream = io.BytesIO(data)
    if _RestrictedUnpickler(stream).load() != MAGIC_NUMBER:
        raise ValueError("not a legacy PyTorch checkpoint")
    if _RestrictedUnpickler(stream).load() != PROTOCOL_VERSION:
        raise ValueError("an unknown checkpoint version")
    info = _RestrictedUnpickler(stream).load()
    if not isinstance(info, dict) or info.get("little_endian") is not True:
        raise ValueError("not a little-endian checkpoint")
    storages: dict[str, _Storage] = {}
    checkpoint = _RestrictedUnpickler(stream, storages).load()
    keys = _RestrictedUnpickler(stream).load()
    if not isinstance(keys, list) or set(keys) != set(storages) or len(keys) != len(storages):
        raise ValueError("the storage list does not match the tensors")
    buffers = {}
    for key in keys:
        (count,) = struct.unpack("<q", _exactly(stream, 8))
        if count != storages[key].numel:
            raise ValueError("a storage of the wrong size")
        buffers[key] = np.frombuffer(_exactly(stream, 4 * count), dtype="<f4")
    state = checkpoint[section] if isinstance(checkpoint, dict) else None
    if not isinstance(state, dict):
        raise ValueError(f"no {section}")
    return {name: _tensor(ref, buffers) for name, ref in state.items() if isinstance(ref, _TensorRef)}


def _exactly(stream: io.BytesIO, count: int) -> bytes:
    chunk = stream.read(count)
    if len(chunk) != count:
        raise ValueError("the file ends early")
    return chunk


def _tensor(ref: _TensorRef, buffers: dict[str, np.ndarray]) -> np.ndarray:
    buffer = buffers[ref.storage.key]
    expected = _contiguous_strides(ref.shape)
    if ref.stride != expected and int(np.prod(ref.shape)) > 1:
        raise ValueError("a tensor that is not contiguous")
    numel = int(np.prod(ref.shape)) if ref.shape else 1
    if ref.offset < 0 or ref.offset + numel > buffer.size:
        raise ValueError("a tensor outside its storage")
    return buffer[ref.offset : ref.offset + numel].reshape(ref.shape).astype(np.float32)


def _contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= n
    return tuple(reversed(strides))
