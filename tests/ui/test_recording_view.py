"""The Recording view over a real history: playing from a transcript line or a summary time
(QtMultimedia), copy, export, rename and delete."""

from __future__ import annotations

from demo_history import SUMMARY, write_demo_history
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication

from app.history import HistoryStore
from app.paths import DataDir


def open_demo(window, data_dir):
    ids = write_demo_history(data_dir)
    window.open_recording(ids["recording"])
    return ids["recording"]


def test_clicking_a_line_plays_the_audio_from_there(window, qtbot, data_dir, sound_output):
    """A click on the 0:24 line starts QtMultimedia at 24 s; the line being played is selected."""
    open_demo(window, data_dir)
    view = window.recording_view
    item = view.transcript.item(4)
    assert item.text().startswith("0:24")
    view.transcript.itemClicked.emit(item)
    qtbot.waitUntil(lambda: view.player.player is not None and view.player.player.position() >= 24_000, timeout=10_000)
    assert view.player.player.position() < 30_000
    view.player.stop()


def test_a_summary_time_selects_its_line_and_plays_from_it(window, qtbot, data_dir, sound_output):
    """The [0:43] link of an action item selects the 0:43 line and seeks the player there."""
    open_demo(window, data_dir)
    view = window.recording_view
    assert "[0:43]" in view.summary.toPlainText()
    view.summary.anchorClicked.emit(QUrl("seek:43.40"))
    assert view.transcript.currentRow() == 7
    qtbot.waitUntil(lambda: view.player.player is not None and view.player.player.position() >= 43_000, timeout=10_000)
    view.player.stop()


def test_copy_export_rename_and_delete(window, qtbot, data_dir, tmp_path):
    """Copy puts Markdown on the clipboard; export writes the chosen format; rename shows and
    stores the title; delete removes the recording and its audio and empties the view."""
    recording = open_demo(window, data_dir)
    view = window.recording_view
    view.copy_markdown()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(f"# {SUMMARY.title}") and "Anna" in copied
    target = tmp_path / "meeting.srt"
    view.export_to(str(target), "srt")
    assert "00:00:13,000 --> " in target.read_text(encoding="utf-8")
    view.apply_rename("Launch review, March")
    assert view.title.text() == "Launch review, March"
    audio = view.recording.audio_path
    view.apply_delete()
    assert view.recording is None and view.empty.isVisible() and not audio.exists()
    with HistoryStore.for_data_dir(DataDir(data_dir)) as store:
        assert [item.id for item in store.list_items("recording")] == []
    assert recording is not None


def test_progress_shows_the_time_left(window, qtbot, tmp_path):
    """A long task's progress line shows a fraction and the time left, and hides when done."""
    from fake_engine import _write_tone

    source = tmp_path / "talk.wav"
    _write_tone(source, 0.5)
    window.record_view.import_file(str(source))
    progress = window.record_view.progress
    seen = []
    window.record_view._import_handle.progress.connect(
        lambda _e: seen.append((progress.bar.value(), progress.eta.text()))
    )
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=5000)
    assert any("left" in eta for _, eta in seen) and max(value for value, _ in seen) > 0
    assert not progress.isVisible()


def test_a_conversation_found_in_history_opens_with_its_drafts(window, qtbot, data_dir):
    """Searching a word of a draft finds the conversation; opening it shows the paste, the
    speakers and the drafts, with the one the user picked marked."""
    write_demo_history(data_dir)
    window.show_view("history")
    window.history_view.search.setText("Monday")
    window.history_view.refresh()
    assert window.history_view.results.count() == 1
    window.history_view.open_current()
    view = window.replies_view
    assert window.current_view() == "replies" and view.me() == "Me"
    assert view.cards[1].text() == "Sorry, Friday doesn't work after all. Could we do Monday instead?"
    assert view.cards[0].chosen.isVisibleTo(view) and not view.cards[1].chosen.isVisibleTo(view)


def test_deleting_asks_first_and_cancel_keeps_everything(window, qtbot, data_dir, monkeypatch):
    """Delete and Delete all data ask for confirmation; answering Cancel deletes nothing."""
    from ui.widgets import confirm

    open_demo(window, data_dir)
    asked = []
    monkeypatch.setattr(confirm, "ask", lambda parent, title, text, action: asked.append(action) or False)
    window.recording_view.delete()
    window.settings_view.confirm_wipe()
    assert asked == ["Delete", "Delete everything"]
    with HistoryStore.for_data_dir(DataDir(data_dir)) as store:
        assert len(store.list_items()) == 2
    assert window.recording_view.recording is not None


def test_the_confirmation_dialog_defaults_to_cancel(window, qtbot):
    """The real dialog: Escape (or Enter on the default button) cancels; only the action confirms."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.widgets import confirm

    def answer(key):
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        if key == "action":
            next(b for b in box.buttons() if b.text() == "Delete").click()
        else:
            qtbot.keyClick(box, Qt.Key_Return)

    for key, expected in (("enter", False), ("action", True)):
        QTimer.singleShot(200, lambda key=key: answer(key))
        assert confirm.ask(window, "Delete recording", "Really?", "Delete") is expected
