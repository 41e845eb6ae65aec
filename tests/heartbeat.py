"""A GUI-thread heartbeat for responsiveness tests: a 10 ms QTimer that records the gaps
between its beats. A gap far above 10 ms means the GUI thread was blocked that long."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer


def heartbeat() -> tuple[QTimer, list[float]]:
    """Starts the timer; returns (timer, gaps in seconds, growing while it runs)."""
    gaps, last = [], [time.monotonic()]

    def beat():
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(beat)
    timer.start()
    return timer, gaps
