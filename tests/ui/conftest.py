"""Fixtures of the GUI tests: a real window (offscreen) over a real history file, with the
scripted fake engine of fake_engine.py or the real models."""

from __future__ import annotations

import faulthandler
import sys

import pytest
from fake_engine import FakeEngine

from app.paths import DataDir


@pytest.fixture(autouse=True)
def stacks_if_stuck():
    """A GUI test stuck in native code (Qt, PortAudio, a model) prints every thread's stack after
    three minutes, so a hang in CI says where it is."""
    faulthandler.dump_traceback_later(180, file=sys.stderr)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def make_window(qtbot, data_dir):
    """make_window(kit=None) -> a shown MainWindow over DATA (real history); closed after the test."""
    from ui.app import build_window, create_application

    made = []

    def make(kit=None, folder=None):
        create_application([])
        window = build_window(DataDir(folder or data_dir).ensure(), kit=kit)
        # not qtbot.addWidget: pytest-qt would delete the window (and its worker threads) at
        # once; the window must close its own way, letting the threads finish first
        window.resize(1280, 720)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)  # shortcuts need an active window
        made.append(window)
        return window

    yield make
    for window in made:
        if not window._close_done:
            with qtbot.waitSignal(window.closed, timeout=6000):
                window.close()


@pytest.fixture
def window(make_window, fake_engine):
    return make_window(fake_engine.kit())
