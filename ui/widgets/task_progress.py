"""A progress line for one long task: what it does, a bar, the time left, and Cancel.

Long steps often say nothing measurable for a while (loading a model, decoding a file before
its first segment): the line shows the task's words and a moving busy bar at once, and the time
spent so far, until there is a real fraction to show; never an empty bar that looks stuck."""

from __future__ import annotations

import contextlib
import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from app.tasks.events import TaskState
from ui.format import eta_from_fraction, time_left


class TaskProgress(QWidget):
    """Hidden while idle. track(handle) shows it until the handle finishes; Cancel cancels it
    at once (the handle reports "cancelled" synchronously, so the line disappears now)."""

    idle = Signal()

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.setObjectName("taskProgress")
        self._handle = None
        self._started = 0.0
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setAccessibleName(f"{name} progress")
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(10)
        self.bar.setMinimumWidth(140)
        self.eta = QLabel()
        self.eta.setObjectName("muted")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName(f"Cancel {name.lower()}")
        self.cancel_button.setToolTip("Stop this task (Esc)")
        self.cancel_button.clicked.connect(self.cancel)
        self._measured = False  # a fraction above zero has arrived: the bar shows it
        self._eta_known = False
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.eta)
        layout.addWidget(self.cancel_button)
        self.hide()

    @property
    def busy(self) -> bool:
        return self._handle is not None and self._handle.active

    @property
    def handle(self):
        return self._handle

    def track(self, handle, title: str) -> None:
        """Shows ``handle``'s progress (and forgets any handle tracked before)."""
        self.release()
        if not handle.active:
            return
        self._handle = handle
        self._started = handle.submitted_at
        self._measured = self._eta_known = False
        self.label.setText(title)
        self.bar.setRange(0, 0)  # busy until the first fraction arrives
        self.eta.setText("waiting for the engine…" if handle.state == TaskState.QUEUED else "")
        handle.started.connect(self._on_started)
        handle.progress.connect(self._on_progress)
        handle.finished.connect(self._on_finished)
        self._ticker.start()
        self.show()

    def release(self) -> None:
        """Stops showing the tracked handle, which keeps running."""
        if self._handle is not None:
            for signal, slot in (
                (self._handle.started, self._on_started),
                (self._handle.progress, self._on_progress),
                (self._handle.finished, self._on_finished),
            ):
                with contextlib.suppress(RuntimeError, TypeError):  # already disconnected
                    signal.disconnect(slot)
            self._handle = None
        self._ticker.stop()
        self.hide()

    def _on_started(self) -> None:
        self._started = time.monotonic()
        self.eta.setText("")

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()

    def _on_progress(self, event) -> None:
        if event.message:
            self.label.setText(event.message)
        # A fraction of 0 says "starting", not how far: the bar stays busy until there is more
        if event.fraction is not None and (event.fraction > 0 or self._measured):
            self._measured = True
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(max(0.0, min(1.0, event.fraction)) * 1000))
        eta = event.eta_seconds
        if eta is None:
            eta = eta_from_fraction(event.fraction, time.monotonic() - self._started)
        self._eta_known = eta is not None
        if self._eta_known:
            self.eta.setText(time_left(eta))
        else:
            self._tick()

    def _tick(self) -> None:
        """While no time left is known, the time spent so far shows the task is alive."""
        if self._handle is None or self._eta_known or self._handle.state != TaskState.RUNNING:
            return
        spent = int(time.monotonic() - self._started)
        self.eta.setText(f"{spent} s so far" if spent >= 1 else "")

    def _on_finished(self, _state: str) -> None:
        self._handle = None
        self._ticker.stop()
        self.hide()
        self.idle.emit()
