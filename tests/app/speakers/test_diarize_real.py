"""Voices told apart in real audio with the real speaker encoder."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from app.speakers.diarize import diarize_audio
from models.whisper import decode_blocks


def _samples(path) -> np.ndarray:
    return np.concatenate(list(decode_blocks(path)))


def _who_spoke(turns, start: float, end: float) -> int:
    spoken: dict[int, float] = {}
    for a, b, speaker in turns:
        spoken[speaker] = spoken.get(speaker, 0.0) + max(0.0, min(b, end) - max(a, start))
    return max(spoken, key=lambda s: spoken[s])


@pytest.mark.parametrize("count", [None, 3])
def test_three_voices_are_three_speakers_in_the_order_they_first_speak(three_voices, speaker_encoder, count):
    wav, truth = three_voices()
    turns = diarize_audio(_samples(wav), speaker_encoder, num_speakers=count)
    assert len({speaker for _, _, speaker in turns}) == 3
    assert [_who_spoke(turns, start, end) for start, end, _ in truth] == [0, 1, 2, 0, 1, 2]


def test_telling_voices_apart_can_be_cancelled(three_voices, speaker_encoder):
    wav, _ = three_voices()
    cancel = threading.Event()
    cancel.set()
    assert diarize_audio(_samples(wav), speaker_encoder, cancel=cancel) == []
