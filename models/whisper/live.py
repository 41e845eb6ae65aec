"""Transcribing a recording while it is being made.

The recorder hands over its 16 kHz audio as it arrives; finished stretches (cut at the first
pause after a few seconds, see windows.LIVE_WINDOWS) go to the transcriber's helper thread at
once, so the transcript grows during the meeting and only the last stretch is left when the
user presses Stop.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

import numpy as np

from models.whisper.events import TranscriptionEvent
from models.whisper.transcriber import DecodeOptions, Transcriber
from models.whisper.windows import LIVE_WINDOWS, AudioWindow, Windower, WindowPolicy

_CLOSED = object()


class WindowFeed:
    """An iterable of windows that one thread fills while the transcriber's thread reads."""

    def __init__(self):
        self._queue: queue.Queue = queue.Queue()

    def put(self, window: AudioWindow) -> None:
        self._queue.put(window)

    def close(self) -> None:
        self._queue.put(_CLOSED)

    def __iter__(self) -> Iterator[AudioWindow]:
        while True:
            item = self._queue.get()
            if item is _CLOSED:
                return
            yield item


class LiveTranscription:
    def __init__(
        self, transcriber: Transcriber, options: DecodeOptions = DecodeOptions(), policy: WindowPolicy = LIVE_WINDOWS
    ):
        self._windower = Windower(policy)
        self._feed = WindowFeed()
        self._run = transcriber.start(self._feed, options=options)

    def feed(self, block: np.ndarray) -> None:
        """Adds recorded audio (16 kHz mono float32) that follows what was fed before."""
        for window in self._windower.feed(block):
            self._feed.put(window)

    def poll(self) -> list[TranscriptionEvent]:
        """Segments and progress ready now (never waits)."""
        return self._run.poll()

    def finish(self, cancel: threading.Event | None = None) -> Iterator[TranscriptionEvent]:
        """After the recording stopped: transcribes what is left and yields every remaining
        event, ending with the TranscriptionResult of the whole recording."""
        for window in self._windower.finish():
            self._feed.put(window)
        self._feed.close()
        yield from self._run.events(cancel)

    def stop(self) -> None:
        """Abandons the transcription (the audio itself is the recorder's business)."""
        self._run.stop()
        self._feed.close()
