"""What a reply is asked for: which speaker is me, the tone and the length; and the list of the
messages found in a pasted conversation, the user's own marked "(you)"."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QWidget,
)

from app.assistant.reply_choices import LENGTHS, TONES  # the drafter's own, without loading it
from ui.widgets.rich_delegate import RICH_TEXT_ROLE, RichTextDelegate


def _choice_row(name: str, values, default: str) -> tuple[QButtonGroup, QHBoxLayout]:
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


class ReplyOptions(QWidget):
    """ "I am", Tone and Length; ``me_changed`` when another speaker is chosen as me."""

    me_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.me_combo = QComboBox()
        self.me_combo.setAccessibleName("Which speaker is me")
        self.me_combo.setMinimumWidth(160)
        self.me_combo.currentIndexChanged.connect(lambda _i: self.me_changed.emit())
        me_label = QLabel("I am:")
        me_label.setBuddy(self.me_combo)
        self.tone_group, tone_row = _choice_row("Tone", TONES, "friendly")
        self.length_group, length_row = _choice_row("Length", LENGTHS, "short")
        form = QGridLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(10)
        form.addWidget(me_label, 0, 0)
        form.addWidget(self.me_combo, 0, 1, Qt.AlignLeft)
        form.addWidget(QLabel("Tone:"), 1, 0)
        form.addLayout(tone_row, 1, 1)
        form.addWidget(QLabel("Length:"), 2, 0)
        form.addLayout(length_row, 2, 1)

    def tone(self) -> str:
        return self.tone_group.checkedButton().property("value")

    def length(self) -> str:
        return self.length_group.checkedButton().property("value")

    def me(self) -> str | None:
        return self.me_combo.currentData()

    def set_speakers(self, speakers: list[str], guess: str | None) -> None:
        """The speakers of a new paste: me stays who it was when they are still there, else the
        parser's guess; no me_changed meanwhile."""
        previous = self.me()
        self.me_combo.blockSignals(True)
        self.me_combo.clear()
        for speaker in speakers:
            self.me_combo.addItem(speaker, speaker)
        wanted = previous if previous in speakers else guess
        if wanted in speakers:
            self.me_combo.setCurrentIndex(speakers.index(wanted))
        self.me_combo.blockSignals(False)

    def choose_me(self, speaker: str | None) -> None:
        if speaker and self.me_combo.findData(speaker) >= 0:
            self.me_combo.setCurrentIndex(self.me_combo.findData(speaker))


class MessagesList(QListWidget):
    """The messages of the conversation, one a row, who said it in bold."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("results")
        self.setAccessibleName("Messages found")
        self.setWordWrap(True)
        self.setResizeMode(QListView.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.setItemDelegate(RichTextDelegate(self))
        self.setSelectionMode(QAbstractItemView.NoSelection)

    def show_turns(self, turns, me: str | None) -> None:
        self.clear()
        for turn in turns:
            who = html.escape(turn.speaker) + (" <span style='color: gray'>(you)</span>" if turn.speaker == me else "")
            item = QListWidgetItem(f"{turn.speaker}: {turn.text}")
            item.setData(RICH_TEXT_ROLE, f"<b>{who}</b>&nbsp; {html.escape(turn.text)}")
            self.addItem(item)
