"""Quitting never crashes: 200 windows opened and closed in one process, each while a recording
and a reply draft run. A refcount bug (PySide6 6.12.0 on Python 3.11 freeing None, see
tests/app/test_qt_references.py) or a thread torn down while running aborts the child
process, which this test sees as its exit status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CYCLES = 200


def test_200_quits_with_tasks_running_never_crash(tmp_path):
    script = Path(__file__).with_name("quit_soak.py")
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "data"), str(CYCLES)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    assert f"{CYCLES} quit cycles" in done.stdout and "no crash" in done.stdout
    print(done.stdout.strip())
