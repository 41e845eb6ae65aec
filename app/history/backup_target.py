"""Where a backup of the history may be written: a new or regular file that is not the live
database or one of SQLite's files beside it.

A backup is written beside its target and renamed onto it, so the target must be checked
first: renamed onto `history.db-wal` it would be deleted when the database closes (a backup
that says "done" and leaves nothing), and renamed onto a device node such as /dev/full it
would replace the device itself (as root, for every program on the machine).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from app.errors import HistoryError

SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")  # what SQLite keeps beside a database file
KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
)


def check_backup_target(target: Path, live_db: Path) -> Path:
    """The absolute target, or a HistoryError that says why a backup may not be written there."""
    target = Path(target).expanduser().absolute()
    real = Path(os.path.realpath(target))  # a symbolic link is judged by what it points at
    live = Path(os.path.realpath(live_db))
    for suffix in SQLITE_COMPANIONS:
        own = Path(f"{live}{suffix}")
        if real == own or (real.exists() and own.exists() and os.path.samefile(real, own)):
            what = "the history database itself" if not suffix else f"the history database's own {suffix} file"
            raise HistoryError(f"The backup cannot overwrite {what} ({target}); give another file name.")
    try:
        info = os.stat(real)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise HistoryError(f"Cannot use {target} for the backup ({exc.strerror}); give another file name.") from exc
    if stat.S_ISDIR(info.st_mode):
        raise HistoryError(f"{target} is a folder; give a file name for the backup.")
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in KINDS if test(info.st_mode)), "not a regular file")
        raise HistoryError(f"{target} is {kind}, not a file; give the name of a new or ordinary file for the backup.")
    return target
