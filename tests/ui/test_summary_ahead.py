"""The summary is started while a recording goes on (ui.views.summary_ahead): a job on the
language worker each time enough new words are transcribed, one at a time, on the transcript
so far; none for an import; cancelled with the recording; the summary after Stop still comes."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.views import summary_ahead


def test_the_summary_is_prepared_while_recording_and_finished_after_stop(window, fake_engine, qtbot, monkeypatch):
    monkeypatch.setattr(summary_ahead, "PREPARE_WORDS", 12)  # every two lines of the fake's script
    view = window.record_view
    qtbot.mouseClick(view.record_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(fake_engine.prepared) >= 2, timeout=10_000)
    assert fake_engine.prepared == sorted(fake_engine.prepared) and fake_engine.prepared[0] >= 2  # the text so far
    assert view.summary_ahead.started >= 2
    qtbot.mouseClick(view.record_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=10_000)
    page = window.recording_view
    qtbot.waitUntil(lambda: page.recording is not None and page.recording.summary is not None, timeout=10_000)


def test_cancelling_the_recording_cancels_the_summary_being_prepared(window, fake_engine, qtbot, monkeypatch):
    monkeypatch.setattr(summary_ahead, "PREPARE_WORDS", 12)
    fake_engine.step_s = 5.0  # a long job, still running when the recording is cancelled
    view = window.record_view
    qtbot.mouseClick(view.record_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.summary_ahead.running, timeout=10_000)
    handle = view.summary_ahead.handle
    view.cancel_recording_keeping_audio()
    qtbot.waitUntil(lambda: not handle.active, timeout=10_000)
    assert handle.state == "cancelled" and fake_engine.prepared == []
