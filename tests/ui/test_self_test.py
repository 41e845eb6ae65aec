"""`confide --self-test`: both real models, the shipped speech clip, a summary and three drafts,
one line per step with its time; exit 0 only when every check holds."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from support import ROOT


def run_self_test(data_dir) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.run(
        [sys.executable, "-m", "ui", "--data-dir", str(data_dir), "--self-test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def test_the_self_test_passes_with_the_installed_models(data_dir_with_models):
    """Every step ok, each with its time, "self-test passed", exit 0, and no history written."""
    result = run_self_test(data_dir_with_models)
    assert result.returncode == 0, result.stdout + result.stderr
    steps = [line for line in result.stdout.splitlines() if re.search(r"\d+\.\d s   ok$", line)]
    assert len(steps) == 5, result.stdout
    assert result.stdout.rstrip().endswith("self-test passed")
    assert not (data_dir_with_models / "history.db").exists()


def test_the_self_test_fails_readably_without_models(data_dir):
    """Without models: exit 1, each failing step says why in one line, no traceback."""
    result = run_self_test(data_dir)
    assert result.returncode == 1
    assert "FAILED: The model 'whisper-base' is not installed" in result.stdout
    assert "self-test FAILED" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
