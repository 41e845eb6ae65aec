"""The `confide` entry point opens a real window (offscreen here) and can picture it."""

from __future__ import annotations

import subprocess
import sys

from support import ROOT


def test_screenshot_opens_the_window_and_saves_a_png(data_dir, tmp_path):
    """`confide --screenshot PATH` shows the window, writes a PNG and exits 0."""
    target = tmp_path / "window.png"
    result = subprocess.run(
        [sys.executable, "-m", "ui", "--data-dir", str(data_dir), "--screenshot", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
