"""A GGUF file's metadata by key and tensors by name, from its checked header (gguf_header.py),
with errors a user can understand.

Tensor data is a read-only memory map of the file: a tensor's `data` is a numpy view of its
bytes (float types as their numbers, quantized types as bytes per row), as the `gguf` library's
GGUFReader gives them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
from gguf import GGMLQuantizationType, quant_shape_to_byte_shape

from models.errors import ModelError
from models.gguf_header import TensorInfo, printable, read_gguf_header

GGUF_MAGIC = b"GGUF"
_NUMPY_TYPES = {
    GGMLQuantizationType.F16: np.float16,
    GGMLQuantizationType.F32: np.float32,
    GGMLQuantizationType.F64: np.float64,
    GGMLQuantizationType.I8: np.int8,
    GGMLQuantizationType.I16: np.int16,
    GGMLQuantizationType.I32: np.int32,
    GGMLQuantizationType.I64: np.int64,
}


@dataclass(frozen=True, eq=False)
class GGUFTensor(TensorInfo):
    mapped: np.memmap  # the whole file, shared by its tensors
    byte_order: Literal["<", ">"] = "<"

    @cached_property
    def data(self) -> np.ndarray:
        """The tensor's values (reversed shape: rows last), or its bytes per row when quantized."""
        raw = self.mapped[self.data_offset : self.data_offset + self.n_bytes]
        shape = tuple(reversed(self.shape))
        if self.tensor_type in _NUMPY_TYPES:
            return raw.view(np.dtype(_NUMPY_TYPES[self.tensor_type]).newbyteorder(self.byte_order)).reshape(shape)
        return raw.reshape(quant_shape_to_byte_shape(shape, self.tensor_type))


class GGUFFile:
    """Metadata by key and tensors by name of one GGUF file (memory-mapped, read-only)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        header = read_gguf_header(self.path)  # every count, length and offset checked first
        self.metadata = header.metadata
        self.tensors: dict[str, GGUFTensor] = {}
        if header.tensors:
            mapped = np.memmap(self.path, mode="r")
            self.tensors = {
                info.name: GGUFTensor(
                    **{field: getattr(info, field) for field in TensorInfo.__dataclass_fields__},
                    mapped=mapped,
                    byte_order=header.byte_order,
                )
                for info in header.tensors
            }

    def get(self, key: str, default=None):
        return self.metadata.get(key, default)

    def require(self, key: str):
        value = self.get(key)
        if value is None:
            raise ModelError(f"{self.path.name} lacks the metadata entry {key}; it is not a complete model file.")
        return value

    @property
    def architecture(self) -> str:
        value = self.require("general.architecture")
        if not isinstance(value, str) or printable(value) != value or len(value) > 100:
            raise ModelError(
                f"{self.path.name} has a general.architecture that is not a name "
                f"('{printable(str(value), 40)}'); the file is damaged."
            )
        return value

    def arch(self, key: str, default=None):
        """An architecture-scoped entry, e.g. arch('block_count') -> llama.block_count."""
        return self.get(f"{self.architecture}.{key}", default)

    def tensor(self, name: str):
        try:
            return self.tensors[name]
        except KeyError:
            raise ModelError(
                f"{self.path.name} has no tensor {printable(name)}; the file is incomplete or of another architecture."
            ) from None

    def has(self, name: str) -> bool:
        return name in self.tensors

    @staticmethod
    def type_name(tensor) -> str:
        return GGMLQuantizationType(tensor.tensor_type).name

    @staticmethod
    def raw(tensor) -> np.ndarray:
        return np.asarray(tensor.data)
