"""Which models get the structured path: decided by their size, counted from the installed
graph, never by their id."""

from __future__ import annotations

import json

import pytest
from capable_folder import capable_folder
from support import run_confide

from app.assistant.model_profile import CAPABLE_PARAMETERS, ModelProfile, profile_of


class Folder:
    def __init__(self, path):
        self.model_dir = path


@pytest.mark.parametrize(
    "model_id, low, high, capable",
    [
        ("smollm2-135m-instruct", 100e6, 112e6, False),
        ("gemma3-270m", 95e6, 105e6, False),
        ("qwen2.5-coder-0.5b-instruct", 350e6, 365e6, True),
    ],
)
def test_installed_models_are_counted_from_their_graphs(models_data_dir, model_id, low, high, capable):
    """Non-embedding parameters of the installed builds (Qwen's model card: 0.36 B for 0.5B):
    SmolLM2 and Gemma 3 270M are small, Qwen2.5-0.5B is capable."""
    result = run_confide("models", "install", model_id, data_dir=models_data_dir, timeout=1800)  # no-op once there
    assert result.returncode == 0, result.stderr
    folder = models_data_dir / "models" / model_id
    profile = profile_of(Folder(folder))
    assert low <= profile.parameters <= high
    assert profile.capable is capable


def test_the_id_does_not_decide(tmp_path):
    """A small graph in a folder named like Qwen is small; a big graph under any name is capable;
    a model without a folder, or with an unreadable graph, counts as small."""
    named_like_qwen = tmp_path / "qwen2.5-coder-1.5b-instruct"
    capable_folder(named_like_qwen, parameters=50_000_000)
    assert not profile_of(Folder(named_like_qwen)).capable
    any_name = tmp_path / "my-model"
    capable_folder(any_name, parameters=CAPABLE_PARAMETERS + 1_000_000)
    assert profile_of(Folder(any_name)).capable
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "genai_config.json").write_text(json.dumps({"model": {"vocab_size": 10, "decoder": {"filename": "x"}}}))
    assert profile_of(Folder(broken)) == ModelProfile(0)
    assert not profile_of(object()).capable
