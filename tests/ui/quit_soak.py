"""Opens and quits the window CYCLES times in one process, each time while a recording and a
reply draft are running (the fake engine), the way a user quits in the middle of work. Run by
test_quit_soak.py in a child process, so that an abort in native code is a failed exit code.

    python quit_soak.py DATA_DIR CYCLES
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fake_engine import FakeEngine  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer  # noqa: E402
from test_window_wiring import CHAT  # noqa: E402

from app.paths import DataDir  # noqa: E402
from ui.app import build_window, create_application  # noqa: E402


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        QCoreApplication.processEvents(QEventLoop.AllEvents, 20)
    return True


def one_cycle(data_dir: DataDir) -> None:
    engine = FakeEngine(step_s=0.05)
    window = build_window(data_dir, kit=engine.kit())
    window.show()
    window.record_view.start_recording()
    window.replies_view.set_conversation(CHAT)
    window.replies_view.draft()
    if not wait_for(lambda: sum(h.state == "running" for h in window.bridge.active_handles()) == 2, 10):
        raise SystemExit("the two tasks did not start")
    closed = []
    window.closed.connect(closed.append)
    window.close()
    if not wait_for(lambda: closed, 10):
        raise SystemExit("the window did not finish closing within 10 s")
    if closed != [True]:
        raise SystemExit(f"a worker thread was still running at quit: {closed}")
    window.deleteLater()
    QTimer.singleShot(0, lambda: None)
    QCoreApplication.processEvents()


def main() -> None:
    folder, cycles = Path(sys.argv[1]), int(sys.argv[2])
    create_application([])
    data_dir = DataDir(folder).ensure()
    began = time.monotonic()
    for _ in range(cycles):
        one_cycle(data_dir)
    print(f"{cycles} quit cycles with two tasks running, {time.monotonic() - began:.1f} s, no crash")


if __name__ == "__main__":
    main()
