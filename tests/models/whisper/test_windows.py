"""Cutting audio into windows at pauses (no model needed)."""

from __future__ import annotations

import itertools

import numpy as np

from models.whisper.audio_io import SAMPLE_RATE
from models.whisper.windows import FILE_WINDOWS, LIVE_WINDOWS, AudioWindow, Windower, WindowPolicy, windows_of


def babble(seconds: float, seed: int) -> np.ndarray:
    """Speech-like noise: loud 80-250 ms bursts with short dips, never a pause of 0.3 s."""
    rng = np.random.default_rng(seed)
    out = []
    total = 0
    while total < seconds * SAMPLE_RATE:
        burst = int(rng.uniform(0.08, 0.25) * SAMPLE_RATE)
        dip = int(rng.uniform(0.02, 0.08) * SAMPLE_RATE)
        out.append(rng.normal(0, 0.2, burst).astype(np.float32))
        out.append(rng.normal(0, 0.02, dip).astype(np.float32))
        total += burst + dip
    return np.concatenate(out)[: int(seconds * SAMPLE_RATE)]


def pause(seconds: float) -> np.ndarray:
    return np.random.default_rng(0).normal(0, 0.001, int(seconds * SAMPLE_RATE)).astype(np.float32)


def in_blocks(audio: np.ndarray, seconds: float = 1.7):
    step = int(seconds * SAMPLE_RATE)
    return [audio[i : i + step] for i in range(0, audio.size, step)]


def test_windows_put_back_together_are_the_input_exactly():
    """No sample is lost or repeated across cuts, whatever the block sizes fed in."""
    audio = np.concatenate([babble(37, 1), pause(0.8), babble(50, 2), pause(0.5), babble(44, 3)])
    windows = list(windows_of(in_blocks(audio), WindowPolicy(20, 40)))
    assert len(windows) >= 4
    assert np.array_equal(np.concatenate([w.audio for w in windows]), audio)
    for before, after in itertools.pairwise(windows):
        assert abs(after.offset - before.end) < 1e-9


def test_file_windows_end_in_the_pause_and_respect_the_bounds():
    """With a pause inside the allowed range, the cut falls inside it; no window is longer
    than max_seconds."""
    audio = np.concatenate([babble(100, 4), pause(0.7), babble(80, 5)])
    windows = list(windows_of(in_blocks(audio), FILE_WINDOWS))
    first_cut = windows[0].end
    assert 100.0 < first_cut < 100.7
    assert all(w.audio.size <= FILE_WINDOWS.max_seconds * SAMPLE_RATE for w in windows)


def test_without_any_pause_a_cut_still_comes_at_the_longest_window():
    """Continuous sound is cut at its quietest moment, within the bounds."""
    audio = babble(130, 6)
    windows = list(windows_of(in_blocks(audio), FILE_WINDOWS))
    assert FILE_WINDOWS.min_seconds <= windows[0].end <= FILE_WINDOWS.max_seconds
    assert np.array_equal(np.concatenate([w.audio for w in windows]), audio)


def test_live_windows_are_handed_over_at_the_first_pause_after_the_minimum():
    """A live recording's stretch is ready as soon as a pause follows min_seconds of audio,
    without waiting for max_seconds."""
    windower = Windower(LIVE_WINDOWS)
    ready = []
    for block in in_blocks(np.concatenate([babble(9.5, 7), pause(0.8)]), 0.1):
        ready += windower.feed(block)
    assert len(ready) == 1
    assert 9.5 < ready[0].end < 10.3
    assert windower.buffered_seconds < 0.8


def test_live_windows_wait_for_a_pause_before_cutting():
    """Continuous speech shorter than max_seconds is not cut early."""
    windower = Windower(LIVE_WINDOWS)
    ready = []
    for block in in_blocks(babble(25, 8), 0.1):
        ready += windower.feed(block)
    assert ready == []
    rest = windower.finish()
    assert len(rest) == 1 and rest[0].offset == 0.0


def test_no_segment_or_word_ends_after_its_window():
    """Whisper may place an end past the window; kept to the millisecond, it is cut at the
    window's end rounded down (CI once saw 259.334 s for audio of 259.33375 s)."""
    from types import SimpleNamespace

    from models.whisper.transcriber import _shifted

    window = AudioWindow(259.0, np.zeros(5340, dtype=np.float32))  # ends at 259.33375 s
    word = SimpleNamespace(start=0.2, end=0.4, word=" end", probability=0.9)
    piece = SimpleNamespace(start=0.1, end=0.4, text=" The end.", words=[word])
    segment = _shifted(piece, window)
    assert segment.end <= window.end and segment.words[0].end <= window.end
    assert segment.end == 259.333 and segment.start == 259.1
