"""Cutting a stream of audio into windows that end in pauses.

Whisper's memory grows with the length of what it is given (its features are computed for the
whole input at once), so long audio is transcribed window by window. A cut placed inside a
pause loses and duplicates nothing: every word lies wholly in one window. Pauses are found from
the signal's energy, which costs next to nothing; the speech detector (Silero VAD) then runs
once inside each window, as it would on a whole file.

Two policies: files are cut near the longest allowed window (fewer windows, less overhead);
a live recording is cut at the first real pause after a short minimum, so its transcript
keeps up with the speaker.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from models.whisper.audio_io import SAMPLE_RATE

FRAME_SECONDS = 0.01
SMOOTH_FRAMES = 10  # energy averaged over 100 ms, so the gap of a stop consonant is not a pause
QUIET_ABOVE_FLOOR_DB = 10.0  # a frame this close to the quietest one of the search range is quiet
PAUSE_DEPTH_DB = 20.0  # a live cut needs a pause this far below the speech around it
SILENCE_FLOOR_DB = -75.0  # digital silence is clamped here instead of -inf


@dataclass(frozen=True)
class WindowPolicy:
    """min_seconds..max_seconds: where a cut may fall. eager: cut at the first pause of at
    least pause_seconds after min_seconds (live); otherwise wait for max_seconds and cut in the
    longest pause between the two (files)."""

    min_seconds: float
    max_seconds: float
    eager: bool = False
    pause_seconds: float = 0.3


FILE_WINDOWS = WindowPolicy(min_seconds=90.0, max_seconds=120.0)
LIVE_WINDOWS = WindowPolicy(min_seconds=8.0, max_seconds=30.0, eager=True)


@dataclass(frozen=True)
class AudioWindow:
    """A stretch of 16 kHz mono audio starting offset seconds into the recording."""

    offset: float
    audio: np.ndarray

    @property
    def end(self) -> float:
        return self.offset + self.audio.size / SAMPLE_RATE


def frame_energy_db(audio: np.ndarray) -> np.ndarray:
    """Mean power of each 10 ms frame, in dBFS, smoothed over 100 ms."""
    frame = int(FRAME_SECONDS * SAMPLE_RATE)
    count = audio.size // frame
    if count == 0:
        return np.zeros(0, dtype=np.float64)
    frames = audio[: count * frame].astype(np.float64).reshape(count, frame)
    power = np.mean(frames * frames, axis=1)
    if count >= SMOOTH_FRAMES:
        power = np.convolve(power, np.ones(SMOOTH_FRAMES) / SMOOTH_FRAMES, mode="same")
    return np.maximum(10.0 * np.log10(np.maximum(power, 1e-12)), SILENCE_FLOOR_DB)


def quiet_runs(energy_db: np.ndarray, floor_db: float) -> list[tuple[int, int]]:
    """[start, stop) frame ranges whose energy stays within QUIET_ABOVE_FLOOR_DB of floor_db
    (never empty when floor_db is the minimum of energy_db)."""
    quiet = energy_db <= floor_db + QUIET_ABOVE_FLOOR_DB
    if not quiet.any():
        return []
    edges = np.diff(np.concatenate(([0], quiet.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1)
    return list(zip(starts.tolist(), stops.tolist(), strict=True))


def find_cut(audio: np.ndarray, policy: WindowPolicy, *, final_search: bool) -> int | None:
    """Where to end the next window (a sample index into audio), or None to wait for more.

    final_search: the buffer has reached max_seconds (or the stream ended), so a cut must be
    chosen now: in the longest quiet stretch between min_seconds and max_seconds, or at the
    quietest moment if nothing there is quiet for long. Otherwise (eager policy only) a cut is
    made at the first pause that is long enough and clearly below the speech level."""
    frame = int(FRAME_SECONDS * SAMPLE_RATE)
    energy = frame_energy_db(audio[: int(policy.max_seconds * SAMPLE_RATE)])
    first = int(policy.min_seconds / FRAME_SECONDS)
    if energy.size <= first:
        return None
    region = energy[first:]
    runs = [(first + start, first + stop) for start, stop in quiet_runs(region, float(region.min()))]
    if policy.eager and not final_search:
        speech_level = float(np.percentile(energy, 90))
        min_run = max(1, int(policy.pause_seconds / FRAME_SECONDS))
        for start, stop in runs:
            if stop - start >= min_run and speech_level - float(energy[start:stop].mean()) >= PAUSE_DEPTH_DB:
                return ((start + stop) // 2) * frame
        return None
    if not final_search:
        return None
    # the longest quiet stretch wins; among equally long ones, the latest (a longer window)
    start, stop = max(runs, key=lambda run: (run[1] - run[0], run[0]))
    return ((start + stop) // 2) * frame


class Windower:
    """Feed it blocks of audio; it hands back finished windows, cut in pauses."""

    def __init__(self, policy: WindowPolicy = FILE_WINDOWS):
        self.policy = policy
        self._buffer = np.zeros(0, dtype=np.float32)
        self._offset_samples = 0  # where the buffer starts in the whole stream

    @property
    def buffered_seconds(self) -> float:
        return self._buffer.size / SAMPLE_RATE

    def feed(self, block: np.ndarray) -> list[AudioWindow]:
        self._buffer = np.concatenate((self._buffer, np.asarray(block, dtype=np.float32).reshape(-1)))
        windows = []
        max_samples = int(self.policy.max_seconds * SAMPLE_RATE)
        while True:
            full = self._buffer.size >= max_samples
            if not full and not self.policy.eager:
                break
            cut = find_cut(self._buffer, self.policy, final_search=full)
            if cut is None or cut <= 0:
                break
            windows.append(self._emit(cut))
        return windows

    def finish(self) -> list[AudioWindow]:
        """The rest of the stream, as one window (cut once more if it is too long)."""
        windows = []
        max_samples = int(self.policy.max_seconds * SAMPLE_RATE)
        while self._buffer.size > max_samples:
            cut = find_cut(self._buffer, self.policy, final_search=True) or max_samples
            windows.append(self._emit(cut))
        if self._buffer.size:
            windows.append(self._emit(self._buffer.size))
        return windows

    def _emit(self, cut: int) -> AudioWindow:
        window = AudioWindow(self._offset_samples / SAMPLE_RATE, self._buffer[:cut].copy())
        self._buffer = self._buffer[cut:].copy()
        self._offset_samples += cut
        return window


def windows_of(blocks: Iterable[np.ndarray], policy: WindowPolicy = FILE_WINDOWS) -> Iterator[AudioWindow]:
    """The windows of a whole stream of blocks."""
    windower = Windower(policy)
    for block in blocks:
        yield from windower.feed(block)
    yield from windower.finish()
