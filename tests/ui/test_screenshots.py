"""`confide --screenshot PATH --view V` pictures each of the five views offscreen, over a
history that holds a summarized meeting and a conversation with drafts."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from demo_history import write_demo_history
from PySide6.QtGui import QImage
from support import ROOT

from ui.views import VIEWS


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    """Runs `python -m ui --screenshot` once per view; returns {view: (result, png path)}."""
    folder = tmp_path_factory.mktemp("screenshots")
    data = folder / "data"
    write_demo_history(data)
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)  # no display: the app must choose offscreen itself
    made = {}
    for view in VIEWS:
        target = folder / f"{view}.png"
        result = subprocess.run(
            [sys.executable, "-m", "ui", "--data-dir", str(data), "--screenshot", str(target), "--view", view],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        made[view] = (result, target)
    return made


@pytest.mark.parametrize("view", VIEWS)
def test_each_view_is_pictured_at_1280_by_720(screenshots, view):
    """Exit 0, a 1280x720 PNG with real content (not one flat colour), no traceback."""
    result, target = screenshots[view]
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1280, 720)
    colours = {image.pixel(x, y) for x in range(0, 1280, 16) for y in range(0, 720, 16)}
    assert len(colours) > 20


def test_the_views_differ(screenshots):
    """Each --view shows something else (the view switch took effect before the picture)."""
    pictures = {view: QImage(str(target)) for view, (_, target) in screenshots.items()}
    assert all(not image.isNull() for image in pictures.values())
    signatures = {
        tuple(image.pixel(x, y) for x in range(240, 1280, 40) for y in range(20, 700, 40))
        for image in pictures.values()
    }
    assert len(signatures) == len(VIEWS)


def test_a_bad_screenshot_path_is_one_line_and_exit_1(tmp_path, data_dir):
    """An unwritable target: exit 1 with one sentence on stderr, no traceback."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui",
            "--data-dir",
            str(data_dir),
            "--screenshot",
            str(tmp_path / "missing-folder" / "x.png"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 1
    assert "Could not write the screenshot" in result.stderr and "Traceback" not in result.stderr
