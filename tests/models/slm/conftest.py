"""The installed language models and llama.cpp's reference outputs for them."""

from __future__ import annotations

import pytest

from models.slm.engine import OnnxLanguageModel


@pytest.fixture(scope="session")
def smollm_dir(models_data_dir):
    return models_data_dir / "models" / "smollm2-135m-instruct"


@pytest.fixture(scope="session")
def gemma_dir(models_data_dir):
    return models_data_dir / "models" / "gemma3-270m"


@pytest.fixture(scope="session")
def smollm(smollm_dir):
    return OnnxLanguageModel.load(smollm_dir, threads=2)


@pytest.fixture(scope="session")
def gemma(gemma_dir):
    return OnnxLanguageModel.load(gemma_dir, threads=2)
