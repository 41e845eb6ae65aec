"""A message strip at the top of a view: information, a warning, or an error for the user."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton


class Banner(QFrame):
    """show_message(text, kind) with kind "info", "warning" or "error"; one readable sentence,
    never a traceback. An optional action button (e.g. "Open settings")."""

    action = Signal()

    def __init__(self, name: str = "Message", parent=None):
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleName(name)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.action_button = QPushButton()
        self.action_button.setAccessibleName(f"{name} action")
        self.action_button.hide()
        self.action_button.clicked.connect(self.action)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAccessibleName(f"Dismiss {name.lower()}")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.action_button)
        layout.addWidget(self.close_button)
        self.hide()

    def show_message(self, text: str, kind: str = "info", action: str | None = None, closable: bool = True) -> None:
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.text.setText(text)
        self.setAccessibleDescription(text)
        self.action_button.setVisible(bool(action))
        if action:
            self.action_button.setText(action)
            self.action_button.setAccessibleName(action)
        self.close_button.setVisible(closable)
        self.show()

    def message(self) -> str:
        return self.text.text() if self.isVisible() else ""
