"""With the real speech model: an import's progress line says what happens from the first
moment (loading the model, then reading the file) with a busy bar, never an empty bar, until
faster-whisper reports how far it is."""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_a_real_import_shows_what_it_does_before_the_first_fraction(
    make_window, data_dir_with_models, speech_clip, qtbot
):
    """The speech model is not loaded yet: the line says "Loading the speech model…" with a busy
    bar, then what it transcribes, still busy until a real fraction fills the bar."""
    window = make_window(folder=data_dir_with_models)  # the real engines
    clip = speech_clip("Good morning everyone. Let's review the launch plan and the budget for March.")
    view = window.record_view
    progress = view.progress
    view.import_file(str(clip))
    assert progress.isVisible() and progress.label.text() and progress.bar.maximum() == 0
    seen = []
    view._import_handle.progress.connect(
        lambda event: seen.append((event.fraction, progress.label.text(), progress.bar.maximum()))
    )
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=180_000)
    assert seen and seen[0][1] == "Loading the speech model…"
    before_measure = []
    for fraction, label, maximum in seen:
        if fraction:
            break
        before_measure.append((label, maximum))
    assert before_measure and all(label and maximum == 0 for label, maximum in before_measure), seen
