"""Bad database files and folders: one clear sentence, and never a new empty database over the
user's data. Permission cases run as the user `nobody`, since root ignores permissions."""

from __future__ import annotations

import hashlib
import os
import pwd
import random
import sqlite3

import pytest
from history_helpers import add_meeting

from app.errors import HistoryError
from app.history import HistoryStore


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_file_that_is_not_a_database(data_dir):
    """A history.db holding something else is reported as damaged and left exactly as it was."""
    path = data_dir / "history.db"
    path.write_bytes(b"these are my notes, not a database\n" * 100)
    before = _digest(path)
    with pytest.raises(HistoryError, match="is damaged") as caught:
        HistoryStore.open(path, data_dir)
    assert "\n" not in str(caught.value)
    assert _digest(path) == before
    assert sorted(p.name for p in data_dir.iterdir()) == ["history.db"]


def test_database_with_damaged_pages(data_dir):
    """A real history whose pages were overwritten fails with the 'damaged' sentence, not an
    sqlite3 traceback, and its file is not replaced."""
    path = data_dir / "history.db"
    with HistoryStore.open(path, data_dir) as store:
        for i in range(20):
            add_meeting(store, [f"line {i} about the weather"] * 20)
    page = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    noise = random.Random(7)
    for offset in range(page, len(data)):
        data[offset] = noise.randrange(256)
    path.write_bytes(bytes(data))
    before = _digest(path)
    with pytest.raises(HistoryError, match="is damaged"):
        store = HistoryStore.open(path, data_dir)
        store.list_items()
        store.search("weather")
    assert _digest(path) == before


def test_missing_data_folder(tmp_path):
    """A data folder that does not exist is not created behind the user's back by the store."""
    with pytest.raises(HistoryError, match="does not exist"):
        HistoryStore.open(tmp_path / "nowhere" / "history.db", tmp_path / "nowhere")
    assert not (tmp_path / "nowhere").exists()


def test_database_path_is_a_folder(data_dir):
    """A folder where the database should be is reported, not removed."""
    (data_dir / "history.db").mkdir()
    with pytest.raises(HistoryError, match="is not a file"):
        HistoryStore.open(data_dir / "history.db", data_dir)


OPEN_AND_REPORT = """
import sys
from pathlib import Path
from app.history import HistoryStore, HistoryError
from app.history.records import NewConversation
from app.records import Turn
folder = Path({folder!r})
try:
    store = HistoryStore.open(folder / "history.db", folder)
    print("OPENED", [item.title for item in store.list_items()])
    store.add_conversation(NewConversation("a: b", (Turn("a", "b"),)))
    print("WROTE")
except HistoryError as error:
    print("HISTORYERROR", error)
"""


def _nobody_owns(path, mode):
    nobody = pwd.getpwnam("nobody")
    os.chown(path, nobody.pw_uid, nobody.pw_gid)
    os.chmod(path, mode)


def test_read_only_folder_without_database(as_nobody):
    """Nothing to open and a folder that cannot be written: one sentence, no file appears."""
    folder = as_nobody.folder / "data"
    folder.mkdir()
    _nobody_owns(folder, 0o500)
    result = as_nobody(OPEN_AND_REPORT.format(folder=str(folder)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("HISTORYERROR Cannot create the history database"), result.stdout
    assert "read-only" in result.stdout and result.stdout.count("\n") == 1
    assert list(folder.iterdir()) == []


def test_read_only_folder_with_database(as_nobody):
    """An existing history in a folder that cannot be written: refused with one sentence, unchanged."""
    folder = as_nobody.folder / "data"
    folder.mkdir()
    with HistoryStore.open(folder / "history.db", folder) as store:
        add_meeting(store, ["kept safe"], title="Precious")
    db = folder / "history.db"
    before = _digest(db)
    _nobody_owns(db, 0o600)
    _nobody_owns(folder, 0o500)
    result = as_nobody(OPEN_AND_REPORT.format(folder=str(folder)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("HISTORYERROR The history database") and "read-only" in result.stdout
    assert _digest(db) == before
    assert sorted(p.name for p in folder.iterdir()) == ["history.db"]


def test_read_only_database_file(as_nobody):
    """A history file without write permission in a writable folder: refused, unchanged."""
    folder = as_nobody.folder / "data"
    folder.mkdir()
    with HistoryStore.open(folder / "history.db", folder) as store:
        add_meeting(store, ["kept safe"], title="Precious")
    db = folder / "history.db"
    before = _digest(db)
    _nobody_owns(folder, 0o700)
    _nobody_owns(db, 0o400)
    result = as_nobody(OPEN_AND_REPORT.format(folder=str(folder)))
    assert result.stdout.startswith("HISTORYERROR The history database") and "read-only" in result.stdout, (
        result.stdout + result.stderr
    )
    assert _digest(db) == before


def test_unreadable_database_file(as_nobody):
    """Someone else's 0600 history in the user's folder: 'cannot be read', and it stays there."""
    folder = as_nobody.folder / "data"
    folder.mkdir()
    with HistoryStore.open(folder / "history.db", folder) as store:
        add_meeting(store, ["kept safe"])
    _nobody_owns(folder, 0o700)  # the file stays root's, 0600
    before = _digest(folder / "history.db")
    result = as_nobody(OPEN_AND_REPORT.format(folder=str(folder)))
    assert result.stdout.startswith("HISTORYERROR") and "cannot be read" in result.stdout, result.stdout
    assert _digest(folder / "history.db") == before


def test_writable_folder_works_as_nobody(as_nobody):
    """The control case: the same code as nobody in its own writable folder opens and writes."""
    folder = as_nobody.folder / "data"
    folder.mkdir()
    _nobody_owns(folder, 0o700)
    result = as_nobody(OPEN_AND_REPORT.format(folder=str(folder)))
    assert result.stdout.splitlines() == ["OPENED []", "WROTE"], result.stdout + result.stderr
