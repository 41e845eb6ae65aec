"""The visible promise: a small shield that says Confide works offline."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel

from ui.resources import resource

OFFLINE_TEXT = (
    "Offline: Confide makes no network connections. Recording, transcription, summaries, "
    "replies and your history all stay on this computer."
)


class OfflineBadge(QFrame):
    def __init__(self, text: str = "Offline", parent=None, icon_size: int = 16):
        super().__init__(parent)
        self.setObjectName("offlineBadge")
        self.setAccessibleName("Offline")
        self.setAccessibleDescription(OFFLINE_TEXT)
        self.setToolTip(OFFLINE_TEXT)
        icon = QLabel()
        icon.setPixmap(QIcon(str(resource("offline.svg"))).pixmap(icon_size, icon_size))
        label = QLabel(text)
        label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 5, 10, 5)
        layout.setSpacing(8)
        layout.addWidget(icon, 0, Qt.AlignTop if len(text) > 20 else Qt.AlignVCenter)
        layout.addWidget(label, 1)
