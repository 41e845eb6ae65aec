"""Telling a full disk from other write failures.

SQLite reports a full disk as SQLITE_FULL only when a write to the database or its WAL comes
up short; when the space runs out while it grows its shared-memory index (-shm) or syncs a
file, it says "disk I/O error". A failed write where the disk has no room left is a full disk
whatever the code, and the user should hear that, not "check the disk".
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

SQLITE_FULL = 13
FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
ROOM_NEEDED_BYTES = 1 << 20  # below a megabyte free the history cannot grow its files


def no_room(folder: Path) -> bool:
    """True when the file system holding folder has (almost) no space left for this user."""
    try:
        info = os.statvfs(folder)
    except OSError:
        return False
    return info.f_bavail * info.f_frsize < ROOM_NEEDED_BYTES


def is_disk_full(error: BaseException, folder: Path | None = None) -> bool:
    """Whether error (or what caused it) is a write that failed for want of space: ENOSPC or
    EDQUOT, SQLITE_FULL, or a disk I/O error on a disk with no room left."""
    seen = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, OSError) and cause.errno in FULL_ERRNOS:
            return True
        if isinstance(cause, sqlite3.Error):
            code = getattr(cause, "sqlite_errorcode", None)
            if (code is not None and code & 0xFF == SQLITE_FULL) or "disk is full" in str(cause):
                return True
            if "disk i/o error" in str(cause).lower() and folder is not None and no_room(folder):
                return True
        cause = cause.__cause__ or cause.__context__
    return False
