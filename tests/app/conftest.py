"""The Whisper base model for the speech tests under tests/app (audio, tasks), loaded once per
session: the same instance as tests/models/whisper's, kept on pytest's config object, since
two conftest files cannot share a fixture otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def whisper_model_dir(models_data_dir) -> Path:
    return models_data_dir / "models" / "whisper-base"


@pytest.fixture(scope="session")
def whisper(request, whisper_model_dir):
    from models.whisper import Transcriber

    cached = getattr(request.config, "_confide_whisper", None)
    if cached is None:
        cached = Transcriber.load(whisper_model_dir, threads=2)
        request.config._confide_whisper = cached
    return cached
