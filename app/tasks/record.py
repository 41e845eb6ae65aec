"""Recording from the microphone, as a task the speech worker runs: a plain generator of events.

The microphone opens first, at once: what the user says from the press on is kept, even while
the speech model is still loading (it loads on a helper thread; the audio waits in the file and
in the recorder's tap until the transcriber can take it). The first LevelReading comes only
once the device delivers samples, so "Recording" is never shown before anything is recorded.

While recording it yields a LevelReading ten times a second (input level, peak, elapsed time)
and, with live transcription, each segment as soon as its stretch of audio is transcribed.
The GUI (or the command line) pauses, resumes and stops it through the task's RecordControl;
after Stop it finishes the transcript and ends with Done(SpeechResult). Stop without transcript
(the window's cancel) ends with the audio alone, at once, to be transcribed later from History.

Cancel (the task's token, e.g. on quit) ends it at once and keeps the audio: the file is left
as a crash would leave it, so the next start repairs it and lists it as recovered.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.audio.recorder import Recorder, RecordingInfo
from app.errors import AppError
from app.speakers.live import LiveVoices
from app.speakers.task import SpeakerOptions, tell_speakers
from app.tasks.events import Done, Event, Failed, LevelReading, Progress, TranscriptPiece
from app.tasks.transcribe import SpeechResult, progress_event, ready_transcriber, transcriber_of
from models.types import Segment
from models.whisper.events import NO_SPEECH_MESSAGE, TranscriptionProgress, TranscriptionResult
from models.whisper.live import LiveTranscription
from models.whisper.transcriber import DecodeOptions

log = logging.getLogger(__name__)

TICK_SECONDS = 0.1
NOT_TRANSCRIBED = "Stopped without a transcript; the audio is kept: press Transcribe to make one."


class RecordControl:
    """Pause, resume and stop, set from the GUI thread and read by the task (threading.Event
    is safe for both)."""

    def __init__(self):
        self.stop_requested = threading.Event()
        self.paused = threading.Event()
        self.skip_transcript = threading.Event()

    def pause(self) -> None:
        self.paused.set()

    def resume(self) -> None:
        self.paused.clear()

    def stop(self) -> None:
        self.stop_requested.set()

    def stop_without_transcript(self) -> None:
        """Ends the recording at once and keeps its audio, leaving the transcript for later."""
        self.skip_transcript.set()
        self.stop_requested.set()


@dataclass(frozen=True)
class RecordTask:
    recordings_dir: str
    device: str | None = None  # a device name; None: the default input
    live: bool = True  # transcribe during the recording
    language: str | None = None
    beam_size: int = 5
    max_seconds: float | None = None  # stop by itself after this much audio
    speakers: SpeakerOptions | None = None  # tell who said what after Stop (None: one stream of text)
    control: RecordControl = field(default_factory=RecordControl, compare=False)


class SpeechModelLoad:
    """Loads the speech model on a helper thread, so the recorder can capture meanwhile.
    ``transcriber`` or ``error`` (one sentence) is set once ``done``."""

    def __init__(self, speech):
        self.transcriber = None
        self.error: str | None = None
        self._done = threading.Event()
        if not hasattr(speech, "get") or getattr(speech, "loaded", True):
            self.transcriber = transcriber_of(speech)
            self._done.set()
        else:
            threading.Thread(target=self._load, args=(speech,), name="confide-speech-load", daemon=True).start()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, seconds: float) -> bool:
        return self._done.wait(seconds)

    def _load(self, speech) -> None:
        try:
            self.transcriber = transcriber_of(speech)
        except AppError as error:
            self.error = str(error)
        except Exception as error:  # a bug: logged; the recording itself goes on
            log.exception("loading the speech model failed")
            self.error = f"The speech model could not be loaded ({type(error).__name__}: {error})."
        finally:
            self._done.set()


def record(task: RecordTask, speech, cancel: threading.Event) -> Iterator[Event]:
    recorder = Recorder(Path(task.recordings_dir), task.device, tap=task.live)
    live: LiveTranscription | None = None
    loading: SpeechModelLoad | None = None
    load_error: str | None = None
    running = False
    try:
        try:
            recorder.start()
            running = True
        except AppError as error:
            yield Failed(str(error))
            return
        # the words' times place a change of voice inside a segment
        options = DecodeOptions(task.language, task.beam_size, word_timestamps=task.speakers is not None)
        if task.live:
            loading = SpeechModelLoad(speech)
        # with a live transcript, the voices are measured as it grows: at Stop little is left
        voices = LiveVoices(task.speakers) if task.live and task.speakers is not None else None
        segments: list[Segment] = []
        yield Progress(None, f"Opening {recorder.device_label}…")
        paused = False
        receiving = False
        while True:
            if cancel.is_set():
                running = False
                recorder.interrupt()
                return
            control = task.control
            if not receiving and recorder.receiving:
                receiving = True
                yield Progress(None, _recording_message(recorder, loading))
            if loading is not None and loading.done:
                live, load_error = _start_live(loading, options), loading.error
                if receiving and not paused:
                    yield Progress(None, _recording_message(recorder, None, load_error))
                loading = None
            if control.paused.is_set() != paused:
                paused = control.paused.is_set()
                (recorder.pause if paused else recorder.resume)()
                yield Progress(None, "Paused" if paused else _recording_message(recorder, loading))
            limit_reached = task.max_seconds is not None and recorder.elapsed >= task.max_seconds
            if control.stop_requested.is_set() or recorder.failure or limit_reached:
                break
            if live is not None:
                yield from _live_events(recorder, live, segments)
                if voices is not None:
                    voices.catch_up(segments, recorder.path, cancel)
            elif loading is None and recorder.tap is not None:
                _drain(recorder.tap)  # no transcriber: the audio is in the file, the tap not needed
            if receiving:
                rms, peak = recorder.levels
                yield LevelReading(level=rms, peak=peak, elapsed=recorder.elapsed, paused=paused)
            time.sleep(TICK_SECONDS)
        running = False
        info = recorder.stop()
        if info.failure:
            yield Progress(None, info.failure)
        if task.control.skip_transcript.is_set():
            yield Done(SpeechResult(str(info.path), info.duration, (), None, note=NOT_TRANSCRIBED))
            return
        if loading is not None:
            if not (yield from _wait_for(loading, cancel)):
                return
            live, load_error = _start_live(loading, options), loading.error
            loading = None
        yield Progress(None, "Finishing the transcript…")
        if live is not None:
            _feed_tap(recorder, live)
            finishing = live.finish(cancel)
        elif task.live:  # the speech model could not be loaded: keep the audio, say why
            yield Done(
                SpeechResult(
                    str(info.path),
                    info.duration,
                    (),
                    None,
                    note=f"The recording was kept without a transcript: {load_error}",
                )
            )
            return
        else:
            transcriber = yield from ready_transcriber(speech, cancel)
            if transcriber is None:
                return
            finishing = transcriber.transcribe(
                info.path,
                language=task.language,
                beam_size=task.beam_size,
                word_timestamps=task.speakers is not None,
                cancel=cancel,
            )
        yield from _finish(info, finishing, segments, cancel, task.speakers, voices)
    except AppError as error:
        yield Failed(str(error))
    finally:
        if running:  # a bug or a closed generator: keep the audio for recovery
            recorder.interrupt()
        if live is not None:
            live.stop()  # harmless once finished; otherwise frees its helper thread


def _recording_message(recorder: Recorder, loading: SpeechModelLoad | None, error: str | None = None) -> str:
    if loading is not None:
        return f"Recording from {recorder.device_label} · the live transcript starts once the speech model has loaded"
    if error:
        return f"Recording from {recorder.device_label} · no live transcript: {error}"
    return f"Recording from {recorder.device_label}"


def _start_live(loading: SpeechModelLoad, options: DecodeOptions) -> LiveTranscription | None:
    if loading.transcriber is None:
        return None
    return LiveTranscription(loading.transcriber, options)


def _wait_for(loading: SpeechModelLoad, cancel: threading.Event) -> Generator[Event, None, bool]:
    """After Stop, while the speech model still loads: says so; False if cancelled meanwhile."""
    if not loading.done:
        yield Progress(None, "Loading the speech model…")
    while not loading.wait(TICK_SECONDS):
        if cancel.is_set():
            return False
    return not cancel.is_set()


def _drain(tap: queue.Queue) -> None:
    while True:
        try:
            tap.get_nowait()
        except queue.Empty:
            return


def _feed_tap(recorder: Recorder, live: LiveTranscription) -> None:
    while True:
        try:
            live.feed(recorder.tap.get_nowait())  # type: ignore[union-attr]  # started with tap=True
        except queue.Empty:
            return


def _live_events(recorder: Recorder, live: LiveTranscription, segments: list[Segment]) -> Iterator[Event]:
    _feed_tap(recorder, live)
    for event in live.poll():
        if isinstance(event, Segment):
            segments.append(event)
            yield TranscriptPiece(event)


def _finish(
    info: RecordingInfo,
    events,
    segments: list[Segment],
    cancel,
    speakers: SpeakerOptions | None,
    voices: LiveVoices | None = None,
) -> Generator[Event, None, None]:
    began = time.monotonic()
    language = None
    for event in events:
        if cancel.is_set():
            return
        if isinstance(event, Segment):
            segments.append(event)
            yield TranscriptPiece(event)
        elif isinstance(event, TranscriptionProgress):
            yield progress_event(
                TranscriptionProgress(event.seconds_done, info.duration), began, "Finishing the transcript"
            )
        elif isinstance(event, TranscriptionResult):
            language = event.language
            break
    else:
        return  # stopped without a result (cancelled)
    note = info.failure or (NO_SPEECH_MESSAGE if not any(s.text.strip() for s in segments) else None)
    result = tuple(segments)
    if speakers is not None and result:
        measured = voices if voices is not None and not voices.given_up else None
        found = yield from tell_speakers(
            info.path,
            result,
            speakers,
            cancel,
            encoder=measured.encoder if measured else None,
            measured=measured.measured if measured else None,
        )
        if found is None:
            return
        result = found.segments
        note = note or found.note
    yield Done(SpeechResult(str(info.path), info.duration, result, language, note=note))
