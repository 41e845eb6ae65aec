"""Remembering a voice as a task for a worker: measuring it reads the recording's audio again
and runs the speaker encoder (seconds), so the window submits it to the bridge and stores the
voice itself once it is measured (the history is the GUI thread's)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.speakers.remember import voice_of
from app.tasks.events import Done, Event, Progress


@dataclass(frozen=True)
class MeasureVoiceTask:
    """recording: anything with id, segments and audio_path (a RecordingDetail); speaker: the
    name it is shown by; encoder_dir: the installed speaker encoder's folder."""

    recording: Any
    speaker: str
    encoder_dir: str


def measure_voice(task: MeasureVoiceTask, _engine, cancel: threading.Event) -> Iterator[Event]:
    """Progress, then Done(the speaker's mean voice); a HistoryError (one sentence) when there is
    nothing to measure."""
    from models.speaker.encoder import SpeakerEncoder

    yield Progress(None, f"Listening to {task.speaker}'s voice…")
    voice = voice_of(task.recording, task.speaker, SpeakerEncoder(Path(task.encoder_dir)))
    if not cancel.is_set():
        yield Done(voice)
