"""How the window reads and fits: the sidebar's names, the rename dialog's size and the
summary's heading after a rename, and every view at 800 pixels wide."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from demo_history import SUMMARY, write_demo_history
from PySide6.QtCore import QPoint, QRect, QSize, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QInputDialog,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSlider,
    QTextEdit,
    QWidget,
)

from ui.views import VIEWS

SHOTS = os.environ.get("CONFIDE_LAYOUT_SHOTS")  # a folder: keep the 800x600 pictures there to look at
LONG_TITLE = "Website launch moves to March, with the budget, press release and accessibility audit owned"


@pytest.fixture
def demo_window(make_window, fake_engine, data_dir):
    """The window over a demo history, with its meeting and its conversation open."""
    ids = write_demo_history(data_dir)
    window = make_window(fake_engine.kit())
    window.open_recording(ids["recording"])
    window.open_conversation(ids["conversation"])
    return window


def sidebar_labels(window) -> list[str]:
    return [window.nav.item(row).text() for row in range(window.nav.count())]


def test_the_sidebar_names_each_view_by_what_it_holds(window, data_dir):
    """ "Record" and "Recording" read alike; the page of one recording is "Meeting", and its
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


CONTROLS = (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QAbstractSpinBox,
    QSlider,
    QAbstractItemView,
    QTextEdit,
)


def squeezed(view) -> list[str]:
    """Controls of the view given less than their minimum, or cut by the view's edge."""
    found = []
    for widget in view.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisible():
            continue
        if any(
            isinstance(parent, (QAbstractItemView, QComboBox, QAbstractSpinBox)) for parent in _ancestors(widget, view)
        ):
            continue  # a part of a compound control
        if widget.window() is not view.window():
            continue
        hint = widget.minimumSizeHint()  # an explicit minimum (a fixed height) overrides the hint
        minimum = QSize(widget.minimumWidth() or hint.width(), widget.minimumHeight() or hint.height())
        clipped = _visible_part(widget, view)
        scrolled = any(isinstance(parent, QScrollArea) for parent in _ancestors(widget, view))
        cut = clipped != widget.size() and not scrolled  # a scroll area shows the rest (never sideways, below)
        if widget.width() < minimum.width() or widget.height() < minimum.height() or cut:
            found.append(
                f"{type(widget).__name__} {widget.accessibleName() or widget.objectName()} "
                f"{widget.width()}x{widget.height()} (needs {minimum.width()}x{minimum.height()}, "
                f"shown {clipped.width()}x{clipped.height()})"
            )
    return found


def _ancestors(widget, stop):
    parent = widget.parentWidget()
    while parent is not None and parent is not stop:
        yield parent
        parent = parent.parentWidget()


def _visible_part(widget, view) -> QSize:
    """The part of the widget that the view and every scroll area between them leave visible."""
    rect = QRect(QPoint(0, 0), widget.size())
    child = widget
    for parent in _ancestors(widget, None):
        rect = rect.translated(child.pos()).intersected(QRect(QPoint(0, 0), parent.size()))
        child = parent
        if parent is view:
            break
    return rect.size()


@pytest.mark.parametrize("name", VIEWS)
def test_every_view_fits_a_window_of_800_by_600(demo_window, name, tmp_path):
    """The window shrinks to 800x600 and each view fits it: its minimum size is within what it
    gets, no control is squeezed below its own minimum or cut off, and nothing scrolls sideways
    (the recording's buttons move under its title). The picture is kept for a look."""
    window = demo_window
    assert window.minimumWidth() <= 800 and window.minimumHeight() <= 600
    window.resize(800, 600)
    window.show_view(name)
    QApplication.processEvents()
    QApplication.processEvents()
    view = window.views[name]
    assert (window.width(), window.height()) == (800, 600)
    hint = view.minimumSizeHint()
    assert hint.width() <= view.width() and hint.height() <= view.height(), (hint, view.size())
    assert squeezed(view) == []
    for area in view.findChildren(QScrollArea):
        assert area.horizontalScrollBar().maximum() == 0
    picture = window.grab()
    assert picture.save(str(tmp_path / f"{name}-800x600.png"))
    if SHOTS:
        picture.save(str(Path(SHOTS) / f"{name}-800x600.png"))
