"""Settings' Remembered voices: the voices Confide names in later recordings, with when each was
remembered, and Delete for the one selected (asked first, as every deletion in Settings)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.views.reporting import reporting
from ui.widgets import confirm

ABOUT = (
    "To have someone named in later recordings, name their speaker on a meeting's transcript and "
    "choose Remember from the line's menu. A voice is kept as 256 numbers in your history on this "
    "computer; it never leaves this computer, and Delete all data removes it too."
)


class VoiceList(QWidget):
    status = Signal(str)

    def __init__(self, services, banner, parent=None):
        super().__init__(parent)
        self.services = services
        self.banner = banner  # Settings' own
        self.voices: list = []  # ui.records.Voice, in the table's order
        self.table = QTableWidget(0, 2)
        self.table.setAccessibleName("Remembered voices")
        self.table.setHorizontalHeaderLabels(["Name", "Remembered"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.empty = QLabel("No voices remembered.")
        self.empty.setObjectName("hint")
        about = QLabel(ABOUT)
        about.setObjectName("muted")
        about.setWordWrap(True)
        self.delete_button = QPushButton("Delete voice…")
        self.delete_button.setObjectName("danger")
        self.delete_button.setAccessibleName("Delete the selected voice")
        self.delete_button.clicked.connect(self.confirm_delete)
        row = QHBoxLayout()
        row.addWidget(self.empty, 1)
        row.addStretch(0)
        row.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(about)
        layout.addWidget(self.table)
        layout.addLayout(row)

    def refresh(self) -> None:
        voices = []
        with reporting(self):
            voices = self.services.voices()
        self.voices = voices
        self.table.setRowCount(len(voices))
        for index, voice in enumerate(voices):
            self.table.setItem(index, 0, QTableWidgetItem(voice.name))
            self.table.setItem(index, 1, QTableWidgetItem(voice.created_text))
        rows = sum(self.table.rowHeight(r) for r in range(len(voices)))
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(min(200, header + rows + 2 * self.table.frameWidth() + 2))
        self.table.setVisible(bool(voices))
        self.empty.setVisible(not voices)
        self._selection_changed()

    def selected(self):
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return self.voices[min(rows)] if rows else None

    def _selection_changed(self) -> None:
        self.delete_button.setEnabled(self.selected() is not None)
        self.delete_button.setVisible(bool(self.voices))

    def confirm_delete(self) -> None:
        voice = self.selected()
        if voice is not None and confirm.ask(
            self,
            "Delete voice",
            f"Forget {voice.name}'s voice? Later recordings will not name {voice.name} any more; the "
            "recordings that already do keep the name. This cannot be undone.",
            "Delete",
        ):
            self.delete(voice)

    def delete(self, voice) -> None:
        with reporting(self) as call:
            name = self.services.forget_voice(voice.id)
        if call.failed:
            return
        self.refresh()
        self.status.emit(f"Forgot {name}'s voice")
