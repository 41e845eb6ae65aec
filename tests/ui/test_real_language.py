"""The window with the real language model (SmolLM2-135M, ONNX): drafts and Copy, a summary
streaming in and stored, cancel, quitting mid-task, and the GUI heartbeat while it works."""

from __future__ import annotations

import time

import pytest
from demo_history import MEETING
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from app.bridge import LANGUAGE
from app.history import HistoryStore
from app.paths import DataDir
from models.types import Segment

CHAT = (
    "Anna: Hi! Are we still on for lunch on Friday?\n"
    "Me: I think so, let me check my calendar.\n"
    "Anna: Great. Could we make it 12:30 instead of 12? I have a call until noon."
)


@pytest.fixture
def real_window(make_window, data_dir_with_models):
    return make_window(folder=data_dir_with_models)


def store_meeting(data_dir, closing: str = "") -> int:
    """The meeting stored as a recording; closing: words added to its last line (another
    meeting to the summary model, whose answers to one it remembers)."""
    with HistoryStore.for_data_dir(DataDir(data_dir)) as store:
        recording = store.add_recording(None, duration=50.0)
        ends = [start for start, _, _ in MEETING[1:]] + [50.0]
        lines = [f"{who}: {text}" for _, who, text in MEETING]
        lines[-1] += closing
        store.add_segments(
            recording,
            [Segment(start, end, line) for (start, _, _), end, line in zip(MEETING, ends, lines, strict=True)],
        )
        store.finish_recording(recording, duration=50.0)
    return recording


def test_three_real_drafts_then_copy_puts_one_on_the_clipboard(real_window, qtbot, data_dir_with_models):
    """Paste a conversation -> three distinct drafts from the real model -> Copy fills the clipboard."""
    real_window.show_view("replies")
    view = real_window.replies_view
    view.set_conversation(CHAT)
    assert view.me() == "Me"
    qtbot.mouseClick(view.draft_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not view.busy, timeout=120_000)
    assert view.handle.state == "done", view.banner.message()
    texts = [card.text().strip() for card in view.cards]
    assert all(texts) and len({t.lower() for t in texts}) == 3
    qtbot.mouseClick(view.cards[0].copy_button, Qt.LeftButton)
    assert QGuiApplication.clipboard().text() == view.drafts[0] == texts[0]
    with HistoryStore.for_data_dir(DataDir(data_dir_with_models)) as store:
        [conversation] = store.list_items("conversation")
        assert [d.text for d in store.get_item(conversation.id).drafts] == view.drafts


def test_a_real_summary_streams_in_and_is_stored(real_window, qtbot, data_dir_with_models):
    """Opening an unsummarized recording summarizes it: pieces show before the end, then it is stored."""
    recording = store_meeting(data_dir_with_models)
    real_window.open_new_recording(recording)
    view = real_window.recording_view
    handle = view.summary_handle
    shown_while_working = []
    handle.partial.connect(lambda e: shown_while_working.append(view.summary.toPlainText()))
    qtbot.waitUntil(lambda: not handle.active, timeout=180_000)
    assert handle.state == "done", view.banner.message()
    assert shown_while_working and "Writing the summary" in shown_while_working[0]
    with HistoryStore.for_data_dir(DataDir(data_dir_with_models)) as store:
        summary = store.get_item(recording).summary
    assert summary.title and summary.key_points
    assert summary.title in view.summary.toPlainText() and view.title.text() == summary.title


def test_cancelling_a_real_summary_is_immediate_and_stores_nothing(real_window, qtbot, data_dir_with_models):
    """Esc mid-summary: idle at once; the worker leaves the model within 2 s; no summary row."""
    recording = store_meeting(data_dir_with_models)
    real_window.open_new_recording(recording)
    view = real_window.recording_view
    handle = view.summary_handle
    qtbot.waitUntil(
        lambda: handle.state == "running" and real_window.services.bridge.worker_busy(LANGUAGE), timeout=30_000
    )
    qtbot.wait(1500)  # inside generation by now
    qtbot.keyClick(real_window, Qt.Key_Escape)
    asked = time.monotonic()
    assert handle.state == "cancelled" and not view.progress.isVisible() and view.summarize_button.isEnabled()
    qtbot.waitUntil(lambda: not real_window.bridge.worker_busy(LANGUAGE), timeout=2000)
    assert time.monotonic() - asked < 2.0
    with HistoryStore.for_data_dir(DataDir(data_dir_with_models)) as store:
        assert store.get_item(recording).summary is None


def test_closing_during_a_real_summary_exits_within_5_s(real_window, qtbot, data_dir_with_models):
    """Closing the window while the model works: every thread stops and it reports closed in time."""
    real_window.open_new_recording(store_meeting(data_dir_with_models))
    handle = real_window.recording_view.summary_handle
    qtbot.waitUntil(lambda: handle.state == "running", timeout=30_000)
    qtbot.wait(1000)
    began = time.monotonic()
    with qtbot.waitSignal(real_window.closed, timeout=5000) as closed:
        real_window.close()
    assert closed.args == [True] and time.monotonic() - began < 5.0


def warm_up(window, qtbot, recording, audio) -> None:
    """Runs each task once, as the first summary and transcription of a session do: loading
    the models and first use (templates compiled, modules imported) hold the GIL in native code
    for up to ~0.3 s (tokenizer and ONNX session creation, measured here), so they are not what
    this test measures."""
    window.open_new_recording(recording)
    window.record_view.import_file(str(audio))
    handles = [window.recording_view.summary_handle, window.record_view._import_handle]
    qtbot.waitUntil(lambda: not any(h.active for h in handles), timeout=180_000)
    assert [h.state for h in handles] == ["done", "done"], [h.error for h in handles]
    qtbot.waitUntil(
        lambda: window.recording_view.summary_handle is not None and not window.recording_view.summary_handle.active,
        timeout=180_000,
    )
