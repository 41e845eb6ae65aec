"""Asking before something cannot be undone: a dialog whose default button is Cancel."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox


def ask(parent, title: str, text: str, action: str) -> bool:
    """True only when the user presses the button named ``action`` (e.g. "Delete")."""
    box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.NoButton, parent)
    go = box.addButton(action, QMessageBox.DestructiveRole)
    cancel = box.addButton(QMessageBox.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is go
