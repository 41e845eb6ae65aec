"""Recording from the microphone, as a task the speech worker runs: a plain generator of events.

While recording it yields a LevelReading ten times a second (input level, peak, elapsed time)
and, with live transcription, each segment as soon as its stretch of audio is transcribed.
The GUI (or the command line) pauses, resumes and stops it through the task's RecordControl;
after Stop it finishes the transcript and ends with Done(SpeechResult).

Cancel (the task's token) ends it at once and keeps the audio: the file is left as a crash
would leave it, so the next start repairs it and lists it as recovered.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from app.audio.recorder import Recorder, RecordingInfo
from app.errors import AppError
from app.tasks.events import Done, Event, Failed, Partial, Progress
from app.tasks.transcribe import SpeechResult, progress_event, ready_transcriber, transcriber_of
from models.types import Segment
from models.whisper.events import NO_SPEECH_MESSAGE, TranscriptionProgress, TranscriptionResult
from models.whisper.live import LiveTranscription
from models.whisper.transcriber import DecodeOptions

TICK_SECONDS = 0.1


class RecordControl:
    """Pause, resume and stop, set from the GUI thread and read by the task (threading.Event
    is safe for both)."""

    def __init__(self):
        self.stop_requested = threading.Event()
        self.paused = threading.Event()

    def pause(self) -> None:
        self.paused.set()

    def resume(self) -> None:
        self.paused.clear()

    def stop(self) -> None:
        self.stop_requested.set()


@dataclass(frozen=True)
class RecordTask:
    recordings_dir: str
    device: str | None = None  # a device name; None: the default input
    live: bool = True  # transcribe during the recording
    language: str | None = None
    beam_size: int = 5
    max_seconds: float | None = None  # stop by itself after this much audio
    control: RecordControl = field(default_factory=RecordControl, compare=False)


@dataclass(frozen=True)
class LevelReading(Partial):
    """kind "level": level is the RMS of the latest audio (0..1), peak its peak, elapsed the
    seconds recorded so far (pauses excluded), paused whether the recording is paused."""

    peak: float = 0.0
    elapsed: float = 0.0
    paused: bool = False


def record(task: RecordTask, speech, cancel: threading.Event) -> Iterator[Event]:
    recorder = Recorder(Path(task.recordings_dir), task.device, tap=task.live)
    live: LiveTranscription | None = None
    running = False
    try:
        try:
            if task.live:
                transcriber = yield from ready_transcriber(speech, cancel)
                if transcriber is None:
                    return
            recorder.start()
            running = True
        except AppError as error:
            yield Failed(str(error))
            return
        options = DecodeOptions(task.language, task.beam_size)
        if task.live:
            live = LiveTranscription(transcriber, options)
        segments: list[Segment] = []
        yield Progress(None, f"Recording from {recorder.device.name}")
        paused = False
        while True:
            if cancel.is_set():
                running = False
                recorder.interrupt()
                return
            control = task.control
            if control.paused.is_set() != paused:
                paused = control.paused.is_set()
                (recorder.pause if paused else recorder.resume)()
                yield Progress(None, "Paused" if paused else f"Recording from {recorder.device.name}")
            limit_reached = task.max_seconds is not None and recorder.elapsed >= task.max_seconds
            if control.stop_requested.is_set() or recorder.failure or limit_reached:
                break
            if live is not None:
                yield from _live_events(recorder, live, segments)
            rms, peak = recorder.levels
            yield LevelReading(level=rms, peak=peak, elapsed=recorder.elapsed, paused=paused, kind="level")
            time.sleep(TICK_SECONDS)
        running = False
        info = recorder.stop()
        if info.failure:
            yield Progress(None, info.failure)
        yield Progress(None, "Finishing the transcript…")
        if live is not None:
            _feed_tap(recorder, live)
            finishing = live.finish(cancel)
        else:
            finishing = transcriber_of(speech).transcribe(info.path, language=task.language,
                                                          beam_size=task.beam_size, cancel=cancel)
        yield from _finish(info, finishing, segments, cancel)
    except AppError as error:
        yield Failed(str(error))
    finally:
        if running:  # a bug or a closed generator: keep the audio for recovery
            recorder.interrupt()
        if live is not None:
            live.stop()  # harmless once finished; otherwise frees its helper thread


def _feed_tap(recorder: Recorder, live: LiveTranscription) -> None:
    while True:
        try:
            live.feed(recorder.tap.get_nowait())
        except queue.Empty:
            return


def _live_events(recorder: Recorder, live: LiveTranscription, segments: list[Segment]) -> Iterator[Event]:
    _feed_tap(recorder, live)
    for event in live.poll():
        if isinstance(event, Segment):
            segments.append(event)
            yield Partial(text=event.text, segment=event, kind="transcript")


def _finish(info: RecordingInfo, events, segments: list[Segment], cancel) -> Iterator[Event]:
    began = time.monotonic()
    language = None
    for event in events:
        if cancel.is_set():
            return
        if isinstance(event, Segment):
            segments.append(event)
            yield Partial(text=event.text, segment=event, kind="transcript")
        elif isinstance(event, TranscriptionProgress):
            yield progress_event(TranscriptionProgress(event.seconds_done, info.duration), began,
                                 "Finishing the transcript")
        elif isinstance(event, TranscriptionResult):
            language = event.language
            break
    else:
        return  # stopped without a result (cancelled)
    note = info.failure or (NO_SPEECH_MESSAGE if not any(s.text.strip() for s in segments) else None)
    yield Done(SpeechResult(str(info.path), info.duration, tuple(segments), language, note=note))
