"""Windows of speech, and their samples read from a stream of blocks."""

from __future__ import annotations

import numpy as np

from app.speakers.windows import SHORTEST_SECONDS, WINDOW_SECONDS, merge_regions, plan_windows, window_samples


def test_windows_cover_a_stretch_of_speech_from_end_to_end():
    windows = plan_windows([(10.0, 20.0)])
    assert windows[0].start == 10.0 and abs(windows[-1].end - 20.0) < 1e-9
    assert all(abs((w.end - w.start) - WINDOW_SECONDS) < 1e-9 for w in windows)
    assert all(b.start - a.start <= 0.8 + 1e-9 for a, b in zip(windows, windows[1:], strict=False))


def test_a_short_reply_is_one_window_of_its_own_and_a_cough_is_none():
    assert [(w.start, w.end) for w in plan_windows([(5.0, 5.9)])] == [(5.0, 5.9)]
    assert plan_windows([(5.0, 5.0 + SHORTEST_SECONDS / 2)]) == []


def test_words_that_touch_become_one_stretch():
    assert merge_regions([(0.0, 0.4), (0.5, 1.0), (3.0, 4.0), (3.5, 3.8)]) == [(0.0, 1.0), (3.0, 4.0)]


def test_samples_from_blocks_are_the_same_as_from_the_whole_audio():
    audio = np.random.default_rng(1).standard_normal(16000 * 20).astype(np.float32)
    windows = plan_windows([(0.2, 4.0), (6.0, 6.7), (9.5, 19.9)])
    blocks = [audio[i : i + 7000] for i in range(0, audio.size, 7000)]  # blocks shorter than a window
    got = list(window_samples(iter(blocks), windows))
    assert [w for w, _ in got] == windows
    for window, samples in got:
        first, last = round(window.start * 16000), round(window.end * 16000)
        assert np.array_equal(samples, audio[first:last])


def test_a_file_that_ends_inside_a_window_gives_what_there_is():
    audio = np.ones(16000 * 3, dtype=np.float32)
    windows = plan_windows([(1.0, 3.4)])  # the speech detector's end is past the file's
    got = list(window_samples([audio], windows))
    assert got and got[-1][1].size <= 16000 * 2
