"""The recording task on the virtual microphone: levels, pause, live transcript, stop, cancel."""

from __future__ import annotations

import subprocess
import threading
import time

import numpy as np

from app.audio.recovery import recover_recordings
from app.audio.wer import word_error_rate
from app.tasks.events import Done, Failed, Progress, TranscriptPiece
from app.tasks.record import LevelReading, RecordTask, record
from models.types import Segment
from models.whisper import SAMPLE_RATE, decode_blocks

FIRST = (
    "Welcome to the weekly planning meeting. Today we look at the budget for the new warehouse, "
    "the hiring plan for the summer, and the schedule of the spring trade fair."
)
SECOND = "Please send your numbers to Laura by Monday."


def test_live_transcript_grows_during_the_recording(tmp_path, virtual_mic, speech_clip, whisper):
    """Speech played into the microphone: levels come ten times a second; the first stretch
    (over 8 s, then a pause) is transcribed while the recording goes on, and Stop is pressed
    only once its text has arrived; after Stop the task ends with the whole transcript
    (WER <= 0.3) and the recorded file."""
    first = np.concatenate(list(decode_blocks(speech_clip(FIRST))))
    second = np.concatenate(list(decode_blocks(speech_clip(SECOND))))
    speech = tmp_path / "speech.wav"
    samples = np.concatenate([first, np.zeros(SAMPLE_RATE, np.float32), second])
    subprocess.run(
        ["sox", "-t", "f32", "-r", "16000", "-c", "1", "-", str(speech)], input=samples.tobytes(), check=True
    )
    task = RecordTask(str(tmp_path / "recordings"), live=True, language="en")
    player = None
    live_text_while_recording = False
    levels = []
    events = []
    for event in record(task, whisper, threading.Event()):
        events.append(event)
        if isinstance(event, TranscriptPiece) and not task.control.stop_requested.is_set():
            live_text_while_recording = True
        if isinstance(event, LevelReading):
            levels.append(event)
            if player is None and event.elapsed > 0.2:
                player = virtual_mic(speech)
            played = player is not None and player.poll() is not None
            if played and (live_text_while_recording or event.elapsed > 60):
                task.control.stop()
    assert isinstance(events[-1], Done), events[-1]
    result = events[-1].result
    assert live_text_while_recording
    assert word_error_rate(f"{FIRST} {SECOND}", result.text) <= 0.3, result.text
    assert max(reading.peak for reading in levels) > 0.1
    elapsed = [reading.elapsed for reading in levels]
    assert elapsed == sorted(elapsed) and result.duration >= elapsed[-1]
    assert result.audio_path.endswith(".wav") and result.note is None and result.language == "en"


def test_pause_resume_and_a_recording_without_live_transcription(tmp_path, virtual_mic, whisper):
    """Paused, the elapsed time stands still and a Progress says so; without --live the file
    is transcribed after Stop (here: silence, so no speech is detected)."""
    task = RecordTask(str(tmp_path), live=False)
    paused_at = resumed = None
    messages = []
    events = []
    for event in record(task, whisper, threading.Event()):
        events.append(event)
        if isinstance(event, Progress):
            messages.append(event.message)
        if not isinstance(event, LevelReading):
            continue
        if paused_at is None and event.elapsed > 1.0:
            paused_at = event.elapsed
            task.control.pause()
            pause_began = time.monotonic()
        elif paused_at is not None and resumed is None and time.monotonic() - pause_began > 1.0:
            assert event.paused and event.elapsed - paused_at < 0.2
            resumed = event.elapsed
            task.control.resume()
        elif resumed is not None and event.elapsed > resumed + 0.8:
            task.control.stop()
    assert "Paused" in messages
    result = events[-1].result
    assert 1.6 < result.duration < 2.6
    assert result.segments == () and result.note == "No speech detected."


def test_cancel_keeps_the_audio_for_recovery(tmp_path, virtual_mic, whisper):
    """Cancelled while recording: no Done, and the audio is kept; the next start lists it as
    a recovered recording."""
    task = RecordTask(str(tmp_path), live=True)
    cancel = threading.Event()
    events = []
    for event in record(task, whisper, cancel):
        events.append(event)
        if isinstance(event, LevelReading) and event.elapsed > 1.2:
            cancel.set()
    assert not any(isinstance(e, (Done, Failed)) for e in events)
    recovered = recover_recordings(tmp_path)
    assert len(recovered) == 1 and recovered[0].duration >= 1.2


def test_a_missing_microphone_is_a_failed_event(tmp_path, whisper, monkeypatch, virtual_mic):
    """An unknown device name: the task ends at once with Failed, and nothing is written."""
    events = list(record(RecordTask(str(tmp_path), device="no such headset"), whisper, threading.Event()))
    assert len(events) == 1 and isinstance(events[0], Failed)
    assert "No microphone is called 'no such headset'" in events[0].message
    assert list(tmp_path.iterdir()) == []


OPENING = "Good morning everyone, I'm Priya, and this is our weekly sync. First the launch, then the budget."


class SlowSpeechSlot:
    """The worker's engine slot as a first Record finds it: the speech model not loaded yet,
    and loading it takes a few seconds (4 s here; about that the first time on this machine)."""

    def __init__(self, transcriber, seconds: float = 4.0):
        self._transcriber = transcriber
        self._seconds = seconds
        self.loaded = False
        self.loaded_at: float | None = None

    def get(self):
        if not self.loaded:
            time.sleep(self._seconds)
            self.loaded, self.loaded_at = True, time.monotonic()
        return self._transcriber


def test_the_first_words_are_recorded_while_the_speech_model_loads(tmp_path, virtual_mic, speech_clip, whisper):
    """Speech starts at the very moment Record is pressed, while the speech model still loads:
    the microphone is already open (levels arrive before the model is ready), and the first
    words are both in the file and in the transcript."""
    clip = speech_clip(OPENING)
    slot = SlowSpeechSlot(whisper)
    task = RecordTask(str(tmp_path / "recordings"), live=True, language="en")
    events = []
    first_level_at = None
    player = virtual_mic(clip)  # the user speaks as they press
    try:
        for event in record(task, slot, threading.Event()):
            events.append(event)
            if isinstance(event, LevelReading):
                first_level_at = first_level_at or time.monotonic()
                if player.poll() is not None and not task.control.stop_requested.is_set():
                    time.sleep(0.5)
                    task.control.stop()
    finally:
        if player.poll() is None:
            player.kill()
    assert isinstance(events[-1], Done), events[-1]
    assert first_level_at is not None and slot.loaded_at is not None and first_level_at < slot.loaded_at
    messages = [event.message for event in events if isinstance(event, Progress)]
    assert any("live transcript starts once the speech model has loaded" in (m or "") for m in messages)
    result = events[-1].result
    assert result.text.lower().lstrip().startswith("good morning"), result.text
    assert word_error_rate(OPENING, result.text) <= 0.3, result.text
    from_file = " ".join(
        event.text for event in whisper.transcribe(result.audio_path, language="en") if isinstance(event, Segment)
    )
    assert from_file.lower().lstrip().startswith("good morning"), from_file


def test_stop_without_transcript_keeps_the_audio_at_once(tmp_path, virtual_mic, whisper):
    """The window's cancel: the recording ends at once with its audio and no transcript, and
    says how to make one later."""
    task = RecordTask(str(tmp_path), live=True)
    events = []
    for event in record(task, whisper, threading.Event()):
        events.append(event)
        if isinstance(event, LevelReading) and event.elapsed > 1.0 and not task.control.stop_requested.is_set():
            asked = time.monotonic()
            task.control.stop_without_transcript()
    assert isinstance(events[-1], Done) and time.monotonic() - asked < 2.0
    result = events[-1].result
    assert result.segments == () and "press Transcribe" in result.note
    assert result.duration >= 1.0 and result.audio_path.endswith(".wav")
