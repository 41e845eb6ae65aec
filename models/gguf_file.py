"""Reading GGUF files (metadata and tensors) through the `gguf` library, with errors a user
can understand instead of the library's exceptions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from gguf import GGUFReader, GGMLQuantizationType

from models.errors import ModelError

GGUF_MAGIC = b"GGUF"


class GGUFFile:
    """Metadata by key and tensors by name of one GGUF file (memory-mapped, read-only)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            with open(self.path, "rb") as handle:
                magic = handle.read(4)
        except OSError as exc:
            raise ModelError(f"Cannot read {self.path.name} ({exc.strerror}).") from exc
        if magic != GGUF_MAGIC:
            raise ModelError(f"{self.path.name} is not a GGUF file.")
        try:
            self.reader = GGUFReader(self.path, "r")
        except (ValueError, IndexError, OSError, KeyError, TypeError) as exc:
            raise ModelError(f"{self.path.name} is truncated or damaged; download it again.") from exc
        self.tensors = {tensor.name: tensor for tensor in self.reader.tensors}
        self._check_tensor_data_in_file()

    def _check_tensor_data_in_file(self) -> None:
        size = self.path.stat().st_size
        for tensor in self.reader.tensors:
            if tensor.data_offset + tensor.n_bytes > size:
                raise ModelError(f"{self.path.name} is truncated (tensor {tensor.name} runs past its end); download it again.")

    def get(self, key: str, default=None):
        field = self.reader.fields.get(key)
        if field is None:
            return default
        try:
            return field.contents()
        except (ValueError, IndexError) as exc:
            raise ModelError(f"{self.path.name} has an unreadable metadata entry {key}.") from exc

    def require(self, key: str):
        value = self.get(key)
        if value is None:
            raise ModelError(f"{self.path.name} lacks the metadata entry {key}; it is not a complete model file.")
        return value

    @property
    def architecture(self) -> str:
        return str(self.require("general.architecture"))

    def arch(self, key: str, default=None):
        """An architecture-scoped entry, e.g. arch('block_count') -> llama.block_count."""
        return self.get(f"{self.architecture}.{key}", default)

    def tensor(self, name: str):
        try:
            return self.tensors[name]
        except KeyError:
            raise ModelError(f"{self.path.name} has no tensor {name}; the file is incomplete or of another architecture.") from None

    def has(self, name: str) -> bool:
        return name in self.tensors

    @staticmethod
    def type_name(tensor) -> str:
        return GGMLQuantizationType(tensor.tensor_type).name

    @staticmethod
    def raw(tensor) -> np.ndarray:
        return np.asarray(tensor.data)
