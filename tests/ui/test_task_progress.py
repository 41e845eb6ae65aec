"""A long step shows what it is doing at once: while the speech model loads and while a file is
decoded before its first segment, the progress line has the task's words and a busy bar (not
an empty bar for 8-10 s), and the time spent so far; real fractions fill the bar after that."""

from __future__ import annotations

import dataclasses
import time

from fake_engine import _write_tone

from app.tasks.events import Done, Progress, TranscriptPiece
from app.tasks.transcribe import SpeechResult
from models.types import Segment

LOAD_S = 1.2  # a slow model load, then a slow first segment: each long enough to be seen


def slow_transcribe(task, slot, cancel):
    """Says what it does as the real runner does, with long silent stretches between."""

    def wait(seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if cancel.is_set():
                return False
            time.sleep(0.01)
        return True

    yield Progress(None, "Loading the speech model…")
    if not wait(LOAD_S):
        return
    yield Progress(0.0, "Transcribing talk.wav…")
    if not wait(LOAD_S):
        return
    segment = Segment(0.0, 2.0, "Hello and welcome.")
    yield TranscriptPiece(segment)
    yield Progress(0.5, "Transcribing talk.wav: 0:02 of 0:04", eta_seconds=2.0)
    yield Done(SpeechResult(task.path, 4.0, (segment,), "en", title="talk", imported_from=task.path))


def test_a_long_first_step_shows_its_words_and_a_busy_bar(make_window, fake_engine, qtbot, tmp_path):
    """From the moment of the import until the first real fraction, the bar is busy (never an
    empty determinate bar) and the label says what happens; the time spent appears while no time
    left is known; then the bar fills."""
    window = make_window(dataclasses.replace(fake_engine.kit(), transcribe=slow_transcribe))
    view = window.record_view
    progress = view.progress
    seen = []

    _write_tone(tmp_path / "talk.wav", 0.5)
    view.import_file(str(tmp_path / "talk.wav"))
    assert progress.isVisible() and progress.label.text() and progress.bar.maximum() == 0  # at once
    view._import_handle.progress.connect(
        lambda event: seen.append((event.fraction, progress.label.text(), progress.bar.maximum(), progress.bar.value()))
    )
    qtbot.waitUntil(lambda: len(seen) >= 1, timeout=5000)
    assert seen[0] == (None, "Loading the speech model…", 0, seen[0][3])
    qtbot.waitUntil(lambda: "so far" in progress.eta.text(), timeout=5000)  # still loading: alive, not stuck
    qtbot.waitUntil(lambda: len(seen) >= 2, timeout=5000)
    fraction, label, maximum, _ = seen[1]
    assert fraction == 0.0 and label == "Transcribing talk.wav…" and maximum == 0  # busy, not an empty bar
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=5000)
    fraction, label, maximum, value = seen[2]
    assert fraction == 0.5 and maximum == 1000 and value == 500 and "left" in progress.eta.text()
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=5000)
    assert not progress.isVisible()
