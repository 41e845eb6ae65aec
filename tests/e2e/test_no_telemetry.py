"""No library phones home: ONNX Runtime's telemetry (a per-process event queued on disk and
uploaded to Microsoft) stays off in every process that runs a model."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from support import ROOT

TELEMETRY_STORE = (".cache", "Microsoft")


def run_in_fresh_home(home, data_dir, *args: str, trace=None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "app", "--data-dir", str(data_dir), *args]
    if trace is not None:
        command = ["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(trace), *command]
    return subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
        env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
    )


def test_the_language_model_leaves_no_telemetry_and_connects_nowhere(tmp_path, data_dir_with_models):
    """`confide generate` writes no telemetry store into HOME, and strace sees no connect()
    other than to local (AF_UNIX) sockets."""
    if shutil.which("strace") is None:
        pytest.fail("strace is missing; `make test` installs it", pytrace=False)
    home, trace = tmp_path / "home", tmp_path / "connect.trace"
    home.mkdir()
    result = run_in_fresh_home(home, data_dir_with_models, "generate", "Say hi.", "--max-new-tokens", "4", trace=trace)
    assert result.returncode == 0, result.stderr
    assert not home.joinpath(*TELEMETRY_STORE).exists()
    connects = [line for line in trace.read_text().splitlines() if "connect(" in line and "AF_UNIX" not in line]
    assert connects == []


def test_the_speech_model_leaves_no_telemetry(tmp_path, data_dir_with_models):
    """faster-whisper's speech detector runs on ONNX Runtime too."""
    home = tmp_path / "home"
    home.mkdir()
    result = run_in_fresh_home(
        home, data_dir_with_models, "transcribe", str(ROOT / "resources" / "speech" / "clip.opus")
    )
    assert result.returncode == 0, result.stderr
    assert "installer" in result.stdout
    assert not home.joinpath(*TELEMETRY_STORE).exists()
