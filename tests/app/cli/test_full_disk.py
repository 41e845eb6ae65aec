"""A full disk (a small tmpfs, mounted in a private mount namespace and filled up): --save keeps
the finished result on stdout and says the disk is full (app/cli/full_disk.py), and SQLite's
"disk I/O error" on a disk with no room left reads as a full disk (app/history/disk_space.py)."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from support import ROOT, TEST_MODELS_DATA

from app.errors import HistoryError
from app.history import disk_space
from app.history.connection import describe
from app.history.disk_space import is_disk_full

FULL = "is full, so the history could not store"


def run_on_full_disk(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m app ARGS` with its data folder on a 4 MB tmpfs that is full: the history is
    created first, then a filler file takes every byte left. The mount lives and dies with the
    private namespace of this one command."""
    disk = tmp_path / "disk"
    disk.mkdir()
    script = f"""
set -e
mount -t tmpfs -o size=4m tmpfs "{disk}"
mkdir "{disk}/data"
ln -s "{TEST_MODELS_DATA}/models" "{disk}/data/models"
"{sys.executable}" -m app --data-dir "{disk}/data" history list >/dev/null
cat /dev/zero > "{disk}/filler" 2>/dev/null || true
exec "{sys.executable}" -m app --data-dir "{disk}/data" "$@"
"""
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", *args], cwd=ROOT, capture_output=True, text=True, timeout=900
    )


def test_transcribe_save_on_a_full_disk_prints_the_transcript(tmp_path, speech_clip):
    """The transcript is printed (it was thrown away) and the last line says the disk is full."""
    clip = speech_clip("We decided to move the product launch to March.")
    result = run_on_full_disk(tmp_path, "transcribe", str(clip), "--save")
    assert result.returncode == 1, result.stderr
    # Whisper's int8 kernels differ by CPU: on one CI machine it heard "move the product to March"
    # (no "launch"), so the words asked for are the ones every run has heard.
    assert "decided" in result.stdout.lower() and "march" in result.stdout.lower()
    last = result.stderr.strip().splitlines()[-1]
    assert FULL + " the transcript" in last and "Traceback" not in result.stderr


def test_summarize_save_on_a_full_disk_prints_the_summary(tmp_path):
    """The summary is printed; the disk is called full, not "disk I/O error; check the disk"."""
    transcript = tmp_path / "meeting.txt"
    transcript.write_text("Anna: We move the launch to March.\nBen: I will update the budget by Friday.\n")
    result = run_on_full_disk(tmp_path, "summarize", str(transcript), "--save", "--json")
    assert result.returncode == 1, result.stderr
    assert '"title"' in result.stdout and '"key_points"' in result.stdout
    assert FULL + " the summary" in result.stderr.strip().splitlines()[-1]
    assert "disk I/O error" not in result.stderr


def test_a_disk_io_error_on_a_disk_without_room_is_a_full_disk(tmp_path, monkeypatch):
    """SQLite says "disk I/O error" when the -shm cannot grow; with no room left on that disk
    the sentence says the disk is full, with room it still says to check the disk."""
    db = tmp_path / "history.db"
    error = sqlite3.OperationalError("disk I/O error")
    assert "check the disk" in str(describe(error, db))

    class Empty:
        f_bavail, f_frsize = 0, 4096

    monkeypatch.setattr(disk_space.os, "statvfs", lambda folder: Empty)
    assert str(describe(error, db)) == f"The disk holding {db} is full; free some space and try again."


def test_a_full_disk_is_found_behind_the_sentence_that_reports_it(tmp_path):
    """ENOSPC or SQLITE_FULL anywhere in the chain of causes is a full disk; other errors are not."""

    def wrapped(cause: BaseException) -> HistoryError:
        try:
            raise HistoryError("Cannot copy the file into the data folder.") from cause
        except HistoryError as error:
            return error

    assert is_disk_full(wrapped(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))
    assert is_disk_full(wrapped(sqlite3.OperationalError("database or disk is full")))
    assert not is_disk_full(wrapped(OSError(errno.EACCES, os.strerror(errno.EACCES))))
    assert not is_disk_full(wrapped(sqlite3.OperationalError("disk I/O error")), tmp_path)
