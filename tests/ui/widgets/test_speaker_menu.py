"""A transcript line's menu on a stored recording: rename, merge and move are stored at once and
every line follows; a name another speaker has offers a merge; a refusal is one sentence; the
Menu key (or Shift+F10) opens the menu of the current line; Remember is for named speakers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu

from app.history import HistoryStore
from app.paths import DataDir
from ui.widgets import speaker_menu


@pytest.fixture
def meeting(window, store_meeting):
    """The window with a three-speaker meeting open on its page."""
    recording = store_meeting()
    window.open_recording(recording)
    return recording


def action(menu: QMenu, *path: str):
    """The action reached by its texts (a submenu's title, then its entry), '&' left out."""
    for index, text in enumerate(path):
        found = next((a for a in menu.actions() if a.text().replace("&", "") == text), None)
        assert found is not None, f"{text!r} not in {[a.text() for a in menu.actions()]}"
        if index < len(path) - 1:
            menu = found.menu()
    return found


def speakers_shown(transcript) -> list[str]:
    return [transcript.speaker_at(row) for row in range(transcript.count())]


def stored_speakers(data_dir, recording) -> list[tuple[int, str]]:
    with HistoryStore.for_data_dir(DataDir(data_dir)) as store:
        return [(s.number, s.label) for s in store.speakers(recording)]


def test_renaming_from_a_line_s_menu_renames_every_line_and_is_stored(window, meeting, data_dir, monkeypatch):
    """Rename Speaker 2… on Speaker 2's line: both of their lines say Elena, in the colour
    Speaker 2 had; the line chosen stays chosen; the store has the name; History's search
    finds the meeting by it."""
    view = window.recording_view
    transcript = view.transcript
    colour = transcript.colour_of("Speaker 2")
    asked = []
    monkeypatch.setattr(speaker_menu, "ask_name", lambda parent, speaker: asked.append(speaker) or "Elena")
    transcript.setCurrentRow(4)
    action(view.speakers.menu_for(4), "Rename Speaker 2…").trigger()
    assert asked == ["Speaker 2"] and transcript.currentRow() == 4  # the reader keeps their place
    assert speakers_shown(transcript) == ["Speaker 1", "Elena", "Speaker 3", "Speaker 1", "Elena"]
    assert transcript.item(4).text() == "0:16   Elena: Please also check the posters before the launch."
    assert transcript.colour_of("Elena") == colour
    assert stored_speakers(data_dir, meeting) == [(1, "Speaker 1"), (2, "Elena"), (3, "Speaker 3")]
    assert [s.label for s in view.recording.speakers] == ["Speaker 1", "Elena", "Speaker 3"]
    window.show_view("history")
    window.history_view.search.setText("Elena")
    window.history_view.refresh()
    assert window.history_view.results.count() == 1


def test_the_rename_dialog_starts_with_the_name_shown(window, meeting, qtbot):
    """The real dialog: it holds "Speaker 3", selected, so what the user types replaces it."""
    seen = []

    def type_a_name():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible())
        seen.append(dialog.textValue())
        QTest.keyClicks(dialog.findChild(speaker_menu.QLineEdit), "Priya")
        dialog.accept()

    QTimer.singleShot(100, type_a_name)
    window.recording_view.speakers.rename("Speaker 3")
    assert seen == ["Speaker 3"]
    assert speakers_shown(window.recording_view.transcript)[2] == "Priya"


def test_a_name_another_speaker_has_offers_a_merge_and_a_refusal_is_one_sentence(
    window, meeting, data_dir, monkeypatch
):
    """Naming Speaker 3 "speaker 1" asks whether they are one person and merges them when the
    user says so; a name the store refuses ("Speaker 9") is shown as its sentence."""
    view = window.recording_view
    monkeypatch.setattr(speaker_menu, "ask_name", lambda parent, speaker: "speaker 1")
    questions = []
    monkeypatch.setattr(
        speaker_menu.confirm, "ask", lambda parent, title, text, act: questions.append((text, act)) or True
    )
    view.speakers.rename("Speaker 3")
    assert questions[0][1] == "Merge into Speaker 1" and "one person" in questions[0][0]
    assert stored_speakers(data_dir, meeting) == [(1, "Speaker 1"), (2, "Speaker 2")]
    assert speakers_shown(view.transcript) == ["Speaker 1", "Speaker 2", "Speaker 1", "Speaker 1", "Speaker 2"]

    monkeypatch.setattr(speaker_menu, "ask_name", lambda parent, speaker: "Speaker 9")
    view.speakers.rename("Speaker 2")
    message = view.banner.message()
    assert "nobody has named" in message and view.banner.property("kind") == "error"
    assert "Traceback" not in message and "\n" not in message
    assert stored_speakers(data_dir, meeting) == [(1, "Speaker 1"), (2, "Speaker 2")]


def test_merging_from_the_menu_makes_two_speakers_one(window, meeting, data_dir):
    """Merge Speaker 3 into ▸ Speaker 1: Speaker 3's line is Speaker 1's, and the store has
    two speakers left."""
    view = window.recording_view
    merge = action(view.speakers.menu_for(2), "Merge Speaker 3 into")
    assert [a.text() for a in merge.menu().actions()] == ["Speaker 1", "Speaker 2"]
    action(view.speakers.menu_for(2), "Merge Speaker 3 into", "Speaker 1").trigger()
    assert speakers_shown(view.transcript) == ["Speaker 1", "Speaker 2", "Speaker 1", "Speaker 1", "Speaker 2"]
    assert stored_speakers(data_dir, meeting) == [(1, "Speaker 1"), (2, "Speaker 2")]
    assert "2 speakers" in view.meta.text()


def test_moving_a_line_gives_it_to_another_or_a_new_speaker(window, meeting, data_dir):
    """Move this line to ▸ Speaker 2 moves that one line; ▸ New speaker makes Speaker 4."""
    view = window.recording_view
    action(view.speakers.menu_for(3), "Move this line to", "Speaker 2").trigger()
    assert speakers_shown(view.transcript) == ["Speaker 1", "Speaker 2", "Speaker 3", "Speaker 2", "Speaker 2"]
    action(view.speakers.menu_for(0), "Move this line to", "New speaker").trigger()
    assert speakers_shown(view.transcript)[0] == "Speaker 4"
    assert stored_speakers(data_dir, meeting) == [(2, "Speaker 2"), (3, "Speaker 3"), (4, "Speaker 4")]


def test_the_menu_key_and_shift_f10_open_the_current_line_s_menu(window, meeting, qtbot):
    """By keyboard: the Menu key on the current line opens its menu (Rename, Merge, Move,
    Remember); Shift+F10 does too; Escape closes it."""
    transcript = window.recording_view.transcript
    transcript.setFocus(Qt.TabFocusReason)
    transcript.setCurrentRow(1)
    for key, modifier in ((Qt.Key_Menu, Qt.NoModifier), (Qt.Key_F10, Qt.ShiftModifier)):
        QTest.keyClick(transcript, key, modifier)
        menu = window.recording_view.speakers.menu
        qtbot.waitUntil(menu.isVisible, timeout=2000)
        texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
        assert texts[:3] == ["Rename Speaker 2…", "Merge Speaker 2 into", "Move this line to"]
        QTest.keyClick(menu, Qt.Key_Escape)
        qtbot.waitUntil(lambda menu=menu: not menu.isVisible(), timeout=2000)


def test_remember_is_offered_for_a_named_speaker_only(window, meeting, monkeypatch):
    """An unnamed speaker's menu says to name them first (disabled); once named, "Remember
    Elena's voice…" is there."""
    view = window.recording_view
    remember = action(view.speakers.menu_for(0), "Remember this voice (give the speaker a name first)")
    assert not remember.isEnabled()
    monkeypatch.setattr(speaker_menu, "ask_name", lambda parent, speaker: "Elena")
    view.speakers.rename("Speaker 1")
    assert action(view.speakers.menu_for(0), "Remember Elena's voice…").isEnabled()


def test_a_recording_without_speakers_has_no_line_menu(window, data_dir):
    """Voices not told apart: a line has no speaker to edit, so no menu."""
    from demo_history import write_demo_history

    window.open_recording(write_demo_history(data_dir)["recording"])
    assert window.recording_view.speakers.menu_for(0) is None
