"""Remembering a voice from a transcript line and forgetting it in Settings: asked first (saying
it stays on this computer), measured on the speech worker while the window goes on, stored,
listed in Settings with its date, and deleted there after a confirmation."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.history import HistoryStore
from app.paths import DataDir
from ui.widgets import speaker_menu, voice_list


def stored_voices(data_dir) -> list[str]:
    with HistoryStore.for_data_dir(DataDir(data_dir)) as store:
        return [voice.name for voice in store.voices()]


def test_a_remembered_voice_is_stored_listed_in_settings_and_deleted_there(
    window, fake_engine, store_meeting, speaker_encoder_installed, data_dir, qtbot, monkeypatch
):
    """Remember Elena's voice: the question says it stays on this computer; the click returns
    while the voice is measured; then it is stored, the menu says so, and Settings lists it
    with its date; Delete there asks, and then forgets it."""
    window.services.rename_speaker(recording := store_meeting(), "Speaker 2", "Elena")
    window.open_recording(recording)
    view = window.recording_view
    questions = []
    monkeypatch.setattr(speaker_menu.confirm, "offer", lambda parent, title, text, act: questions.append(text) or True)
    remember = next(a for a in view.speakers.menu_for(1).actions() if a.text() == "Re&member Elena's voice…")
    remember.trigger()
    handle = view.speakers.voice_handle
    assert handle.active  # measuring happens on the speech worker, not in the click
    assert "only on this computer" in questions[0] and "nothing is sent anywhere" in questions[0]
    qtbot.waitUntil(lambda: stored_voices(data_dir) == ["Elena"], timeout=10_000)
    assert fake_engine.measured == [(recording, "Elena")]
    assert "Remembered Elena's voice" in view.banner.message()
    assert any(a.text() == "Elena's voice is remembered" for a in view.speakers.menu_for(1).actions())

    window.show_view("settings")
    voices = window.settings_view.voices
    assert voices.table.isVisible() and voices.table.rowCount() == 1
    assert voices.table.item(0, 0).text() == "Elena" and voices.table.item(0, 1).text()
    assert not voices.delete_button.isEnabled()  # nothing selected yet
    voices.table.selectRow(0)
    asked = []
    monkeypatch.setattr(voice_list.confirm, "ask", lambda parent, title, text, act: asked.append(act) or True)
    qtbot.mouseClick(voices.delete_button, Qt.LeftButton)
    assert asked == ["Delete"] and stored_voices(data_dir) == []
    assert voices.empty.isVisible() and not voices.table.isVisible()


def test_deleting_a_voice_asks_first_and_cancel_keeps_it(window, data_dir, monkeypatch):
    """Answering Cancel to "Forget Elena's voice?" keeps the voice and its row."""
    import numpy as np

    with HistoryStore.for_data_dir(DataDir(data_dir)) as store:
        store.remember_voice("Elena", np.ones(256, np.float32))
    window.show_view("settings")
    voices = window.settings_view.voices
    voices.table.selectRow(0)
    asked = []
    monkeypatch.setattr(voice_list.confirm, "ask", lambda parent, title, text, act: asked.append(text) or False)
    voices.confirm_delete()
    assert "Forget Elena's voice?" in asked[0]
    assert stored_voices(data_dir) == ["Elena"] and voices.table.rowCount() == 1


def test_settings_says_voices_never_leave_this_computer(window):
    """The section's own words: how a voice is remembered, and that it stays on this computer."""
    window.show_view("settings")
    view = window.settings_view
    [about] = [label for label in view.findChildren(QLabel) if label.text() == voice_list.ABOUT]
    assert about.isVisibleTo(view) and "never leaves this computer" in about.text()
    assert view.voices.empty.text() == "No voices remembered." and view.voices.empty.isVisibleTo(view)
