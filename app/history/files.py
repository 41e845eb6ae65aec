"""Files the history owns or writes: audio inside the data folder, exports, backups.

Every file the user keeps is written under a temporary name in the same folder, fsynced, made
0600 and renamed into place, so a crash leaves either the old file or the new one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from app.errors import HistoryError
from app.history.backup_target import check_backup_target
from app.history.connection import make_private
from models.durable import fsync_path, move_into_place


def relative_audio(data_root: Path, audio: str | os.PathLike | None) -> str | None:
    """The audio file as a path relative to the data folder (it must live inside it)."""
    if audio is None:
        return None
    path = Path(audio)
    root = Path(data_root).resolve()
    absolute = (root / path if not path.is_absolute() else path).resolve()
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        raise HistoryError(
            f"The audio file {path} is outside the data folder {root}; copy it in with import_audio() first."
        ) from None


def absolute_audio(data_root: Path, relative: str | None) -> Path | None:
    return None if relative is None else Path(data_root) / relative


def make_audio_private(data_root: Path, relative: str | None) -> None:
    path = absolute_audio(data_root, relative)
    if path is not None and path.is_file() and path.stat().st_uid == os.getuid():
        os.chmod(path, 0o600)


def remove_audio(data_root: Path, relative: str | None) -> None:
    """Deletes an audio file, but only ever one inside the data folder."""
    path = absolute_audio(data_root, relative)
    if path is None:
        return
    root = Path(data_root).resolve()
    try:
        path.resolve().relative_to(root)
    except ValueError:
        return
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise HistoryError(
            f"Cannot delete the audio file {path} ({exc.strerror}); fix its permissions and delete it by hand."
        ) from exc


def import_audio(
    data_root: Path, source: Path, folder: str = "recordings", *, hold_lock_in: contextlib.ExitStack | None = None
) -> str:
    """Copies an outside audio file into the data folder (0600); returns its relative path.
    hold_lock_in: the copy stays locked until that stack closes (the caller stores the row
    that refers to it meanwhile), so that another process's start-up sweep never takes it for
    what a crash left behind."""
    source = Path(source)
    target_dir = Path(data_root) / folder
    target_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = target_dir / source.name
    counter = 1
    while target.exists():
        target = target_dir / f"{source.stem}-{counter}{source.suffix}"
        counter += 1
    try:
        with (
            private_temp(target, hold_lock_in=hold_lock_in) as temp,
            open(source, "rb") as src,
            open(temp, "wb") as out,
        ):
            shutil.copyfileobj(src, out, 1 << 20)
    except OSError as exc:
        raise HistoryError(
            f"Cannot copy {source} into the data folder ({exc.strerror}); check the file and the free space."
        ) from exc
    return target.relative_to(data_root).as_posix()


@contextlib.contextmanager
def private_temp(target: Path, *, hold_lock_in: contextlib.ExitStack | None = None) -> Iterator[Path]:
    """A 0600 temporary file beside target, fsynced and renamed onto target if the block succeeds.
    It is flocked while it is written (and, with hold_lock_in, as target until that stack
    closes): a locked file is alive, and app.history.cleanup leaves it alone."""
    target = Path(target)
    folder = target.parent
    if not folder.is_dir():
        raise HistoryError(f"The folder {folder} does not exist; create it or choose another place.")
    while True:
        try:
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise HistoryError(f"Cannot write in {folder} ({exc.strerror}); choose another place.") from exc
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink:
            break
        os.close(fd)  # a sweep took it for a crash's leftover before it was locked: another name
    if hold_lock_in is not None:
        hold_lock_in.callback(os.close, fd)
    temp = Path(name)
    try:
        yield temp
        fsync_path(temp)
        move_into_place(temp, target)
    finally:
        if temp.exists():
            temp.unlink()
        if hold_lock_in is None:
            os.close(fd)


def write_private_text(target: Path, text: str) -> Path:
    """An export the user asked for, written where they said (write-then-rename, 0600)."""
    target = Path(target).expanduser()
    with private_temp(target) as temp:
        temp.write_bytes(text.encode("utf-8"))
    return target


def backup_database(conn: sqlite3.Connection, live_db: Path, target: Path) -> Path:
    """A consistent single-file copy through SQLite's backup API, checked before it is renamed."""
    target = check_backup_target(target, live_db)
    with private_temp(target) as temp:
        copy = sqlite3.connect(temp)
        try:
            conn.backup(copy)
            # A backup is one self-contained file: no -wal beside it.
            copy.execute("PRAGMA journal_mode = DELETE").fetchone()
            verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.OperationalError as exc:
            raise HistoryError(
                f"Writing the backup {target} failed ({exc}); check the free space and permissions there."
            ) from exc
        finally:
            copy.close()
        if verdict != "ok":
            raise HistoryError(f"The backup failed its check ({verdict}); the history database may be damaged.")
    make_private(target)
    return target
