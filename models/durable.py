"""Writing a file so that a crash or a power cut leaves the old file or the new one, never half
of it: a temporary name in the same folder, fsync, rename, fsync of the folder.

Confide's one implementation of that: settings, manifests, tokenizer files, exports, backups
and imported audio all go through it (recordings too, for the rename and the folder sync).
It lives in models/, the lowest layer, because model installs write this way as well.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def fsync_path(path: Path) -> None:
    """fsync of a file, or of a folder (which is what makes a rename or a new name durable)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def move_into_place(source: Path, target: Path) -> None:
    """Renames a finished (already synced) file or folder onto target, and syncs target's
    folder so that the new name survives a power cut."""
    os.replace(source, target)
    fsync_path(Path(target).parent)


@contextlib.contextmanager
def replacing(target: Path, *, mode: int = 0o600) -> Iterator[Path]:
    """A temporary file beside target to write; if the block succeeds it is synced and renamed
    onto target, otherwise removed. mode: the finished file's permissions (private unless said)."""
    target = Path(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temp = Path(name)
    try:
        os.fchmod(fd, mode)
        os.close(fd)
        yield temp
        fsync_path(temp)
        move_into_place(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def write_atomically(target: Path, data: str | bytes, *, mode: int = 0o600) -> None:
    """target holds data, or (after a crash at any point) what it held before. str is UTF-8."""
    with replacing(target, mode=mode) as temp:
        temp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
