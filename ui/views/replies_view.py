"""Replies: paste a conversation, see who said what (and pick which speaker is you), choose tone
and length, and get three drafts streaming in, each with Copy and "Use this"."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QComboBox, QGridLayout, QHBoxLayout, QLabel, QListView, QListWidget,
    QListWidgetItem, QPlainTextEdit, QPushButton, QRadioButton, QVBoxLayout, QWidget,
)

from ui.widgets.banner import Banner
from ui.widgets.draft_card import DraftCard
from ui.widgets.rich_delegate import RICH_TEXT_ROLE, RichTextDelegate
from ui.widgets.task_progress import TaskProgress

TONES = ("friendly", "neutral", "formal")
LENGTHS = ("short", "medium", "long")
DRAFTS = 3


def _choice_row(name: str, values, default: str):
    group = QButtonGroup()
    row = QHBoxLayout()
    row.setSpacing(4)
    for value in values:
        button = QRadioButton(value.capitalize())
        button.setAccessibleName(f"{name} {value}")
        button.setProperty("value", value)
        button.setChecked(value == default)
        group.addButton(button)
        row.addWidget(button)
    row.addStretch(1)
    return group, row


class RepliesView(QWidget):
    status = Signal(str)

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self.parsed = None
        self.handle = None
        self.saved = None  # ConversationDetails once the drafts are stored
        self.drafts: list[str] = []
        self._build()
        self._reparse = QTimer(self)
        self._reparse.setSingleShot(True)
        self._reparse.setInterval(250)
        self._reparse.timeout.connect(self.parse)

    def _build(self) -> None:
        title = QLabel("Replies")
        title.setObjectName("viewTitle")
        subtitle = QLabel("Paste a conversation and get three drafts to answer it, written on this computer.")
        subtitle.setObjectName("muted")
        self.banner = Banner("Replies message")

        self.paste = QPlainTextEdit()
        self.paste.setAccessibleName("Conversation")
        self.paste.setTabChangesFocus(True)  # Tab leaves the box (keyboard users); Ctrl+Tab types a tab
        self.paste.setPlaceholderText("Paste a chat, an e-mail thread or a WhatsApp export here.\n\n"
                                      "Anna: Are we still on for Friday?\nMe: I think so, let me check.")
        self.paste.textChanged.connect(lambda: self._reparse.start())
        self.turns_list = QListWidget()
        self.turns_list.setObjectName("results")
        self.turns_list.setAccessibleName("Messages found")
        self.turns_list.setWordWrap(True)
        self.turns_list.setResizeMode(QListView.Adjust)
        self.turns_list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.turns_list.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.turns_list.setItemDelegate(RichTextDelegate(self.turns_list))
        self.turns_list.setSelectionMode(QAbstractItemView.NoSelection)
        self.turns_label = QLabel("")
        self.turns_label.setObjectName("muted")
        self.turns_label.setWordWrap(True)
        self.me_combo = QComboBox()
        self.me_combo.setAccessibleName("Which speaker is me")
        self.me_combo.setMinimumWidth(160)
        self.me_combo.currentIndexChanged.connect(lambda _i: self._show_turns())
        me_label = QLabel("I am:")
        me_label.setBuddy(self.me_combo)
        self.tone_group, tone_row = _choice_row("Tone", TONES, "friendly")
        self.length_group, length_row = _choice_row("Length", LENGTHS, "short")
        self.draft_button = QPushButton("Draft replies")
        self.draft_button.setObjectName("primary")
        self.draft_button.setAccessibleName("Draft replies")
        self.draft_button.setToolTip("Draft three replies (Ctrl+Return)")
        self.draft_button.clicked.connect(self.draft)
        self.progress = TaskProgress("Drafts")

        form = QGridLayout()
        form.setHorizontalSpacing(10)
        form.addWidget(me_label, 0, 0)
        form.addWidget(self.me_combo, 0, 1, Qt.AlignLeft)
        form.addWidget(QLabel("Tone:"), 1, 0)
        form.addLayout(tone_row, 1, 1)
        form.addWidget(QLabel("Length:"), 2, 0)
        form.addLayout(length_row, 2, 1)

        left = QVBoxLayout()
        paste_title = QLabel("Conversation")
        paste_title.setObjectName("sectionTitle")
        left.addWidget(paste_title)
        left.addWidget(self.paste, 3)
        left.addWidget(self.turns_label)
        left.addWidget(self.turns_list, 2)
        left.addLayout(form)
        draft_row = QHBoxLayout()
        draft_row.addStretch(1)
        draft_row.addWidget(self.draft_button)
        left.addLayout(draft_row)

        self.cards = [DraftCard(i) for i in range(DRAFTS)]
        for card in self.cards:
            card.copy_requested.connect(self.copy_draft)
            card.use_requested.connect(self.use_draft)
        self.regenerate_button = QPushButton("Regenerate")
        self.regenerate_button.setAccessibleName("Regenerate drafts")
        self.regenerate_button.setToolTip("Three new drafts (Ctrl+Shift+Return)")
        self.regenerate_button.clicked.connect(self.draft)
        self.regenerate_button.setEnabled(False)
        right = QVBoxLayout()
        drafts_title = QLabel("Drafts")
        drafts_title.setObjectName("sectionTitle")
        head = QHBoxLayout()
        head.addWidget(drafts_title)
        head.addStretch(1)
        head.addWidget(self.regenerate_button)
        right.addLayout(head)
        right.addWidget(self.progress)
        for card in self.cards:
            right.addWidget(card, 1)

        columns = QHBoxLayout()
        columns.setSpacing(20)
        columns.addLayout(left, 5)
        columns.addLayout(right, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 22)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addWidget(self.banner)
        layout.addLayout(columns, 1)
        self.parse()

    # --- the pasted conversation --------------------------------------------------------
    def set_conversation(self, text: str) -> None:
        self.paste.setPlainText(text)
        self.parse()

    def parse(self) -> None:
        text = self.paste.toPlainText()
        previous_me = self.me_combo.currentData()
        self.me_combo.blockSignals(True)
        self.me_combo.clear()
        if not text.strip():
            self.parsed = None
            self.turns_label.setText("")
            self.turns_list.clear()
            self.me_combo.blockSignals(False)
            self.draft_button.setEnabled(False)
            return
        try:
            self.parsed = self.services.parse_conversation(text)
        except Exception as error:
            self.parsed = None
            self.turns_list.clear()
            self.turns_label.setText(self.services.readable(error))
            self.me_combo.blockSignals(False)
            self.draft_button.setEnabled(False)
            return
        speakers = list(self.parsed.speakers)
        for speaker in speakers:
            self.me_combo.addItem(speaker, speaker)
        wanted = previous_me if previous_me in speakers else self.parsed.me
        if wanted in speakers:
            self.me_combo.setCurrentIndex(speakers.index(wanted))
        self.me_combo.blockSignals(False)
        count = len(self.parsed.turns)
        self.turns_label.setText(f"{count} message{'s' if count != 1 else ''} from "
                                 f"{', '.join(speakers) if speakers else 'nobody'}. “(you)” marks your own; change it with “I am”.")
        self._show_turns()
        self.draft_button.setEnabled(count > 0 and not self.busy)

    def _show_turns(self) -> None:
        self.turns_list.clear()
        if self.parsed is None:
            return
        me = self.me()
        for turn in self.parsed.turns:
            who = html.escape(turn.speaker) + (" <span style='color: gray'>(you)</span>" if turn.speaker == me else "")
            item = QListWidgetItem(f"{turn.speaker}: {turn.text}")
            item.setData(RICH_TEXT_ROLE, f"<b>{who}</b>&nbsp; {html.escape(turn.text)}")
            self.turns_list.addItem(item)

    @property
    def busy(self) -> bool:
        return self.handle is not None and self.handle.active

    def tone(self) -> str:
        return self.tone_group.checkedButton().property("value")

    def length(self) -> str:
        return self.length_group.checkedButton().property("value")

    def me(self) -> str | None:
        return self.me_combo.currentData()

    # --- drafting -----------------------------------------------------------------------
    def draft(self) -> None:
        if self.busy or self.parsed is None or not self.parsed.turns:
            return
        self.banner.hide()
        try:
            handle = self.services.draft_replies(self.parsed, self.me(), self.tone(), self.length())
        except Exception as error:
            self.banner.show_message(self.services.readable(error), "error")
            return
        self.handle = handle
        self.drafts = []
        self.saved = None
        self._asked = (self.tone(), self.length())
        for card in self.cards:
            card.set_text("")
            card.set_chosen(False)
        handle.partial.connect(self._on_partial)
        handle.succeeded.connect(self._on_done)
        handle.failed_with.connect(lambda message: self.banner.show_message(message, "error"))
        handle.finished.connect(self._on_finished)
        self.progress.track(handle, "Drafting replies…")
        self.draft_button.setEnabled(False)
        self.regenerate_button.setEnabled(False)
        self.status.emit("Drafting replies…")

    def _on_partial(self, event) -> None:
        """Each draft arrives whole, cleaned and checked, as soon as it is ready."""
        index = _draft_index(event.kind)
        if index is None or not 0 <= index < DRAFTS:
            return
        self.cards[index].set_text(event.text)

    def _on_done(self, result) -> None:
        drafts = self.services.draft_texts(result)
        self.drafts = drafts
        for card, text in zip(self.cards, drafts + [""] * DRAFTS):
            card.set_text(text, final=True)
        try:
            self.saved = self.services.save_conversation(self.parsed, self.me(), result, *self._asked)
        except Exception as error:
            self.banner.show_message(self.services.readable(error), "error")

    def _on_finished(self, state: str) -> None:
        self.draft_button.setEnabled(self.parsed is not None and bool(self.parsed.turns))
        self.regenerate_button.setEnabled(bool(self.drafts) or state != "done")
        if state == "cancelled":
            for card in self.cards:
                card.set_text(card.text(), final=False)
            self.status.emit("Drafting cancelled")
        elif state == "done":
            self.status.emit("Drafts ready")

    def cancel_active(self) -> bool:
        if self.busy:
            self.handle.cancel()
            return True
        return False

    def copy_draft(self, index: int) -> None:
        if index < len(self.drafts):
            QGuiApplication.clipboard().setText(self.drafts[index])
            self.status.emit(f"Draft {index + 1} copied")

    def use_draft(self, index: int) -> None:
        if index >= len(self.drafts):
            return
        self.copy_draft(index)
        try:
            if self.saved is not None and index < len(self.saved.draft_ids):
                self.services.pick_draft(self.saved.draft_ids[index])
        except Exception as error:
            self.banner.show_message(self.services.readable(error), "error")
            return
        for card in self.cards:
            card.set_chosen(card.index == index)
        self.status.emit(f"Draft {index + 1} copied and remembered")

    def show_conversation(self, conversation) -> None:
        """Opens a stored conversation from History: its paste and its drafts."""
        self.paste.setPlainText(conversation.raw)
        self.parse()
        if conversation.me and self.me_combo.findData(conversation.me) >= 0:
            self.me_combo.setCurrentIndex(self.me_combo.findData(conversation.me))
        self.saved = conversation
        self.drafts = list(conversation.drafts)
        for card, text in zip(self.cards, self.drafts + [""] * DRAFTS):
            card.set_text(text, final=True)
            card.set_chosen(conversation.picked == card.index)
        self.regenerate_button.setEnabled(True)


def _draft_index(kind: str) -> int | None:
    """The assistant numbers its drafts from 1: "draft:1" is the first card (index 0)."""
    if not kind or not kind.startswith("draft:"):
        return None
    try:
        return int(kind.split(":", 1)[1]) - 1
    except ValueError:
        return None
