"""One reply draft: its text streaming in, Copy, and "Use this"."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout


class DraftCard(QFrame):
    copy_requested = Signal(int)
    use_requested = Signal(int)

    def __init__(self, index: int, parent=None):
        super().__init__(parent)
        self.index = index
        self.setObjectName("card")
        self.setAccessibleName(f"Draft {index + 1}")
        self.heading = QLabel(f"Draft {index + 1}")
        self.heading.setObjectName("sectionTitle")
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.body.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.body.setAccessibleName(f"Draft {index + 1} text")
        self.body.setMinimumHeight(48)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setAccessibleName(f"Copy draft {index + 1}")
        self.copy_button.setToolTip(f"Copy this draft (Ctrl+{index + 1})")
        self.copy_button.clicked.connect(lambda: self.copy_requested.emit(self.index))
        self.use_button = QPushButton("Use this")
        self.use_button.setAccessibleName(f"Use draft {index + 1}")
        self.use_button.setToolTip("Copy it and remember that you chose it, so later drafts sound more like you")
        self.use_button.clicked.connect(lambda: self.use_requested.emit(self.index))
        self.chosen = QLabel("✓ Chosen")
        self.chosen.setObjectName("muted")
        self.chosen.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.chosen)
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.use_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.heading)
        layout.addWidget(self.body, 1)
        layout.addLayout(buttons)
        self.set_text("")

    def text(self) -> str:
        return self.body.text()

    def set_text(self, text: str, final: bool = False) -> None:
        self.body.setText(text)
        ready = final and bool(text.strip())
        self.copy_button.setEnabled(ready)
        self.use_button.setEnabled(ready)

    def append(self, text: str) -> None:
        self.body.setText(self.body.text() + text)

    def set_chosen(self, chosen: bool) -> None:
        self.chosen.setVisible(chosen)
