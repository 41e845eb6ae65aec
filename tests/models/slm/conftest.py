"""The language models' source GGUFs and the tokenizer files written from them (the models
themselves, as `confide models install` builds them, are tests/conftest.py's fixtures).

Provisioning rebuilds an installed model whenever the builder's version changes, so the
installed folders are always what the current builder makes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

MODEL_IDS = {"smollm": "smollm2-135m-instruct", "gemma": "gemma3-270m", "qwen": "qwen2.5-coder-0.5b-instruct"}


def installed_model(models_data_dir: Path, model_id: str) -> Path:
    return models_data_dir / "models" / model_id


@pytest.fixture(scope="session")
def smollm_gguf(models_data_dir) -> Path:
    return models_data_dir / "models" / "smollm2-135m-instruct" / "model.gguf"


# --- tokenizer and chat template tests ----------------------------------------------------


@pytest.fixture(scope="session")
def gguf_path(models_data_dir, request):
    """gguf_path("smollm" | "gemma" | "qwen") -> the model's source GGUF file, as provisioning
    keeps it."""

    def path_of(model: str) -> Path:
        if model == "qwen":
            request.getfixturevalue("qwen_dir")  # not a default model: make sure it is installed
        return installed_model(models_data_dir, MODEL_IDS[model]) / "model.gguf"

    return path_of


@pytest.fixture(scope="session")
def tokenizer_dir(gguf_path, tmp_path_factory):
    """tokenizer_dir(model) -> a folder with the tokenizer files written from the model's GGUF
    (written once per session)."""
    from models.slm.tokenizer import save_tokenizer_files

    written: dict[str, Path] = {}

    def folder_of(model: str) -> Path:
        if model not in written:
            folder = tmp_path_factory.mktemp(f"{model}-tokenizer")
            save_tokenizer_files(gguf_path(model), folder)
            written[model] = folder
        return written[model]

    return folder_of
