"""Whisper over faster-whisper (CTranslate2, int8 on the CPU), on a local model folder only.

Audio goes through in windows cut at pauses (models.whisper.windows), so memory stays bounded
however long the input is; each window runs faster-whisper with its speech detector on, the
language found in the first window that holds speech, and the previous window's tokens as the
prompt, which is what faster-whisper does between its own 30-second chunks of a whole file.

The work runs on a helper thread and the caller reads its events from a queue, checking the
cancel token ten times a second: a CTranslate2 call cannot be interrupted and one 30-second
chunk can take seconds, so this is what lets a cancel take effect at once. The helper stops
at its next segment and leaves the model free for the next task.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from models.cpu import physical_cores
from models.errors import AppError, ModelError
from models.types import Segment, Word
from models.whisper.audio_io import SAMPLE_RATE, decode_blocks, probe
from models.whisper.events import TranscriptionEvent, TranscriptionProgress, TranscriptionResult
from models.whisper.silence import is_silent
from models.whisper.windows import FILE_WINDOWS, AudioWindow, WindowPolicy, windows_of

REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
PROMPT_TOKENS = 223  # faster-whisper keeps this many previous tokens (max_length // 2 - 1)
PROMPT_RESET_TEMPERATURE = 0.5  # faster-whisper's prompt_reset_on_temperature
POLL_SECONDS = 0.1
ARRAY_BLOCK_SECONDS = 5.0


@dataclass(frozen=True)
class DecodeOptions:
    language: str | None = None
    beam_size: int = 5
    word_timestamps: bool = False


class Transcriber:
    """A loaded speech model. One at a time: calls from several threads queue inside
    CTranslate2."""

    def __init__(self, model, model_dir: Path, threads: int):
        self._model = model
        self.model_dir = model_dir
        self.threads = threads

    @classmethod
    def load(cls, model_dir: Path, *, threads: int | None = None) -> Transcriber:
        model_dir = Path(model_dir)
        missing = [name for name in REQUIRED_FILES if not (model_dir / name).is_file()]
        if not model_dir.is_dir() or missing:
            what = "does not exist" if not model_dir.is_dir() else f"lacks {', '.join(missing)}"
            raise ModelError(f"The speech model folder {model_dir} {what}; run `confide models install whisper-base`.")
        threads = threads or physical_cores()
        logging.getLogger("faster_whisper").setLevel(logging.WARNING)  # its per-call INFO lines are noise here
        try:
            from faster_whisper import WhisperModel

            model = WhisperModel(
                str(model_dir), device="cpu", compute_type="int8", cpu_threads=threads, local_files_only=True
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(
                f"The speech model in {model_dir} cannot be loaded ({exc}); "
                "reinstall it with `confide models install whisper-base`."
            ) from exc
        return cls(model, model_dir, threads)

    @property
    def languages(self) -> list[str]:
        """The language codes the model knows (en, de, fr...)."""
        return list(self._model.supported_languages)

    def transcribe(
        self,
        audio: Path | str | np.ndarray,
        *,
        language: str | None = None,
        beam_size: int = 5,
        word_timestamps: bool = False,
        cancel: threading.Event | None = None,
        policy: WindowPolicy = FILE_WINDOWS,
    ) -> Iterator[TranscriptionEvent]:
        """Yields TranscriptionProgress and Segment events as the work goes, then one
        TranscriptionResult. audio: a file path, or 16 kHz mono float32 samples. Stops without
        a result when cancel is set. Raises AudioError for a file it cannot read."""
        if language and language not in self.languages:
            raise AppError(
                f"'{language}' is not a language code the speech model knows; use a code such as "
                "en, de, fr or es, or leave the language out to detect it."
            )
        if isinstance(audio, np.ndarray):
            samples = np.asarray(audio, dtype=np.float32).reshape(-1)
            duration: float | None = samples.size / SAMPLE_RATE
            step = int(ARRAY_BLOCK_SECONDS * SAMPLE_RATE)
            blocks: Iterable[np.ndarray] = (samples[i : i + step] for i in range(0, samples.size, step))
        else:
            duration = probe(Path(audio)).duration  # a bad file fails here, before any thread starts
            blocks = decode_blocks(Path(audio))
        run = self.start(
            windows_of(blocks, policy), duration=duration, options=DecodeOptions(language, beam_size, word_timestamps)
        )
        yield from run.events(cancel)

    def start(
        self, windows: Iterable[AudioWindow], *, duration: float | None = None, options: DecodeOptions = DecodeOptions()
    ) -> TranscriptionRun:
        """Starts transcribing windows (any iterable, e.g. one fed by a recording) on a
        helper thread; read the events from the returned run."""
        return TranscriptionRun(self, windows, duration, options)

    # --- one window (on the helper thread) -----------------------------------------------
    def _window_segments(self, window: AudioWindow, options: DecodeOptions, state: _RunState):
        language = options.language or state.language
        pieces, info = self._model.transcribe(
            window.audio,
            language=language,
            beam_size=options.beam_size,
            word_timestamps=options.word_timestamps,
            vad_filter=True,
            initial_prompt=list(state.prompt) or None,
            condition_on_previous_text=True,
        )
        spoke = False
        try:
            for piece in pieces:
                state.carry_prompt(piece.tokens, piece.temperature)
                text = piece.text.strip()
                if not text:
                    continue
                if not spoke and language is None:
                    state.language = info.language  # fixed from now on, as for a whole file
                spoke = True
                yield _shifted(piece, window)
                if state.stopped.is_set():
                    return
        finally:
            pieces.close()


@dataclass
class _RunState:
    language: str | None = None
    prompt: list = field(default_factory=list)
    stopped: threading.Event = field(default_factory=threading.Event)

    def carry_prompt(self, tokens, temperature) -> None:
        self.prompt.extend(tokens)
        if temperature is not None and temperature > PROMPT_RESET_TEMPERATURE:
            self.prompt.clear()
        del self.prompt[:-PROMPT_TOKENS]


@dataclass(frozen=True)
class _Failure:
    error: BaseException


_END = object()


class TranscriptionRun:
    """A transcription running on its helper thread; read it with events() or poll()."""

    def __init__(
        self, transcriber: Transcriber, windows: Iterable[AudioWindow], duration: float | None, options: DecodeOptions
    ):
        self._transcriber = transcriber
        self._windows = windows
        self._duration = duration
        self._options = options
        self._state = _RunState(language=options.language)
        self._queue: queue.Queue = queue.Queue()
        self._done = False
        self._thread = threading.Thread(target=self._work, name="confide-transcribe", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """The helper stops at its next segment or window; no result follows."""
        self._state.stopped.set()

    @property
    def stopped(self) -> bool:
        return self._state.stopped.is_set()

    def events(self, cancel: threading.Event | None = None) -> Iterator[TranscriptionEvent]:
        """Every event until the result (inclusive); returns early, stopping the helper,
        when cancel is set or the reader closes this generator."""
        try:
            while not self._done:
                if cancel is not None and cancel.is_set():
                    return
                try:
                    item = self._queue.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    continue
                yield from self._deliver([item])
        finally:
            if not self._done:
                self.stop()

    def poll(self) -> list[TranscriptionEvent]:
        """The events ready now, without waiting."""
        items = []
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                return list(self._deliver(items))

    def wait(self, timeout: float | None = None) -> bool:
        """Waits for the helper thread to end; True when it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _deliver(self, items) -> Iterator[TranscriptionEvent]:
        for item in items:
            if item is _END:
                self._done = True
                return
            if isinstance(item, _Failure):
                self._done = True
                raise item.error
            if isinstance(item, TranscriptionResult):
                self._done = True
            yield item

    def _work(self) -> None:
        state, options = self._state, self._options
        segments: list[Segment] = []
        end = 0.0
        windows = iter(self._windows)
        try:
            for window in windows:
                if state.stopped.is_set():
                    break
                if is_silent(window.audio):  # nothing audible: the model would only spend time on it
                    end = window.end
                    self._queue.put(TranscriptionProgress(end, self._duration))
                    continue
                for segment in self._transcriber._window_segments(window, options, state):
                    segments.append(segment)
                    self._queue.put(segment)
                    self._queue.put(TranscriptionProgress(segment.end, self._duration))
                if state.stopped.is_set():
                    break
                end = window.end
                self._queue.put(TranscriptionProgress(end, self._duration))
            else:
                self._queue.put(TranscriptionResult(state.language, end, tuple(segments)))
                return
            self._queue.put(_END)
        except BaseException as exc:  # an AppError for the user, or a bug with its traceback
            self._queue.put(_Failure(exc))
        finally:
            close = getattr(windows, "close", None)
            if close is not None:
                close()


def _shifted(piece, window: AudioWindow) -> Segment:
    """A faster-whisper segment of one window, in the whole recording's time."""
    # Times are kept to the millisecond; the window's end is rounded down, not to nearest, so
    # that no segment or word ends after the audio does (259.33375 s must not become 259.334).
    limit = math.floor(window.end * 1000) / 1000
    start = min(window.offset + float(piece.start), limit)
    end = max(start, min(window.offset + float(piece.end), limit))
    words = tuple(
        Word(
            round(min(window.offset + w.start, limit), 3),
            round(min(window.offset + w.end, limit), 3),
            w.word.strip(),
            float(w.probability),
        )
        for w in (piece.words or ())
    )
    return Segment(round(start, 3), round(end, 3), piece.text.strip(), words)
