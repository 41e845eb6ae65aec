"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TEST_MODELS_DATA = ROOT / ".cache" / "test-data"


def run_confide(
    *args: str, data_dir: Path | None = None, input: str | None = None, timeout: float = 600, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Runs `python -m app ...` in a subprocess, as a user would from a shell."""
    command = [sys.executable, "-m", "app"]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        command + list(args), cwd=ROOT, input=input, capture_output=True, text=True, timeout=timeout, env=full_env
    )


def write_silence(path: Path, seconds: float = 3.0) -> Path:
    """A 16 kHz mono 16-bit WAV of pure silence."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(np.zeros(int(seconds * 16000), dtype="<i2").tobytes())
    return path


def run_to_end(steps):
    """What a generator returns, after every value it yields (the progress of a task)."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value
