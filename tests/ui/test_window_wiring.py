"""The window's wiring, end to end through the real bridge, real QThreads and a real history
file, with the scripted fake engine (fast). The real engines are exercised in test_real_*.py."""

from __future__ import annotations

import re

from fake_engine import FakeEngine
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSlider,
    QTableWidget,
)

from app.history import HistoryStore
from app.paths import DataDir
from app.settings import load_settings
from ui.widgets.rich_delegate import RICH_TEXT_ROLE

CHAT = "Anna: Are we still on for Friday?\nMe: I think so, let me check.\nAnna: Great, tell me soon!"


def make_audio_file(tmp_path):
    path = tmp_path / "standup.wav"
    from fake_engine import _write_tone

    _write_tone(path, 1.0)
    return path


def drop_files(window, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPoint(50, 50), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    window.dropEvent(event)


def store_of(data_dir):
    return HistoryStore.for_data_dir(DataDir(data_dir))


def test_dropping_a_file_transcribes_stores_and_summarizes_it(window, qtbot, tmp_path, data_dir):
    """A dropped file's transcript grows line by line, is stored, then its summary streams in
    and is stored too; History finds it by a word of the transcript."""
    source = make_audio_file(tmp_path)
    counts = []
    window.record_view.transcript.model().rowsInserted.connect(
        lambda *a: counts.append(window.record_view.transcript.count())
    )
    drop_files(window, [source])
    assert window.current_view() == "record" and window.record_view.progress.isVisible()
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=5000)
    assert counts[:3] == [1, 2, 3]  # the transcript grew one line at a time
    view = window.recording_view
    assert view.transcript.count() == 5
    partial_titles = []
    view.summary_handle.partial.connect(lambda e: partial_titles.append(view.summary.shown.title))
    qtbot.waitUntil(lambda: not view.summary_handle.active, timeout=5000)
    assert view.summary_handle.state == "done"
    assert "" in partial_titles  # key points showed before the title existed: it streamed
    html = view.summary.toHtml()
    assert "Launch plan review" in html and "Anna" in html and "by Friday" in html
    assert view.title.text() == "Launch plan review"
    with store_of(data_dir) as store:
        item = store.get_item(view.recording.id)
        assert item.status == "done" and len(item.segments) == 5
        assert item.summary.action_items[0].owner == "Anna"
        assert item.audio_path.is_file() and item.audio_path.parent == data_dir / "recordings"
    window.show_view("history")
    window.history_view.search.setText("press release")
    window.history_view.refresh()
    assert window.history_view.results.count() == 1


def test_recording_with_pause_resume_and_stop(window, qtbot):
    """Record shows levels and a live transcript; pause freezes the clock; stop keeps and opens it."""
    view = window.record_view
    assert view.record_button.isEnabled() and not view.banner.isVisible()
    qtbot.mouseClick(view.record_button, Qt.LeftButton)
    assert view.state == "recording" and view.pause_button.isEnabled()
    qtbot.waitUntil(lambda: view.transcript.count() >= 2, timeout=5000)
    assert view.meter._level > 0
    qtbot.waitUntil(lambda: view.elapsed.text() == "0:01", timeout=5000)  # the recorder's clock
    qtbot.mouseClick(view.pause_button, Qt.LeftButton)
    assert view.state == "paused" and view.pause_button.text() == "Resume"
    frozen = view.elapsed.text()
    lines = view.transcript.count()
    qtbot.wait(700)
    assert view.elapsed.text() == frozen and view.transcript.count() == lines
    qtbot.mouseClick(view.pause_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.transcript.count() > lines, timeout=5000)
    assert view.record_button.text() == "Stop" and not hasattr(view, "stop_button")  # one Stop control
    qtbot.mouseClick(view.record_button, Qt.LeftButton)
    assert view.state == "finishing" and not view.record_button.isEnabled()
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=5000)
    assert view.state == "idle"
    recording = window.recording_view.recording
    assert len(recording.segments) == lines + (len(recording.segments) - lines) and len(recording.segments) >= 3
    assert recording.audio_path is not None and recording.audio_path.is_file()


def test_no_microphone_shows_a_banner_and_import_still_works(make_window, qtbot, tmp_path):
    """Without an input device: a clear banner, no record button, and importing still works."""
    engine = FakeEngine(devices=[])
    window = make_window(engine.kit())
    view = window.record_view
    assert view.banner.isVisible() and "No microphone" in view.banner.message()
    assert not view.record_button.isEnabled() and view.import_button.isEnabled()
    view.import_file(str(make_audio_file(tmp_path)))
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=5000)


def test_reading_errors_are_one_sentence_in_a_banner(window, qtbot, tmp_path):
    """A file that cannot be read fails with the engine's sentence in the banner; the view is idle."""
    view = window.record_view
    view.import_file(str(tmp_path / "missing.mp3"))
    qtbot.waitUntil(lambda: view.banner.isVisible(), timeout=5000)
    assert view.banner.message() == "missing.mp3 cannot be read; check that it is an audio or video file."
    assert view.state == "idle" and not view.progress.isVisible()


def test_a_bug_in_a_task_is_shown_as_a_sentence_not_a_traceback(make_window, qtbot, tmp_path):
    """An unexpected exception in a runner becomes one readable line; the window goes on."""
    engine = FakeEngine(fail_with=ZeroDivisionError("division by zero"))
    window = make_window(engine.kit())
    window.record_view.import_file(str(make_audio_file(tmp_path)))
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=5000)
    view = window.recording_view
    qtbot.waitUntil(lambda: "ZeroDivisionError" in view.banner.message(), timeout=5000)
    message = view.banner.message()
    assert "ZeroDivisionError" in message and "Traceback" not in message and "\n" not in message
    assert view.summarize_button.isEnabled()


def test_replies_parse_speakers_draft_copy_and_use(window, qtbot, data_dir):
    """A pasted chat shows its speakers with "me" chosen; three drafts appear; Copy fills the
    clipboard; "Use this" remembers the pick in the history."""
    window.show_view("replies")
    view = window.replies_view
    view.set_conversation(CHAT)
    assert [view.me_combo.itemText(i) for i in range(view.me_combo.count())] == ["Anna", "Me"]
    assert view.me() == "Me" and "3 messages" in view.turns_label.text()
    view.tone_group.buttons()[2].setChecked(True)  # formal
    view.paste.setFocus()
    qtbot.keyClick(view.paste, Qt.Key_Return, Qt.ControlModifier)
    assert view.busy
    first_card_texts = []
    view.handle.partial.connect(lambda e: first_card_texts.append([c.text() for c in view.cards]))
    qtbot.waitUntil(lambda: not view.busy, timeout=5000)
    assert first_card_texts[0][0] and not first_card_texts[0][2]  # cards filled one after the other
    texts = [card.text() for card in view.cards]
    assert len(set(texts)) == 3 and "formal" in texts[0]
    qtbot.mouseClick(view.cards[1].copy_button, Qt.LeftButton)
    assert QGuiApplication.clipboard().text() == texts[1]
    qtbot.mouseClick(view.cards[2].use_button, Qt.LeftButton)
    assert QGuiApplication.clipboard().text() == texts[2] and view.cards[2].chosen.isVisibleTo(view)
    with store_of(data_dir) as store:
        assert store.picked_replies(3) == [texts[2]]
        conversations = store.list_items("conversation")
        assert len(conversations) == 1


def test_history_search_highlights_and_opens_the_recording_at_the_hit(window, qtbot, tmp_path):
    """A search hit in a transcript is highlighted and opens the recording on that line."""
    window.record_view.import_file(str(make_audio_file(tmp_path)))
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=5000)
    qtbot.waitUntil(lambda: not window.recording_view.summary_handle.active, timeout=5000)
    qtbot.keyClick(window, Qt.Key_F, Qt.ControlModifier)
    assert window.current_view() == "history" and window.history_view.search.hasFocus()
    window.history_view.search.setText("mobile layout")
    window.history_view.refresh()
    results = window.history_view.results
    assert results.count() == 1
    rich = results.item(0).data(RICH_TEXT_ROLE)
    assert re.search(r"<b style='[^']*'>mobile layout</b>", rich, re.IGNORECASE)
    window.recording_view.show_nothing()
    window.history_view.open_current()
    assert window.current_view() == "recording"
    assert window.recording_view.transcript.currentRow() == 4  # "The designers need ... mobile layout."


def test_settings_are_saved_and_threads_reload_the_engine(window, fake_engine, qtbot, data_dir):
    """The user's name and thread count are saved; the name picks "me"; after a new thread
    count the next task loads the engine again with it (once), the model itself stays lazy."""
    window.show_view("replies")
    window.replies_view.set_conversation("Sam: hi\nAnna: hello Sam, lunch today?")
    window.replies_view.draft()
    qtbot.waitUntil(lambda: not window.replies_view.busy, timeout=5000)
    assert [(name, threads) for name, _, threads, _ in fake_engine.loads] == [("language", window.services.threads())]
    window.show_view("settings")
    view = window.settings_view
    view.user_name.setText("Sam")
    view._apply_name()
    view.threads.setValue(1)
    view._apply_threads()
    saved = load_settings(data_dir / "settings.json")
    assert (saved.user_name, saved.threads) == ("Sam", 1)
    window.show_view("replies")
    window.replies_view.set_conversation("Sam: hi\nAnna: hello Sam, lunch today?")
    assert window.replies_view.me() == "Sam"
    for _ in range(2):
        window.replies_view.draft()
        qtbot.waitUntil(lambda: not window.replies_view.busy, timeout=5000)
    assert [threads for name, _, threads, _ in fake_engine.loads if name == "language"][1:] == [1]


def test_importing_a_model_shows_progress_and_refreshes_the_list(window, qtbot, tmp_path):
    """Import runs on a worker with a progress line and Cancel; the view is usable meanwhile."""
    window.show_view("settings")
    view = window.settings_view
    view.import_model(str(tmp_path))
    assert view.progress.isVisible() and not view.import_gguf.isEnabled()
    qtbot.waitUntil(lambda: not view.progress.isVisible(), timeout=5000)
    assert view.import_gguf.isEnabled()


def test_delete_all_data_empties_the_history(window, qtbot, tmp_path, data_dir):
    """Delete all data removes every item and audio file; History is empty afterwards."""
    window.record_view.import_file(str(make_audio_file(tmp_path)))
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=5000)
    qtbot.waitUntil(lambda: not window.recording_view.summary_handle.active, timeout=5000)
    window.show_view("settings")
    window.settings_view.wipe()
    window.show_view("history")
    assert window.history_view.results.count() == 0
    assert not any((data_dir / "recordings").iterdir())
    assert window.recording_view.recording is None


def test_every_control_has_an_accessible_name_or_text(window):
    """Buttons show text or carry an accessible name; inputs and lists carry accessible names."""

    def inside_a_compound_control(widget) -> bool:  # Qt's own parts of a spin box, table, combo
        parent = widget.parent()
        while parent is not None:
            if isinstance(parent, (QAbstractSpinBox, QAbstractItemView, QComboBox, QLineEdit)):
                return True
            parent = parent.parent()
        return False

    missing = []
    for widget in window.findChildren(QAbstractButton):
        if not (widget.text().strip() or widget.accessibleName()) and not inside_a_compound_control(widget):
            missing.append(widget)
    for kind in (QComboBox, QLineEdit, QPlainTextEdit, QListWidget, QSlider, QAbstractSpinBox, QTableWidget):
        for widget in window.findChildren(kind):
            if not widget.accessibleName() and not inside_a_compound_control(widget):
                missing.append(widget)
    assert len(window.findChildren(QAbstractButton)) > 30
    assert [f"{type(w).__name__} in {type(w.parent()).__name__}" for w in missing] == []


def test_keyboard_shortcuts_switch_views(window, qtbot):
    """Ctrl+1..5 switch views; Ctrl+, opens Settings."""
    for index, name in enumerate(("record", "recording", "replies", "history", "settings")):
        qtbot.keyClick(window, Qt.Key_1 + index, Qt.ControlModifier)
        assert window.current_view() == name
    qtbot.keyClick(window, Qt.Key_1, Qt.ControlModifier)
    qtbot.keyClick(window, Qt.Key_Comma, Qt.ControlModifier)
    assert window.current_view() == "settings"


def test_an_interrupted_recording_is_kept_and_announced(make_window, fake_engine, data_dir):
    """A recording left in 'recording' state (a crash) is marked recovered at start and announced."""
    with store_of(data_dir) as store:
        recording = store.add_recording(None, duration=3.0)
    window = make_window(fake_engine.kit())
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    assert "interrupted last time" in window.record_view.banner.message()
    with store_of(data_dir) as store:
        assert store.get_item(recording).status == "recovered"


def test_a_new_import_or_recording_starts_from_a_clean_record_view(window, qtbot, tmp_path):
    """After a recording, the Record view still shows its transcript and time; starting an
    import clears both, and so does starting the next recording."""
    view = window.record_view
    view.start_recording()
    qtbot.waitUntil(lambda: view.transcript.count() >= 2 and view.elapsed.text() != "0:00", timeout=5000)
    view.stop_recording()
    qtbot.waitUntil(lambda: view.state == "idle", timeout=5000)
    window.show_view("record")
    assert view.transcript.count() >= 2
    view.import_file(str(make_audio_file(tmp_path)))
    assert view.transcript.count() == 0 and view.elapsed.text() == "0:00" and view.placeholder.isVisibleTo(view)
    qtbot.waitUntil(lambda: view.state == "idle", timeout=5000)
    window.show_view("record")
    assert view.transcript.count() > 0
    view.start_recording()
    assert view.transcript.count() == 0 and view.elapsed.text() == "0:00"
    view.session.handle.cancel()
