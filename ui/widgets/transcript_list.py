"""A transcript with times; clicking a line asks to play the audio from there."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem

from ui.format import clock
from ui.widgets.rich_delegate import RICH_TEXT_ROLE, RichTextDelegate


class TranscriptList(QListWidget):
    seek = Signal(float)

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
        self._starts: list[float] = []

    def set_segments(self, segments) -> None:
        self.clear()
        self._starts = []
        for segment in segments:
            self.add_segment(segment)

    def add_segment(self, segment) -> None:
        text = (segment.text or "").strip()
        if not text:
            return
        start = float(segment.start) if segment.start is not None else None
        speaker = getattr(segment, "speaker", None)
        label = f"{clock(start)}   " if start is not None else ""
        label += f"{speaker}: {text}" if speaker else text
        item = QListWidgetItem(label)
        item.setData(Qt.UserRole, start)
        item.setData(RICH_TEXT_ROLE, transcript_line_html(start, speaker, text))
        item.setToolTip("Click to play from here")
        self.addItem(item)
        self._starts.append(start if start is not None else -1.0)

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


def transcript_line_html(start, speaker, text) -> str:
    time = f"<span style='color: gray'>{clock(start)}</span>&nbsp;&nbsp;&nbsp;" if start is not None else ""
    who = f"<b>{html.escape(speaker)}:</b> " if speaker else ""
    return f"{time}{who}{html.escape(text)}"
