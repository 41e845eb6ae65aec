"""A file with nothing audible is answered by the task's energy scan, without the model."""

from __future__ import annotations

import threading

import pytest
from support import write_silence

from app.tasks.events import Done, Progress
from app.tasks.transcribe import TranscribeTask, transcribe_file


class UnusedSpeechModel:
    """An engine slot that fails the test if anything asks it for the model."""

    loaded = False

    def get(self):
        pytest.fail("the speech model was loaded for a silent file")


def test_a_silent_file_says_no_speech_without_loading_the_model(tmp_path):
    """Ten minutes of digital silence: one Done with no segments and the no-speech note, its
    length from the scan, and no "Loading the speech model" on the way."""
    silent = write_silence(tmp_path / "quiet.wav", seconds=600)
    events = list(transcribe_file(TranscribeTask(str(silent)), UnusedSpeechModel(), threading.Event()))
    assert not any(isinstance(e, Progress) for e in events)
    (done,) = events
    assert isinstance(done, Done) and done.result.no_speech and done.result.segments == ()
    assert done.result.note == "No speech detected." and done.result.duration == 600.0
    assert done.result.imported_from == str(silent)
