"""Fixtures of the history tests: a real history file in the test's private data folder."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest
from history_helpers import SPOKEN
from support import ROOT

from app.history import HistoryStore
from app.history.records import NewRecording


@pytest.fixture
def store(data_dir):
    """An open, empty history in the test's data folder; closed afterwards."""
    history = HistoryStore.open(data_dir / "history.db", data_dir)
    yield history
    history.close()


@pytest.fixture
def spoken(store) -> int:
    """The id of a recording in the store whose transcript is SPOKEN (history_helpers): three
    speakers, Speaker 1, Elena and Speaker 3, and one line without a speaker."""
    return store.save_recording(NewRecording("Budget review", segments=SPOKEN, duration=16.0))


@pytest.fixture
def as_nobody():
    """run(code, cwd) -> CompletedProcess: Python code run as the unprivileged user `nobody`
    (root ignores file permissions), with this checkout and its packages importable, plus a
    folder under /tmp that belongs to nobody (removed afterwards)."""
    runuser = shutil.which("runuser") or shutil.which("runuser", path="/usr/sbin:/sbin")
    if runuser is None:
        pytest.fail("runuser is needed to test permissions as an unprivileged user", pytrace=False)
    purelib = sysconfig.get_paths()["purelib"]
    python = sys.executable
    probe = subprocess.run([runuser, "-u", "nobody", "--", python, "-c", "pass"], capture_output=True, cwd="/tmp")
    if probe.returncode != 0:
        # The venv's interpreter may sit under a private home; the system one of the same version
        # runs this pure-Python code with the venv's packages on its path.
        python = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"
        if not os.access(python, os.X_OK):
            pytest.fail(f"no Python that the user nobody may run (tried {sys.executable} and {python})", pytrace=False)
    folder = Path(tempfile.mkdtemp(prefix="confide-nobody-", dir="/tmp"))
    nobody = pwd.getpwnam("nobody")
    os.chown(folder, nobody.pw_uid, nobody.pw_gid)

    def run(code: str) -> subprocess.CompletedProcess:
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{ROOT}:{purelib}", "HOME": str(folder)}
        return subprocess.run(
            [runuser, "-u", "nobody", "--", python, "-c", code],
            capture_output=True,
            text=True,
            cwd=folder,
            env=env,
            timeout=120,
        )

    run.folder = folder
    yield run
    shutil.rmtree(folder, ignore_errors=True)
