"""The file-transcription task: the events the GUI's speech worker re-emits."""

from __future__ import annotations

import threading

from support import write_silence

from app.audio.wer import word_error_rate
from app.bridge.jobs import EngineSlot
from app.tasks.events import Done, Failed, Progress, TranscriptPiece
from app.tasks.transcribe import SpeechResult, TranscribeTask, transcribe_file
from models.types import Segment

TEXT = "The new office opens in September, and everyone will get a desk by the window."


def test_a_file_gives_progress_segments_and_a_result(whisper, speech_clip):
    """Progress first, each segment as a TranscriptPiece, then one Done with a
    SpeechResult that the history can store as it is."""
    clip = speech_clip(TEXT)
    events = list(transcribe_file(TranscribeTask(str(clip), language="en"), whisper, threading.Event()))
    assert isinstance(events[0], Progress)
    partials = [e for e in events if isinstance(e, TranscriptPiece)]
    assert partials and all(isinstance(e.segment, Segment) for e in partials)
    assert isinstance(events[-1], Done) and sum(isinstance(e, Done) for e in events) == 1
    result = events[-1].result
    assert isinstance(result, SpeechResult)
    assert result.segments == tuple(e.segment for e in partials)
    assert result.audio_path == str(clip) == result.imported_from
    assert result.language == "en" and result.duration > 3 and result.note is None
    assert word_error_rate(TEXT, result.text) <= 0.2
    fractions = [e.fraction for e in events if isinstance(e, Progress) and e.fraction is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_a_bad_file_ends_in_one_failed_event(tmp_path, whisper):
    """Not audio: the task ends with Failed and its one sentence, nothing raised."""
    bad = tmp_path / "minutes.ogg"
    bad.write_text("not audio at all")
    events = list(transcribe_file(TranscribeTask(str(bad)), whisper, threading.Event()))
    assert isinstance(events[-1], Failed)
    assert "minutes.ogg is not an audio or video file" in events[-1].message
    assert not any(isinstance(e, Done) for e in events)


def test_silence_is_done_with_no_speech_detected(tmp_path, whisper):
    """A silent file: Done, no segment, and the note says no speech was detected."""
    events = list(
        transcribe_file(TranscribeTask(str(write_silence(tmp_path / "quiet.wav", 4.0))), whisper, threading.Event())
    )
    result = events[-1].result
    assert result.segments == () and result.no_speech and result.note == "No speech detected."


def test_the_model_is_loaded_through_the_worker_s_slot(whisper, speech_clip):
    """Given the speech worker's engine slot, the task says it is loading, then uses it."""
    slot = EngineSlot("speech", lambda: whisper)
    events = list(
        transcribe_file(TranscribeTask(str(speech_clip("Hello there.")), language="en"), slot, threading.Event())
    )
    assert events[0] == Progress(None, "Loading the speech model…")
    assert slot.loaded and isinstance(events[-1], Done)


def test_a_cancelled_task_ends_without_a_result(whisper, speech_clip):
    """The token set before the first segment: the task stops with no Done and no Failed."""
    cancel = threading.Event()
    events = []
    for event in transcribe_file(TranscribeTask(str(speech_clip(TEXT))), whisper, cancel):
        events.append(event)
        cancel.set()
    assert not any(isinstance(e, (Done, Failed)) for e in events)
