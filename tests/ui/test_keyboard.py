"""The window by keyboard alone: Tab reaches every control of every view, each shows that it
has the focus, nothing keeps Tab to itself, and Space plays the recording on its page."""

from __future__ import annotations

import pytest
from demo_history import write_demo_history
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QWidget,
)

from ui.views import VIEWS

MAX_PRESSES = 80


@pytest.fixture
def demo_window(make_window, fake_engine, data_dir):
    """The real window over a history with a summarized meeting and a conversation with drafts,
    each open in its view, so every control of every view is there to reach."""
    ids = write_demo_history(data_dir)
    window = make_window(fake_engine.kit())
    window.open_recording(ids["recording"])
    window.open_conversation(ids["conversation"])
    return window


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def press(key, modifier=Qt.NoModifier) -> None:
    QTest.keyClick(focused(), key, modifier)


def _compound(widget: QWidget) -> QWidget:
    """The control a focused part belongs to (a combo box's or spin box's own line edit)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QAbstractSpinBox, QComboBox, QAbstractItemView)):
            return parent
        parent = parent.parentWidget()
    return widget


def tab_stops(window, view: QWidget) -> set[QWidget]:
    """What Tab must reach on this page: the sidebar and every visible, enabled control of the
    view that takes the keyboard focus. Of a group of radio buttons only the checked one is a
    stop (arrow keys move inside the group: the platform's convention)."""
    stops = {window.nav}
    for widget in view.findChildren(QWidget):
        if not (widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.TabFocus):
            continue
        if _compound(widget) is not widget:
            continue
        if (
            isinstance(widget, QRadioButton)
            and not widget.isChecked()
            and (widget.autoExclusive() or (widget.group() is not None and widget.group().exclusive()))
        ):
            continue
        stops.add(widget)
    return stops


def walk(window, key=Qt.Key_Tab) -> list[QWidget]:
    """Presses Tab (or Shift+Tab) from the sidebar until the focus comes back to it; returns the
    controls it went through, in order. Fails when the focus never comes back: a trap."""
    window.nav.setFocus(Qt.TabFocusReason)
    visited = []
    for _ in range(MAX_PRESSES):
        press(key)
        widget = _compound(focused())
        if widget is window.nav:
            return visited
        if not visited or visited[-1] is not widget:
            visited.append(widget)
    names = [w.accessibleName() or type(w).__name__ for w in visited[-5:]]
    pytest.fail(f"Tab never came back to the sidebar after {MAX_PRESSES} presses; the last stops: {names}")


def picture(widget: QWidget) -> QImage:
    QApplication.processEvents()
    return widget.grab().toImage()


@pytest.mark.parametrize("name", VIEWS)
def test_tab_reaches_every_control_and_comes_back(demo_window, name):
    """From the sidebar, Tab goes through every control of the view and back to the sidebar,
    and Shift+Tab does the same the other way: no control keeps Tab to itself (the Replies
    conversation box used to type a tab), and none is left out; typing fields are unchanged."""
    window = demo_window
    window.show_view(name)
    view = window.views[name]
    fields = view.findChildren(QLineEdit) + view.findChildren(QPlainTextEdit)
    texts = {w: w.toPlainText() if hasattr(w, "toPlainText") else w.text() for w in fields}
    stops = tab_stops(window, view)
    forwards = walk(window)
    missing = stops - set(forwards) - {window.nav}
    assert [w.accessibleName() or type(w).__name__ for w in missing] == []
    assert set(forwards) <= stops  # nothing focusable that is not a control of this page
    backwards = walk(window, Qt.Key_Backtab)
    assert set(backwards) == set(forwards)
    for widget, text in texts.items():
        assert (widget.toPlainText() if hasattr(widget, "toPlainText") else widget.text()) == text


@pytest.mark.parametrize("name", VIEWS)
def test_every_tab_stop_shows_that_it_has_the_focus(demo_window, name):
    """Each control looks different while it has the keyboard focus (compared pixel by pixel
    with itself once Tab has moved on): an empty list, a table, the sidebar and the record
    button used to look the same either way."""
    window = demo_window
    window.show_view(name)
    window.nav.setFocus(Qt.TabFocusReason)
    press(Qt.Key_Tab)
    press(Qt.Key_Backtab)  # a focus change by key: the style now draws keyboard focus
    with_focus: dict[QWidget, QImage] = {}
    for _ in range(MAX_PRESSES):
        widget = _compound(focused())
        with_focus.setdefault(widget, picture(widget))
        press(Qt.Key_Tab)
        if _compound(focused()) is window.nav:
            break
    focused().clearFocus()  # now nothing has the focus
    unchanged = [w.accessibleName() or type(w).__name__ for w, image in with_focus.items() if picture(w) == image]
    assert len(with_focus) > 2
    assert unchanged == []


def test_ctrl_tab_types_a_tab_in_the_conversation_box(demo_window):
    """Tab leaves the conversation box; Ctrl+Tab still types a tab there."""
    window = demo_window
    window.show_view("replies")
    box = window.replies_view.paste
    box.setPlainText("Anna: hi")
    box.setFocus(Qt.TabFocusReason)
    box.moveCursor(box.textCursor().MoveOperation.End)
    QTest.keyClick(box, Qt.Key_Tab)
    assert box.toPlainText() == "Anna: hi" and not box.hasFocus()
    box.setFocus(Qt.TabFocusReason)
    QTest.keyClick(box, Qt.Key_Tab, Qt.ControlModifier)
    assert box.toPlainText() == "Anna: hi\t" and box.hasFocus()


def test_space_plays_and_pauses_the_recording(demo_window, qtbot, sound_output):
    """On the recording's page Space plays and pauses, wherever the focus is (the transcript,
    the sidebar), except on a button, which Space presses as usual; on other pages it does not."""
    window = demo_window
    window.show_view("recording")
    view = window.recording_view
    view.transcript.setFocus(Qt.TabFocusReason)
    press(Qt.Key_Space)
    qtbot.waitUntil(lambda: view.player.playing, timeout=10_000)
    press(Qt.Key_Space)
    qtbot.waitUntil(lambda: not view.player.playing, timeout=10_000)
    window.nav.setFocus(Qt.TabFocusReason)
    press(Qt.Key_Space)
    qtbot.waitUntil(lambda: view.player.playing, timeout=10_000)
    assert window.current_view() == "recording"
    press(Qt.Key_Space)
    qtbot.waitUntil(lambda: not view.player.playing, timeout=10_000)
    QApplication.clipboard().clear()
    view.copy_button.setFocus(Qt.TabFocusReason)
    press(Qt.Key_Space)
    qtbot.waitUntil(lambda: QApplication.clipboard().text().startswith("# "), timeout=5000)
    assert not view.player.playing
    window.show_view("history")
    window.history_view.results.setFocus(Qt.TabFocusReason)
    press(Qt.Key_Space)
    qtbot.wait(300)
    assert not view.player.playing


def tab_to(name: str) -> QWidget:
    """Presses Tab until the control called ``name`` has the focus."""
    for _ in range(MAX_PRESSES):
        if _compound(focused()).accessibleName() == name:
            return _compound(focused())
        press(Qt.Key_Tab)
    pytest.fail(f"Tab never reached {name!r}")


def test_a_session_by_keyboard_alone(make_window, qtbot, data_dir, sound_output):
    """All five views used without the mouse: paste a chat and draft (Replies), copy a draft,
    search and open a meeting (History), play it (Meeting), switch the microphone (Settings),
    record and stop (Record)."""
    from fake_engine import FakeEngine

    from ui.records import Device

    write_demo_history(data_dir)
    engine = FakeEngine(devices=[Device("Laptop microphone", True), Device("USB headset", False)])
    window = make_window(engine.kit())
    window.nav.setFocus(Qt.TabFocusReason)

    press(Qt.Key_3, Qt.ControlModifier)
    assert window.current_view() == "replies"
    box = tab_to("Conversation")
    QApplication.clipboard().setText("Sam: lunch on Friday?\nMe: maybe, let me check.\nSam: ok, tell me soon")
    press(Qt.Key_V, Qt.ControlModifier)
    qtbot.waitUntil(lambda: window.replies_view.parsed is not None, timeout=5000)
    press(Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: not window.replies_view.busy and bool(window.replies_view.drafts), timeout=10_000)
    tab_to("Copy draft 2")
    press(Qt.Key_Space)
    assert QApplication.clipboard().text() == window.replies_view.drafts[1] and box.toPlainText().startswith("Sam:")

    press(Qt.Key_F, Qt.ControlModifier)
    assert window.current_view() == "history"
    QTest.keyClicks(focused(), "mobile layout")
    qtbot.waitUntil(lambda: window.history_view.results.count() == 1, timeout=5000)
    press(Qt.Key_Return)
    assert window.current_view() == "recording"
    tab_to("Transcript")
    press(Qt.Key_Space)
    qtbot.waitUntil(lambda: window.recording_view.player.playing, timeout=10_000)
    press(Qt.Key_Space)
    qtbot.waitUntil(lambda: not window.recording_view.player.playing, timeout=10_000)

    press(Qt.Key_5, Qt.ControlModifier)
    assert window.current_view() == "settings"
    tab_to("Input device")
    press(Qt.Key_Down)
    assert window.record_view.device_combo.currentData() == "USB headset"

    press(Qt.Key_1, Qt.ControlModifier)
    press(Qt.Key_R, Qt.ControlModifier)
    qtbot.waitUntil(lambda: window.record_view.transcript.count() >= 2, timeout=10_000)
    press(Qt.Key_R, Qt.ControlModifier)
    qtbot.waitUntil(
        lambda: (
            window.current_view() == "recording"
            and window.recording_view.recording is not None
            and window.record_view.state == "idle"
        ),
        timeout=10_000,
    )
