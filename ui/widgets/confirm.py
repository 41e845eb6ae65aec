"""Asking before acting: before something that cannot be undone (ask: the default button is
Cancel), or before something the user may want to think about (offer: the default is the action)."""

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


def offer(parent, title: str, text: str, action: str) -> bool:
    """A question about something the user can take back later: its default button is the
    action. True only when the user presses it."""
    box = QMessageBox(QMessageBox.Question, title, text, QMessageBox.NoButton, parent)
    go = box.addButton(action, QMessageBox.AcceptRole)
    cancel = box.addButton(QMessageBox.Cancel)
    box.setDefaultButton(go)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is go
