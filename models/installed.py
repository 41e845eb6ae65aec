"""Installed models: each lives in its own folder with a manifest, confide-model.json.

The manifest records every file's SHA-256 and size when it was installed. `verified` in a
listing means the hashes matched when installed (pinned ones against the catalog) and every
file is still there with the same size; `verify` re-hashes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from models.durable import write_atomically
from models.errors import ModelError
from models.types import ModelKind

MANIFEST = "confide-model.json"
HASH_CHUNK = 1 << 20
# A model id names a folder inside the models folder, never a path: it starts with a letter or
# digit (so neither "..", "." nor a hidden staging folder) and has no separator.
MODEL_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")


def check_model_id(model_id: str) -> str:
    """model_id, or a ModelError when it is not a model id (a path, empty, upper-case...)."""
    if not isinstance(model_id, str) or not MODEL_ID.fullmatch(model_id):
        raise ModelError(
            f"'{model_id}' is not a model id; ids are up to 100 lower-case letters, digits, "
            "'.', '_' and '-', starting with a letter or digit (never a path)."
        )
    return model_id


def model_folder(models_dir: Path, model_id: str) -> Path:
    """The folder of model_id inside models_dir, refused when it would resolve anywhere else
    (a symbolic link out of the models folder, for one)."""
    folder = Path(models_dir) / check_model_id(model_id)
    if folder.resolve().parent != Path(models_dir).resolve():
        raise ModelError(
            f"The folder of '{model_id}' is not inside the models folder {models_dir}; Confide leaves it alone."
        )
    return folder


@dataclass(frozen=True)
class InstalledModel:
    id: str
    kind: ModelKind
    path: Path
    format: str  # "onnx-genai", "gguf" (not built yet), "ctranslate2", "onnx" (the speaker encoder)
    source: str
    files: dict  # relative path -> {"sha256", "size"}
    verified_at_install: bool

    @property
    def size_bytes(self) -> int:
        return sum(entry["size"] for entry in self.files.values())

    def files_intact(self) -> bool:
        for name, entry in self.files.items():
            try:
                if (self.path / name).stat().st_size != entry["size"]:
                    return False
            except OSError:
                return False
        return True

    @property
    def verified(self) -> bool:
        return self.verified_at_install and self.files_intact()

    def as_json(self, verified: bool | None = None) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "path": str(self.path),
            "verified": self.verified if verified is None else verified,
            "size_bytes": self.size_bytes,
            "source": self.source,
            "format": self.format,
        }


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def describe_files(folder: Path, known_hashes: dict[str, str] | None = None) -> dict:
    """sha256 and size of every file below folder (hashes given in known_hashes are reused)."""
    known_hashes = known_hashes or {}
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            name = path.relative_to(folder).as_posix()
            files[name] = {"sha256": known_hashes.get(name) or sha256_file(path), "size": path.stat().st_size}
    return files


def write_manifest(
    folder: Path,
    *,
    model_id: str,
    kind: ModelKind,
    fmt: str,
    source: str,
    verified: bool,
    known_hashes: dict[str, str] | None = None,
) -> None:
    manifest = {
        "id": model_id,
        "kind": kind,
        "format": fmt,
        "source": source,
        "verified_at_install": verified,
        "files": describe_files(folder, known_hashes),
    }
    write_atomically(folder / MANIFEST, json.dumps(manifest, indent=1), mode=0o644)


def read_manifest(folder: Path) -> InstalledModel | None:
    try:
        raw = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return InstalledModel(
            id=raw["id"],
            kind=ModelKind(raw["kind"]),
            path=folder,
            format=raw["format"],
            source=raw["source"],
            files=raw["files"],
            verified_at_install=bool(raw["verified_at_install"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def list_installed(search_path: Iterable[Path]) -> list[InstalledModel]:
    """Installed models, the first folder of the search path winning for a repeated id."""
    found: dict[str, InstalledModel] = {}
    for root in search_path:
        if not root.is_dir():
            continue
        for folder in sorted(root.iterdir()):
            if folder.name.startswith("."):
                continue  # staging folders of an install in progress or interrupted
            model = read_manifest(folder)
            if model is not None and model.id not in found:
                found[model.id] = model
    return list(found.values())


def find_model(search_path: Iterable[Path], model_id: str, kind: ModelKind | None = None) -> InstalledModel:
    for model in list_installed(search_path):
        if model.id == model_id and (kind is None or model.kind == kind):
            return model
    raise ModelError(
        f"The model '{model_id}' is not installed; run `confide models install {model_id}` "
        "or import one with `confide models import PATH`."
    )


def rehash(model: InstalledModel) -> bool:
    """True when every file is present and hashes as it did when installed."""
    for name, entry in model.files.items():
        path = model.path / name
        if not path.is_file() or path.stat().st_size != entry["size"] or sha256_file(path) != entry["sha256"]:
            return False
    return model.verified_at_install
