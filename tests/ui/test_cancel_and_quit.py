"""Cancel and quit, through the real bridge and threads with the scripted fake engine: the UI is
idle at once, the worker stops within 2 s, nothing half-made is stored, and closing the window
during a task exits cleanly within 5 s without the GUI thread ever waiting."""

from __future__ import annotations

import threading
import time

import pytest
from fake_engine import FakeEngine, _write_tone
from heartbeat import heartbeat
from PySide6.QtCore import Qt
from test_window_wiring import CHAT

from app.history import HistoryStore
from app.paths import DataDir
from app.tasks.events import Progress


@pytest.fixture
def slow_engine():
    """Each streamed piece takes 0.5 s, so every task is still running when it is cancelled."""
    return FakeEngine(step_s=0.5)


@pytest.fixture
def slow_window(make_window, slow_engine):
    return make_window(slow_engine.kit())


def items(data_dir, kind=None):
    with HistoryStore.for_data_dir(DataDir(data_dir)) as store:
        return store.list_items(kind)


def cancel_with_escape(window, qtbot):
    qtbot.keyClick(window, Qt.Key_Escape)
    return time.monotonic()


def assert_worker_stopped(engine, name, asked, qtbot):
    qtbot.waitUntil(lambda: name in engine.stopped_at, timeout=2500)
    assert engine.stopped_at[name] - asked < 2.0


def test_cancel_an_import(slow_window, slow_engine, qtbot, tmp_path, data_dir):
    """Esc during a transcription: idle at once, worker stops, no recording stored."""
    window, view = slow_window, slow_window.record_view
    source = tmp_path / "talk.wav"
    _write_tone(source, 0.5)
    view.import_file(str(source))
    qtbot.waitUntil(lambda: view.transcript.count() >= 1, timeout=3000)
    asked = cancel_with_escape(window, qtbot)
    assert view.state == "idle" and not view.progress.isVisible() and view.import_button.isEnabled()
    assert view.state_label.text() == "Import cancelled"
    assert_worker_stopped(slow_engine, "transcribe", asked, qtbot)
    qtbot.wait(200)
    assert items(data_dir) == [] and window.current_view() == "record"


def test_escape_during_a_recording_asks_and_keeps_the_audio(slow_window, slow_engine, qtbot, data_dir):
    """Esc while recording only asks: the recording goes on, and Esc again answers no. Saying
    yes ends it at once, keeping its audio: it is in History right away, without a transcript."""
    window, view = slow_window, slow_window.record_view
    view.start_recording()
    qtbot.waitUntil(lambda: view.transcript.count() >= 1, timeout=3000)
    cancel_with_escape(window, qtbot)
    assert view.state == "recording" and view.banner.action_button.text() == "Cancel recording"
    lines = view.transcript.count()
    qtbot.waitUntil(lambda: view.transcript.count() > lines, timeout=3000)  # still recording
    cancel_with_escape(window, qtbot)
    assert view.state == "recording" and not view.banner.isVisible()
    cancel_with_escape(window, qtbot)
    asked = time.monotonic()
    qtbot.mouseClick(view.banner.action_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.state == "idle", timeout=2000)
    assert time.monotonic() - asked < 2.0 and window.current_view() == "recording"
    [item] = items(data_dir)
    with HistoryStore.for_data_dir(DataDir(data_dir)) as store:
        stored = store.get_item(item.id)
        assert stored.audio_path.is_file() and not stored.segments
    assert window.recording_view.transcribe_button.isVisibleTo(window.recording_view)


def test_closing_during_a_recording_keeps_it_for_recovery(slow_window, slow_engine, qtbot, data_dir):
    """The bridge's cancel (as on quit) still ends a recording at its next check, with no
    half-made history row."""
    view = slow_window.record_view
    view.start_recording()
    qtbot.waitUntil(lambda: view.transcript.count() >= 1, timeout=3000)
    view.session.handle.cancel()
    asked = time.monotonic()
    assert view.state == "idle" and view.record_button.isEnabled()
    assert_worker_stopped(slow_engine, "record", asked, qtbot)
    assert items(data_dir) == []


def test_cancel_a_summary(make_window, qtbot, tmp_path, data_dir):
    """Cancel during the summary: idle at once, worker stops, the recording keeps no summary."""
    engine = FakeEngine(step_s=0.05)
    window = make_window(engine.kit())
    source = tmp_path / "talk.wav"
    _write_tone(source, 0.5)
    window.record_view.import_file(str(source))
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=5000)
    engine.step_s = 0.5  # the summary, now started, is slow
    view = window.recording_view
    qtbot.waitUntil(lambda: bool(view.summary.shown.key_points), timeout=3000)
    qtbot.mouseClick(view.progress.cancel_button, Qt.LeftButton)
    asked = time.monotonic()
    assert not view.progress.isVisible() and view.summarize_button.isEnabled()
    assert "Writing the summary" not in view.summary.toPlainText()
    assert_worker_stopped(engine, "summarize", asked, qtbot)
    with HistoryStore.for_data_dir(DataDir(data_dir)) as store:
        assert store.get_item(view.recording.id).summary is None


def test_cancel_drafting_replies(slow_window, slow_engine, qtbot, data_dir):
    """Esc while drafting: idle at once, worker stops, no conversation is stored."""
    window = slow_window
    window.show_view("replies")
    view = window.replies_view
    view.set_conversation(CHAT)
    view.draft()
    qtbot.waitUntil(lambda: view.handle is not None and view.handle.state == "running", timeout=3000)
    asked = cancel_with_escape(window, qtbot)
    assert not view.busy and view.draft_button.isEnabled() and not view.progress.isVisible()
    assert_worker_stopped(slow_engine, "replies", asked, qtbot)
    assert items(data_dir, "conversation") == []


def test_closing_during_a_task_exits_cleanly_within_5_s(slow_window, slow_engine, qtbot):
    """Closing while a summary and a transcription run: hidden at once, every thread finished,
    ``closed(True)`` within 5 s."""
    window = slow_window
    window.show_view("replies")
    window.replies_view.set_conversation(CHAT)
    window.replies_view.draft()
    window.record_view.start_recording()
    qtbot.waitUntil(
        lambda: (
            len(window.bridge.active_handles()) == 2
            and all(h.state == "running" for h in window.bridge.active_handles())
        ),
        timeout=3000,
    )
    began = time.monotonic()
    with qtbot.waitSignal(window.closed, timeout=5000) as closed:
        window.close()
        assert not window.isVisible() and time.monotonic() - began < 0.1
    assert closed.args == [True] and window.bridge.all_stopped()
    assert time.monotonic() - began < 5.0


def test_a_stuck_worker_does_not_hold_the_window(make_window, qtbot, monkeypatch):
    """A worker stuck in native code past the bounded wait: the window still reports closed
    (unclean) on time, and the thread object is kept alive until it finishes."""
    import ui.window

    monkeypatch.setattr(ui.window, "QUIT_TIMEOUT_S", 0.5)
    release = threading.Event()

    def stuck(task, slot, cancel):
        yield Progress(None, "working")
        release.wait(5)  # ignores the token, like a long native call

    window = make_window(FakeEngine().kit())
    handle = window.bridge.submit("language", "stuck", stuck)
    qtbot.waitUntil(lambda: handle.state == "running", timeout=3000)
    began = time.monotonic()
    with qtbot.waitSignal(window.closed, timeout=3000) as closed:
        window.close()
    assert closed.args == [False] and 0.4 < time.monotonic() - began < 2.0
    release.set()
    qtbot.waitUntil(window.bridge.all_stopped, timeout=3000)


def test_heartbeat_stays_under_100_ms_while_two_engines_work(make_window, qtbot, tmp_path):
    """A summary (language worker) and a transcription (speech worker) at once, both doing numpy
    work and streaming: the GUI thread's 10 ms timer never waits more than 100 ms."""
    engine = FakeEngine(step_s=0.15, burn_cpu=True)
    window = make_window(engine.kit())
    source = tmp_path / "talk.wav"
    _write_tone(source, 0.5)
    window.record_view.import_file(str(source))
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=10000)
    timer, gaps = heartbeat()
    window.record_view.import_file(str(source))  # a second transcription beside the summary
    summary = window.recording_view.summary_handle
    qtbot.waitUntil(lambda: not summary.active and window.record_view.state == "idle", timeout=15000)
    timer.stop()
    assert summary.state == "done" and len(gaps) > 50
    assert max(gaps) < 0.1, f"longest GUI gap {max(gaps) * 1000:.0f} ms"
