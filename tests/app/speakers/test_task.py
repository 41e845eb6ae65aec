"""The speaker step never costs the user their transcript."""

from __future__ import annotations

import threading

from support import run_to_end

from app.speakers.task import SpeakerOptions, tell_speakers
from models.types import Segment


def test_a_damaged_speaker_encoder_keeps_the_transcript_and_says_why(tmp_path):
    (tmp_path / "model.onnx").write_bytes(b"not an onnx model at all")
    segments = (Segment(0.0, 2.0, "Hello there."), Segment(2.5, 4.0, "Hi."))
    found = run_to_end(tell_speakers(tmp_path / "gone.wav", segments, SpeakerOptions(str(tmp_path)), threading.Event()))
    assert found.segments == segments and found.count == 0
    assert found.note.startswith("The transcript is kept without speakers: The speaker encoder at")


def test_a_missing_audio_file_keeps_the_transcript_too(tmp_path, speaker_encoder):
    segments = (Segment(0.0, 2.0, "Hello there."),)
    options = SpeakerOptions(str(tmp_path))
    found = run_to_end(tell_speakers(tmp_path / "gone.wav", segments, options, threading.Event(), speaker_encoder))
    assert found.segments == segments and "without speakers" in found.note
