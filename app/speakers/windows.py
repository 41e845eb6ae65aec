"""Where the voice is measured: windows of speech, and their samples read from a stream of
audio blocks, so that an hour-long file is never held whole."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from models.speaker.encoder import PARTIAL_FRAMES
from models.speaker.mel import HOP, SAMPLE_RATE

WINDOW_SECONDS = PARTIAL_FRAMES * HOP / SAMPLE_RATE  # 1.6 s, the length the encoder was trained on
STEP_SECONDS = 0.8  # windows overlap by half: a change of voice is placed to within 0.4 s
SHORTEST_SECONDS = 0.5  # below this a stretch of speech says too little about its voice


@dataclass(frozen=True)
class Window:
    """A stretch of speech measured as one voice; times in seconds."""

    start: float
    end: float

    @property
    def centre(self) -> float:
        return (self.start + self.end) / 2


def plan_windows(regions: Iterable[tuple[float, float]]) -> list[Window]:
    """Windows of WINDOW_SECONDS every STEP_SECONDS inside each region of speech, the last one
    flush with the region's end; a region shorter than a window is one window of its own length
    (if it is at least SHORTEST_SECONDS long)."""
    windows: list[Window] = []
    for start, end in sorted(regions):
        length = end - start
        if length < SHORTEST_SECONDS:
            continue
        if length <= WINDOW_SECONDS:
            windows.append(Window(start, end))
            continue
        count = int(np.ceil((length - WINDOW_SECONDS) / STEP_SECONDS)) + 1
        step = (length - WINDOW_SECONDS) / (count - 1)
        windows += [Window(start + i * step, start + i * step + WINDOW_SECONDS) for i in range(count)]
    return windows


def merge_regions(regions: Iterable[tuple[float, float]], gap: float = 0.3) -> list[tuple[float, float]]:
    """Overlapping or nearly touching regions as one (words and segments often abut)."""
    merged: list[list[float]] = []
    for start, end in sorted(regions):
        if end <= start:
            continue
        if merged and start <= merged[-1][1] + gap:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def window_samples(
    blocks: Iterable[np.ndarray], windows: list[Window], first_sample: int = 0
) -> Iterator[tuple[Window, np.ndarray]]:
    """Each window (in order of start) with its samples, from consecutive 16 kHz blocks whose
    first sample is number first_sample of the recording; only the audio the next windows
    still need is kept."""
    pending = iter(sorted(windows, key=lambda w: w.start))
    window = next(pending, None)
    buffer = np.empty(0, dtype=np.float32)
    offset = first_sample  # the sample number of buffer[0]
    for block in blocks:
        buffer = np.concatenate([buffer, np.asarray(block, dtype=np.float32)])
        while window is not None and _last(window) <= offset + buffer.size:
            first = _first(window)
            yield window, buffer[max(0, first - offset) : _last(window) - offset]
            window = next(pending, None)
        keep_from = min(_first(window) - offset, buffer.size) if window is not None else buffer.size
        if keep_from > 0:
            buffer, offset = buffer[keep_from:], offset + keep_from
        if window is None:
            return
    while window is not None:  # the file ended inside a window: what there is of it
        piece = buffer[max(0, _first(window) - offset) : _last(window) - offset]
        if piece.size >= SHORTEST_SECONDS * SAMPLE_RATE:
            yield window, piece
        window = next(pending, None)


def _first(window: Window) -> int:
    return int(round(window.start * SAMPLE_RATE))


def _last(window: Window) -> int:
    return int(round(window.end * SAMPLE_RATE))
