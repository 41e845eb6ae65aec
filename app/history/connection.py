"""Opening the history database file safely, and turning SQLite's failures into one sentence.

The rule this module keeps: an existing file is never replaced or re-initialised. A new
database is only created where there was no file at all, and it is created 0600 before
SQLite touches it (SQLite gives its -wal and -shm files the same mode).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
from pathlib import Path

import sqlite_utils

from app.errors import HistoryError
from app.history.disk_space import no_room

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 5.0


def open_database(db_path: Path) -> sqlite_utils.Database:
    """Connects to the database file (creating it only when absent). Nothing is written yet:
    the caller checks what the file is before configure() switches it to WAL."""
    db_path = Path(db_path)
    folder = db_path.parent
    if not folder.is_dir():
        raise HistoryError(f"The data folder {folder} does not exist; create it or choose another with --data-dir.")
    if db_path.exists():
        _check_existing_file(db_path)
    else:
        _create_private_file(db_path)
    try:
        conn = sqlite3.connect(
            f"{db_path.resolve().as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise describe(exc, db_path) from exc
    try:
        with translate(db_path):
            return sqlite_utils.Database(conn, execute_plugins=False)
    except BaseException:
        conn.close()
        raise


def configure(db: sqlite_utils.Database, db_path: Path) -> None:
    """WAL, foreign keys, full sync, zeroed deletes, temp in memory; the files made 0600."""
    conn = db.conn
    db.enable_wal()
    if db.journal_mode != "wal":
        raise HistoryError(
            f"The history database {db_path} cannot use write-ahead logging here; put the data folder on a local disk."
        )
    conn.execute("PRAGMA foreign_keys = ON")
    # Committed means on disk: a crash or power cut after a save loses nothing.
    conn.execute("PRAGMA synchronous = FULL")
    # Deleted rows are overwritten with zeros rather than left in free pages.
    conn.execute("PRAGMA secure_delete = ON")
    # Sorts and VACUUM's copy stay in memory: no piece of the history in the system's temp folder.
    conn.execute("PRAGMA temp_store = MEMORY")
    make_private(db_path)


def _check_existing_file(db_path: Path) -> None:
    if not db_path.is_file():
        raise HistoryError(f"{db_path} is not a file; move it away so that Confide can keep its history there.")
    folder = db_path.parent
    if not os.access(db_path, os.R_OK):
        raise HistoryError(
            f"The history database {db_path} cannot be read with your permissions; fix its owner or permissions."
        )
    if not os.access(db_path, os.W_OK) or not os.access(folder, os.W_OK | os.X_OK):
        raise HistoryError(
            f"The history database {db_path} is read-only (the file or its folder {folder} "
            "cannot be written); fix the permissions or choose another data folder with --data-dir."
        )
    with open(db_path, "rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head and head != SQLITE_MAGIC:
        raise damaged(db_path)


def _create_private_file(db_path: Path) -> None:
    try:
        fd = os.open(db_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # someone else made it a moment ago: it is opened as an existing file
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise HistoryError(
                f"Cannot create the history database in {db_path.parent}: the folder is read-only; "
                "fix its permissions or choose another data folder with --data-dir."
            ) from exc
        raise HistoryError(
            f"Cannot create the history database {db_path} ({exc.strerror}); "
            "choose another data folder with --data-dir."
        ) from exc
    os.close(fd)


def make_private(path: Path) -> None:
    """0600 for a file of the user's that we own (the database and its -wal/-shm, audio, backups)."""
    for candidate in (Path(path), Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            info = candidate.stat()
        except FileNotFoundError:
            continue
        if stat.S_IMODE(info.st_mode) != 0o600 and info.st_uid == os.getuid():
            os.chmod(candidate, 0o600)


def damaged(db_path: Path) -> HistoryError:
    return HistoryError(
        f"The history database {db_path} is damaged and cannot be read; move it aside "
        "(or restore a copy made with `confide history backup`) and Confide will start a new one."
    )


def describe(exc: sqlite3.Error, db_path: Path) -> HistoryError:
    """One sentence for what SQLite reported, or the original error again when it is a bug."""
    message = str(exc).lower()
    folder = db_path.parent
    if "not a database" in message or "malformed" in message or "corrupt" in message:
        return damaged(db_path)
    if "readonly" in message or "read-only" in message:
        return HistoryError(
            f"The history database {db_path} is read-only; fix the permissions of it and of "
            f"{folder}, or choose another data folder with --data-dir."
        )
    if "unable to open" in message:
        return HistoryError(
            f"Cannot open the history database {db_path}; check that {folder} exists "
            "and that you may read and write it."
        )
    if "locked" in message or "busy" in message:
        return HistoryError(
            "The history database is busy in another Confide window or command; wait for it to finish and try again."
        )
    if "disk is full" in message or "database or disk is full" in message:
        return HistoryError(f"The disk holding {db_path} is full; free some space and try again.")
    if "disk i/o" in message and no_room(folder):  # space ran out outside a database write
        return HistoryError(f"The disk holding {db_path} is full; free some space and try again.")
    if "disk i/o" in message:
        return HistoryError(f"Reading or writing {db_path} failed (disk I/O error); check the disk and try again.")
    raise exc


@contextlib.contextmanager
def translate(db_path: Path):
    """Inside: SQLite errors a user can act on become HistoryError; others stay bugs."""
    try:
        yield
    except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
        if isinstance(exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)):
            raise
        raise describe(exc, db_path) from exc
