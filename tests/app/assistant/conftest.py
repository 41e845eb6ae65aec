"""The real default language model, loaded once for the assistant's real-model tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def smollm(models_data_dir):
    from models.slm.engine import OnnxLanguageModel

    return OnnxLanguageModel.load(models_data_dir / "models" / "smollm2-135m-instruct", threads=2)
