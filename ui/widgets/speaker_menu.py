"""Who said what, corrected in place on a stored recording: a transcript line's menu (right-click,
or the Menu key / Shift+F10) renames its speaker, merges them into another, gives the line to
another speaker, or remembers a named speaker's voice. Each edit is stored at once and the
transcript is shown again with the new names on every line."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu

from ui.views.reporting import reporting
from ui.widgets import confirm
from ui.widgets.transcript_list import PLAY_TIP

MENU_TIP = f"{PLAY_TIP}; right-click (or press the Menu key) to rename or merge its speaker"
REMEMBER_TEXT = (
    "Remember {name}'s voice? Confide measures it from this recording and names {name} when it hears "
    "that voice in later recordings. The voice (256 numbers, not the audio) is kept only on this "
    "computer, with your history; nothing is sent anywhere. Delete it any time in Settings."
)


def ask_name(parent, speaker: str) -> str | None:
    """The new name for ``speaker``, or None when the user cancels; the field starts with the
    name shown, selected, so typing replaces it."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("Rename speaker")
    dialog.setLabelText(f"Name for {speaker} (every line of theirs takes it):")
    dialog.setTextValue(speaker)
    dialog.setInputMode(QInputDialog.TextInput)
    dialog.findChild(QLineEdit).selectAll()
    if dialog.exec() != QInputDialog.Accepted:
        return None
    return dialog.textValue().strip() or None


class SpeakerEditor(QObject):
    """``edited(recording)``: a speaker edit was stored; the recording as it is now (the
    transcript shows it already). ``voice_kept(name)``: a voice was remembered."""

    edited = Signal(object)
    voice_kept = Signal(str)
    status = Signal(str)

    def __init__(self, services, transcript, banner):
        super().__init__(transcript)
        self.services = services
        self.transcript = transcript
        self.banner = banner
        self.recording = None
        self.menu: QMenu | None = None
        self.voice_handle = None
        self._refused = ""  # the last edit the store refused, as the banner says it
        transcript.line_menu.connect(self.open_menu)

    def show(self, recording, keep_place: bool = False) -> None:
        """Shows a stored recording's transcript (None: none), with the menu where there are
        speakers to edit; keep_place: the same one after an edit (the line chosen stays)."""
        self.recording = recording
        self.transcript.line_tip = MENU_TIP if recording is not None and recording.speakers else PLAY_TIP
        if recording is None:
            self.transcript.clear()
        else:
            self.transcript.set_segments(recording.segments, recording.speakers, keep_place)

    # --- the menu ---------------------------------------------------------------------------
    def open_menu(self, row: int, where: QPoint) -> None:
        menu = self.menu_for(row)
        if menu is not None:
            self.menu = menu
            menu.popup(where)

    def menu_for(self, row: int) -> QMenu | None:
        """The menu of a transcript line; None when its speaker is not known (the voices were not
        told apart, or the recording is not stored)."""
        speaker = self.transcript.speaker_at(row)
        if self.recording is None or not speaker or not self.recording.speakers:
            return None
        others = [s.label for s in self.recording.speakers if s.label != speaker]
        menu = QMenu(self.transcript)
        menu.setAccessibleName(f"{speaker}'s line")
        menu.addAction(f"&Rename {speaker}…", lambda: self.rename(speaker))
        merge = menu.addMenu(f"&Merge {speaker} into")
        for other in others:
            merge.addAction(other, lambda other=other: self.merge(speaker, other))
        merge.setEnabled(bool(others))
        move = menu.addMenu("Mo&ve this line to")
        for other in others:
            move.addAction(other, lambda other=other: self.move(row, other))
        move.addSeparator()
        move.addAction("&New speaker", lambda: self.move(row, None))
        menu.addSeparator()
        menu.addAction(self._remember_action(menu, speaker))
        return menu

    def _remember_action(self, menu: QMenu, speaker: str):
        named = next((s.named for s in self.recording.speakers if s.label == speaker), False)
        if not named:
            action = menu.addAction("Remember this voice (give the speaker a name first)")
            action.setEnabled(False)
            return action
        known = []
        with reporting(self, show=False):  # a damaged voice list is Settings' to say
            known = [voice.name.casefold() for voice in self.services.voices()]
        if speaker.casefold() in known:
            action = menu.addAction(f"{speaker}'s voice is remembered")
            action.setEnabled(False)
            return action
        action = menu.addAction(f"Re&member {speaker}'s voice…", lambda: self.remember(speaker))
        action.setEnabled(self.voice_handle is None or not self.voice_handle.active)
        return action

    # --- the edits ----------------------------------------------------------------------------
    def rename(self, speaker: str) -> None:
        name = ask_name(self.transcript.window(), speaker)
        if name is None or name == speaker:
            return
        taken = next(
            (s.label for s in self.recording.speakers if s.label != speaker and s.label.casefold() == name.casefold()),
            None,
        )
        if taken is not None:
            # Two speakers by one name could not be told apart again: that is a merge, so offer it.
            if confirm.ask(
                self.transcript.window(),
                "Merge speakers",
                f"This recording has a speaker called {taken} already. If {speaker} and {taken} are one "
                f"person, merge them: every line of {speaker} becomes {taken}'s.",
                f"Merge into {taken}",
            ):
                self.merge(speaker, taken)
            return
        self._store(lambda: self.services.rename_speaker(self.recording.id, speaker, name), f"{speaker} is now {name}")

    def merge(self, speaker: str, into: str) -> None:
        self._store(
            lambda: self.services.merge_speakers(self.recording.id, speaker, into),
            f"Merged {speaker} into {into}",
        )

    def move(self, row: int, to: str | None) -> None:
        index = self.transcript.segment_index(row)
        if index is None:
            return
        self._store(
            lambda: self.services.move_line(self.recording.id, index, to),
            f"The line is now {to}'s" if to else "The line is now a new speaker's",
        )

    def _store(self, edit, done: str) -> None:
        with reporting(self) as call:
            edit()
            recording = self.services.recording(self.recording.id)
        if call.failed:
            self._refused = call.message
            return
        if self._refused and self.banner.message() == self._refused:
            self.banner.hide()  # the edit that was refused is behind the user now
        self.show(recording, keep_place=True)
        self.edited.emit(recording)
        self.status.emit(done)

    # --- remembering a voice --------------------------------------------------------------------
    def remember(self, name: str) -> None:
        """Asks first (saying the voice stays on this computer), then measures it on the speech
        worker; the GUI thread stores it when it is measured."""
        if self.recording is None or (self.voice_handle is not None and self.voice_handle.active):
            return
        if not confirm.offer(self.transcript.window(), "Remember a voice", REMEMBER_TEXT.format(name=name), "Remember"):
            return
        with reporting(self) as call:
            handle = self.services.measure_voice(self.recording, name)
        if call.failed:
            return
        self.voice_handle = handle
        handle.succeeded.connect(lambda voice: self._keep(name, voice))
        handle.failed_with.connect(lambda message: self.banner.show_message(message, "error"))
        self.banner.show_message(f"Listening to {name}'s voice in this recording…", "info")
        self.status.emit(f"Listening to {name}'s voice…")

    def _keep(self, name: str, voice) -> None:
        with reporting(self) as call:
            self.services.keep_voice(name, voice)
        if call.failed:
            return
        self.banner.show_message(
            f"Remembered {name}'s voice, on this computer only. Later recordings name {name} when they hear "
            "it; Settings lists the voices remembered.",
            "info",
        )
        self.voice_kept.emit(name)
        self.status.emit(f"Remembered {name}'s voice")

    def cancel_active(self) -> bool:
        if self.voice_handle is not None and self.voice_handle.active:
            self.voice_handle.cancel()
            self.banner.hide()
            return True
        return False
