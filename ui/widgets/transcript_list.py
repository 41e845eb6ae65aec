"""A transcript with times; clicking a line asks to play the audio from there. When the voices
were told apart, each line starts with its speaker's name in that speaker's colour (not when
only one person spoke: a name on every line would say nothing)."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem

from ui.format import clock
from ui.widgets.rich_delegate import RICH_TEXT_ROLE, SELECTED_TEXT_ROLE, RichTextDelegate
from ui.widgets.speaker_palette import is_dark, numbers_of, speaker_colour

SEGMENT_ROLE = Qt.UserRole + 3  # the line's index in the segments given (a blank one has no line)
SPEAKER_ROLE = Qt.UserRole + 4  # the name of who said it, or None
PLAY_TIP = "Click to play from here"


class TranscriptList(QListWidget):
    """``line_menu(row, global position)`` asks for a line's menu: a right-click on it, or the
    Menu key (Shift+F10) on the current line."""

    seek = Signal(float)
    line_menu = Signal(int, QPoint)

    def __init__(self, name: str = "Transcript", parent=None):
        super().__init__(parent)
        self.setObjectName("transcript")
        self.setAccessibleName(name)
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setResizeMode(QListView.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.setItemDelegate(RichTextDelegate(self))
        self.itemActivated.connect(self._activated)
        self.itemClicked.connect(self._activated)
        self.line_tip = PLAY_TIP  # a line's tooltip: says what its menu offers, where it has one
        self._starts: list[float] = []
        self._segments: list = []
        self._speakers: tuple = ()  # ui.records.Speaker of a stored recording: their numbers
        self._numbers: dict[str, int] = {}

    def clear(self) -> None:
        super().clear()
        self._starts = []
        self._segments = []
        self._speakers = ()
        self._numbers = {}

    def set_segments(self, segments, speakers=(), keep_place: bool = False) -> None:
        """speakers: the recording's (ui.records.Speaker), whose numbers give the colours.
        keep_place: the same transcript again (after an edit): the current line and the scroll
        position stay; else it starts at the top with no line chosen."""
        place = (self.currentRow(), self.verticalScrollBar().value()) if keep_place else (-1, 0)
        self.clear()
        self._speakers = tuple(speakers)
        self._segments = list(segments)
        self._render(place)

    def add_segment(self, segment) -> None:
        """A line more, as a transcript streams in; the first line of a second speaker shows
        everyone's names from then on."""
        self._segments.append(segment)
        speaker = getattr(segment, "speaker", None)
        if speaker and speaker not in self._numbers and len(self._numbers) == 1:
            self._render()
            return
        self._add_line(len(self._segments) - 1, segment)

    def speaker_shown(self) -> bool:
        """True when lines carry names: more than one person spoke."""
        return len(self._numbers) > 1

    def segment_index(self, row: int) -> int | None:
        item = self.item(row)
        return None if item is None else item.data(SEGMENT_ROLE)

    def speaker_at(self, row: int) -> str | None:
        item = self.item(row)
        return None if item is None else item.data(SPEAKER_ROLE)

    def colour_of(self, speaker: str) -> str | None:
        number = self._numbers.get(speaker)
        return None if number is None else speaker_colour(number, self._dark())

    # --- lines ------------------------------------------------------------------------------
    def _render(self, place: tuple[int, int] | None = None) -> None:
        """Lays every line out again (a second speaker appeared, or the theme changed), at
        ``place`` (current row, scroll position): by default where it is now."""
        row, scrolled = place if place is not None else (self.currentRow(), self.verticalScrollBar().value())
        self.blockSignals(True)
        super().clear()
        self._starts = []
        said = [s for s in self._segments if (s.text or "").strip()]
        self._numbers = numbers_of((getattr(s, "speaker", None) for s in said), self._speakers)
        for index, segment in enumerate(self._segments):
            self._add_line(index, segment)
        if 0 <= row < self.count():
            self.setCurrentRow(row)
        self.blockSignals(False)
        self.verticalScrollBar().setValue(scrolled)

    def _add_line(self, index: int, segment) -> None:
        text = (segment.text or "").strip()
        if not text:
            return
        start = float(segment.start) if segment.start is not None else None
        speaker = getattr(segment, "speaker", None)
        if speaker and speaker not in self._numbers:
            self._numbers[speaker] = max(self._numbers.values(), default=0) + 1
        shown = speaker if self.speaker_shown() else None
        label = f"{clock(start)}   " if start is not None else ""
        label += f"{shown}: {text}" if shown else text
        item = QListWidgetItem(label)
        item.setData(Qt.UserRole, start)
        item.setData(SEGMENT_ROLE, index)
        item.setData(SPEAKER_ROLE, speaker)
        colour = self.colour_of(shown) if shown else None
        item.setData(RICH_TEXT_ROLE, transcript_line_html(start, shown, text, colour))
        item.setData(SELECTED_TEXT_ROLE, transcript_line_html(start, shown, text, plain=True))
        item.setToolTip(self.line_tip)
        self.addItem(item)
        self._starts.append(start if start is not None else -1.0)

    def _dark(self) -> bool:
        return is_dark(self.palette().color(self.viewport().backgroundRole()))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.PaletteChange and self.speaker_shown():
            self._render()  # the names' shades follow a switch between light and dark

    # --- the line's menu ----------------------------------------------------------------------
    def contextMenuEvent(self, event) -> None:
        by_keyboard = event.reason() == QContextMenuEvent.Reason.Keyboard
        item = self.currentItem() if by_keyboard else self.itemAt(event.pos())
        row = self.row(item) if item is not None else -1
        if row < 0:
            return
        if not by_keyboard:
            self.setCurrentRow(row)
        self._ask_for_menu(row)

    def keyPressEvent(self, event) -> None:
        shift_f10 = event.key() == Qt.Key_F10 and event.modifiers() == Qt.ShiftModifier
        if (event.key() == Qt.Key_Menu or shift_f10) and self.currentRow() >= 0:
            self._ask_for_menu(self.currentRow())
            event.accept()
            return
        super().keyPressEvent(event)

    def _ask_for_menu(self, row: int) -> None:
        rect = self.visualItemRect(self.item(row))
        self.line_menu.emit(row, self.viewport().mapToGlobal(rect.bottomLeft()))

    # --- playing --------------------------------------------------------------------------------
    def _activated(self, item: QListWidgetItem) -> None:
        start = item.data(Qt.UserRole)
        if start is not None:
            self.seek.emit(float(start))

    def row_at_time(self, seconds: float) -> int:
        row = -1
        for index, start in enumerate(self._starts):
            if start <= seconds + 0.05:
                row = index
            else:
                break
        return row

    def show_time(self, seconds: float) -> None:
        """Select and scroll to the line being said at ``seconds``."""
        row = self.row_at_time(seconds)
        if row >= 0 and row != self.currentRow():
            self.blockSignals(True)
            self.setCurrentRow(row)
            self.blockSignals(False)
            self.scrollToItem(self.item(row), QListWidget.PositionAtCenter)


def transcript_line_html(start, speaker, text, colour: str | None = None, *, plain: bool = False) -> str:
    """colour: the speaker's name's (#rrggbb); None: the text's own. plain: no colour at all, for
    a selected line (grey or a speaker's shade would not read on the highlight)."""
    time_style = "" if plain else " style='color: gray'"
    time = f"<span{time_style}>{clock(start)}</span>&nbsp;&nbsp;&nbsp;" if start is not None else ""
    style = f" style='color: {colour}'" if colour and not plain else ""
    who = f"<b{style}>{html.escape(speaker)}:</b> " if speaker else ""
    return f"{time}{who}{html.escape(text)}"
