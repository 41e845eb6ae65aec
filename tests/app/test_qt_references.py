"""Qt for Python keeps its references to None, True and False.

PySide6 6.12.0 on Python 3.11 dropped one reference to True at every emit() and one to None
at every method that returns nothing (setText, setEnabled, QTimer.singleShot...). A window
makes such calls many times a second, so after a long session None's count reached zero and
the process aborted on quit ("Fatal Python error: none_dealloc"). pyproject.toml keeps that
release out; this test fails on it (and on any later release with the same bug)."""

from __future__ import annotations

import gc
import sys
import threading

import pytest
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal

CALLS = 2000
# The bug loses one reference per call (CALLS in all); other threads and the objects freed
# meanwhile move the counts by far less, more so with the garbage collector held off.
NOISE = CALLS // 4


class Chatty(QObject):
    said = Signal(int, object)
    ping = Signal()


@pytest.fixture(autouse=True)
def no_garbage_collection():
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def counts() -> tuple[int, int, int]:
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


def assert_kept(before: tuple[int, int, int], what: str) -> None:
    after = counts()
    for name, b, a in zip(("None", "True", "False"), before, after, strict=True):
        assert abs(a - b) < NOISE, f"{what}: the count of {name} moved by {a - b} over {CALLS} calls"


def test_emit_keeps_its_references_in_the_thread_and_across_threads(qapp):
    """Direct emits in this thread, and queued emits from another thread delivered here."""
    chatty = Chatty()
    received = []
    chatty.said.connect(lambda n, text: received.append(n), Qt.QueuedConnection)
    before = counts()
    for _ in range(CALLS):
        chatty.ping.emit()
    assert_kept(before, "emit()")
    before = counts()
    sender = threading.Thread(target=lambda: [chatty.said.emit(n, None) for n in range(CALLS)])
    sender.start()
    sender.join()
    while len(received) < CALLS:
        QCoreApplication.processEvents()
    assert_kept(before, "queued emit(int, None) from a thread")


def test_methods_returning_nothing_keep_none(qapp):
    """The calls a window makes all the time: setters, timers, parents."""
    from PySide6.QtWidgets import QLabel, QPushButton

    label, button, child = QLabel(), QPushButton("Record"), QObject()
    calls = {
        "setText": lambda n: label.setText("Recording"),
        "setEnabled": lambda n: button.setEnabled(n % 2 == 0),
        "singleShot": lambda n: QTimer.singleShot(0, label.hide),
        "setParent": lambda n: child.setParent(None),
    }
    for name, call in calls.items():
        before = counts()
        for n in range(CALLS):
            call(n)
        assert_kept(before, name)
    QCoreApplication.processEvents()
