"""The speaker encoder's checkpoint is read without torch and without running what it asks for."""

from __future__ import annotations

import os
import pickle
from collections import OrderedDict

import numpy as np
import pytest

from models.errors import ModelError
from models.speaker.build_onnx import check_shapes, expected_shapes
from models.speaker.checkpoint import MAGIC_NUMBER, PROTOCOL_VERSION, read_state


def _legacy_file(path, payload) -> None:
    """The legacy layout's three leading pickles, then payload (any picklable object)."""
    with open(path, "wb") as out:
        for part in (MAGIC_NUMBER, PROTOCOL_VERSION, {"little_endian": True, "protocol_version": PROTOCOL_VERSION}):
            pickle.dump(part, out, protocol=2)
        pickle.dump(payload, out, protocol=2)
        pickle.dump([], out, protocol=2)


class _RunsACommand:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


class _OpensAFile:
    def __reduce__(self):
        return (open, ("/etc/hostname",))


def test_a_checkpoint_that_asks_to_run_a_command_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "ran"
    crafted = tmp_path / "pretrained.pt"
    _legacy_file(crafted, {"model_state": OrderedDict(evil=_RunsACommand(marker))})
    with pytest.raises(ModelError, match="not a usable speaker encoder checkpoint") as caught:
        read_state(crafted)
    assert "refused global" in str(caught.value)
    assert not marker.exists()


def test_any_global_but_the_three_a_checkpoint_needs_is_refused(tmp_path):
    crafted = tmp_path / "pretrained.pt"
    _legacy_file(crafted, {"model_state": {"x": _OpensAFile()}})
    with pytest.raises(ModelError, match="refused global io.open"):
        read_state(crafted)


def test_a_file_that_is_not_a_checkpoint_says_so(tmp_path):
    crafted = tmp_path / "pretrained.pt"
    crafted.write_bytes(b"\x80\x02K\x07." + os.urandom(200))
    with pytest.raises(ModelError, match="not a usable speaker encoder checkpoint"):
        read_state(crafted)


def test_the_real_checkpoint_holds_the_encoders_tensors(speaker_encoder_dir):
    state = read_state(speaker_encoder_dir / "pretrained.pt")
    check_shapes(state)  # raises on any missing or misshapen tensor
    assert all(state[name].dtype == np.float32 for name in expected_shapes())
    # The LSTM's weights share one storage in the file: each must be its own slice of it.
    assert not np.array_equal(state["lstm.weight_hh_l1"], state["lstm.weight_hh_l2"])


def test_a_cut_short_checkpoint_is_refused(speaker_encoder_dir, tmp_path):
    data = (speaker_encoder_dir / "pretrained.pt").read_bytes()
    cut = tmp_path / "pretrained.pt"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match="ends early"):
        read_state(cut)


def test_tensors_of_the_wrong_shape_are_refused():
    state = {name: np.zeros(shape, np.float32) for name, shape in expected_shapes().items()}
    state["lstm.weight_ih_l0"] = np.zeros((1024, 80), np.float32)
    with pytest.raises(ModelError, match="not Resemblyzer's encoder"):
        check_shapes(state)
