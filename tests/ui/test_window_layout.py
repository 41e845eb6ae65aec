"""How the window reads and fits: the sidebar's names, the rename dialog's size and the
summary's heading after a rename, and every view at 800 pixels wide."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from demo_history import SUMMARY, write_demo_history

LONG_TITLE = "Website launch moves to March, with the budget, press release and accessibility audit owned"


def sidebar_labels(window) -> list[str]:
    return [window.nav.item(row).text() for row in range(window.nav.count())]


def test_the_sidebar_names_each_view_by_what_it_holds(window, data_dir):
    """"Record" and "Recording" read alike; the page of one recording is "Meeting", and its
    entry's tooltip names the recording that is open."""
    assert sidebar_labels(window) == ["Record", "Meeting", "Replies", "History", "Settings"]
    labels = [label.lower() for label in sidebar_labels(window)]
    assert not any(a != b and (a.startswith(b) or b.startswith(a)) for a in labels for b in labels)
    ids = write_demo_history(data_dir)
    window.open_recording(ids["recording"])
    assert SUMMARY.title in window.nav.item(1).toolTip() and "Ctrl+2" in window.nav.item(1).toolTip()
    window.recording_view.apply_rename("Launch sync")
    assert "Launch sync" in window.nav.item(1).toolTip()
    assert window.recording_view.title.text() == "Launch sync"


def test_the_summary_heading_follows_a_rename(window, data_dir):
    """After a rename the summary is headed by the new title, also when opened again later."""
    ids = write_demo_history(data_dir)
    window.open_recording(ids["recording"])
    view = window.recording_view
    assert f"{SUMMARY.title}" in view.summary.toPlainText()
    view.apply_rename("Launch sync, March")
    text = view.summary.toPlainText()
    assert text.startswith("Launch sync, March") and SUMMARY.title not in text
    view.show_nothing()
    window.open_recording(ids["recording"])
    assert view.summary.toPlainText().startswith("Launch sync, March")
    assert SUMMARY.overview[:40] in view.summary.toPlainText()


def test_the_rename_dialog_shows_the_whole_title(window, data_dir, qtbot):
    """The real rename dialog: its field is wide enough for a summary's long title, and
    accepting it renames."""
    ids = write_demo_history(data_dir)
    window.open_recording(ids["recording"])
    view = window.recording_view
    view.apply_rename(LONG_TITLE)
    seen = {}

    def answer():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible())
        field = dialog.findChild(QLineEdit)
        seen["field"] = field.width()
        seen["needed"] = field.fontMetrics().horizontalAdvance(LONG_TITLE)
        seen["dialog"] = dialog.width()
        field.setText("Short title")
        dialog.accept()

    QTimer.singleShot(200, answer)
    view.rename()
    assert seen["field"] > seen["needed"]
    assert seen["dialog"] <= window.screen().availableGeometry().width()
    assert view.title.text() == "Short title"
