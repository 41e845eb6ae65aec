"""Asking before acting: before something that cannot be undone (ask: the default button is
Cancel), or before something the user may want to think about (offer: the default is the action)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox


def ask(parent, title: str, text: str, action: str) -> bool:
    """True only when the user presses the button named ``action`` (e.g. "Delete")."""
    return _choose(parent, QMessageBox.Warning, title, text, action, QMessageBox.DestructiveRole, default_go=False)


def offer(parent, title: str, text: str, action: str) -> bool:
    """A question about something the user can take back later: its default button is the
    action. True only when the user presses it."""
    return _choose(parent, QMessageBox.Question, title, text, action, QMessageBox.AcceptRole, default_go=True)


def _choose(parent, icon, title: str, text: str, action: str, role, *, default_go: bool) -> bool:
    box = QMessageBox(icon, title, text, QMessageBox.NoButton, parent)
    go = box.addButton(action, role)
    cancel = box.addButton(QMessageBox.Cancel)
    box.setDefaultButton(go if default_go else cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is go
