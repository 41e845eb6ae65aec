"""Transcribing a file, as a task the speech worker runs: a plain generator of events.

    for event in transcribe_file(TranscribeTask("meeting.m4a"), speech, cancel):
        ...  # Progress, TranscriptPiece(segment) per segment, then Done(SpeechResult) or Failed(message)

``speech`` is a loaded models.whisper.Transcriber, or the worker's engine slot (anything with
get() returning one), so the model is loaded on the worker's thread when first needed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.clock import clock
from app.errors import AppError
from app.speakers.task import SpeakerOptions, tell_speakers
from app.tasks.events import Done, Event, Failed, Progress, TranscriptPiece
from models.types import Segment, SpokenSegments
from models.whisper.events import NO_SPEECH_MESSAGE, TranscriptionProgress, TranscriptionResult
from models.whisper.silence import first_sound

if TYPE_CHECKING:
    from models.whisper.transcriber import Transcriber


@dataclass(frozen=True)
class TranscribeTask:
    path: str
    language: str | None = None  # None: detected
    beam_size: int = 5  # 1 is the fast mode
    word_timestamps: bool = False
    speakers: SpeakerOptions | None = None  # tell who said what (None: one stream of text)


@dataclass(frozen=True)
class SpeechResult(SpokenSegments):
    """What a recording or an imported file produced, ready for the history: the audio file
    (in the data folder for a recording; the user's own file for an import), its length, the
    language and the segments. note: a sentence for the user, e.g. "No speech detected." or
    why a recording stopped by itself."""

    audio_path: str | None
    duration: float | None
    segments: tuple[Segment, ...]
    language: str | None = None
    title: str | None = None
    imported_from: str | None = None
    status: str = "done"
    note: str | None = None


def transcriber_of(speech) -> Transcriber:
    """The Transcriber itself, or the one an engine slot holds (loading it on first use)."""
    return speech.get() if hasattr(speech, "get") else speech


def ready_transcriber(speech, cancel: threading.Event) -> Generator[Event, None, Transcriber | None]:
    """Says so while the speech model loads; returns the Transcriber (None if cancelled meanwhile)."""
    if hasattr(speech, "get") and not getattr(speech, "loaded", True):
        yield Progress(None, "Loading the speech model…")
    transcriber = transcriber_of(speech)
    return None if cancel.is_set() else transcriber


def transcribe_file(task: TranscribeTask, speech, cancel: threading.Event) -> Iterator[Event]:
    name = Path(task.path).name
    try:
        # a file with nothing audible is answered from a cheap scan, before the model is loaded
        sound_at, scanned = first_sound(Path(task.path), cancel)
        if cancel.is_set():
            return
        if sound_at is None:
            yield Done(
                SpeechResult(
                    str(task.path),
                    scanned,
                    (),
                    None,
                    title=Path(task.path).stem,
                    imported_from=str(task.path),
                    note=NO_SPEECH_MESSAGE,
                )
            )
            return
        transcriber = yield from ready_transcriber(speech, cancel)
        if transcriber is None:
            return
        yield Progress(0.0, f"Transcribing {name}…")
        began = time.monotonic()
        events = transcriber.transcribe(
            Path(task.path),
            language=task.language,
            beam_size=task.beam_size,
            # the words' times place a change of voice inside a segment
            word_timestamps=task.word_timestamps or task.speakers is not None,
            cancel=cancel,
        )
        for event in events:
            if cancel.is_set():
                return
            if isinstance(event, Segment):
                yield TranscriptPiece(event)
            elif isinstance(event, TranscriptionProgress):
                yield progress_event(event, began, f"Transcribing {name}")
            elif isinstance(event, TranscriptionResult):
                segments, note = event.segments, NO_SPEECH_MESSAGE if event.no_speech else None
                if task.speakers is not None and segments:
                    found = yield from tell_speakers(Path(task.path), segments, task.speakers, cancel)
                    if found is None:
                        return
                    segments = found.segments
                    note = found.note
                yield Done(
                    SpeechResult(
                        str(task.path),
                        event.duration,
                        segments,
                        event.language,
                        title=Path(task.path).stem,
                        imported_from=str(task.path),
                        note=note,
                    )
                )
    except AppError as error:
        yield Failed(str(error))


def progress_event(event: TranscriptionProgress, began: float, what: str) -> Progress:
    fraction = event.fraction
    eta = None
    spent = time.monotonic() - began
    if fraction is not None and fraction > 0.02 and spent > 1.0:
        eta = spent * (1.0 - fraction) / fraction
    if event.duration:
        message = f"{what}: {clock(event.seconds_done)} of {clock(event.duration)}"
    else:
        message = f"{what}: {clock(event.seconds_done)}"
    return Progress(fraction, message, eta)
