"""Deleting so that a crash at any point leaves no audio behind, and clearing on the next start
what a killed process left in recordings/.

A delete or wipe commits, in its one transaction, a row of pending_deletions for every audio
file it lets go of (and for the rewrite that removes the words' traces). Only then are the
files removed and the rewrite done, and the rows go last. Killed anywhere in between, the rows
are still there, and the next start finishes the job: finish_pending().

sweep_recordings() removes files in recordings/ that nothing refers to and nothing is writing:
the temporary copy of an import killed half-way, or a finished copy whose recording row was
never committed. It never touches
- a file some process holds an flock on (a copy whose row is being stored: app.history.files
  keeps it locked until then; a recording in progress: app.audio.wavfile locks it);
- an unfinished NAME.partial.wav (app.audio.recovery repairs it and lists it as recovered);
- a finished recording the recorder made (recording-YYYYmmdd-HHMMSS.wav) whose row is missing:
  that is a meeting, never garbage; it stays for the user.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import re
from pathlib import Path

from app.audio.wavfile import PARTIAL_SUFFIX
from app.history import files, search_index

log = logging.getLogger(__name__)

RECORDER_FILE = re.compile(r"^recording-\d{8}-\d{6}(-\d+)?\.wav$")


def note_deletions(db, audio_files: list[str | None], rewrite: str) -> None:
    """Inside the delete's transaction: what must still happen once it has committed."""
    rows = [(audio, rewrite) for audio in audio_files if audio] or [(None, rewrite)]
    db.conn.executemany("INSERT INTO pending_deletions (audio_file, rewrite) VALUES (?, ?)", rows)


def finish_pending(db, data_root: Path) -> int:
    """Removes the audio of committed deletions, rewrites what holds traces of their words, and
    only then forgets the rows. Safe to run again at any point; returns how many rows it did."""
    rows = db.execute("SELECT id, audio_file, rewrite FROM pending_deletions ORDER BY id").fetchall()
    if not rows:
        return 0
    for _, audio, _ in rows:
        still_used = audio is not None and db.execute(
            "SELECT 1 FROM recordings WHERE audio_file = ? LIMIT 1", [audio]).fetchone()
        if audio is not None and not still_used:
            files.remove_audio(data_root, audio)
    rewrites = {rewrite for _, _, rewrite in rows}
    if "vacuum" in rewrites:
        db.execute("VACUUM")
    elif "purge" in rewrites:
        search_index.purge_deleted(db)
    with db.atomic():
        db.conn.executemany("DELETE FROM pending_deletions WHERE id = ?", [(row_id,) for row_id, _, _ in rows])
    if rewrites - {"none"}:
        # the old pages leave the write-ahead log too
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    return len(rows)


def sweep_recordings(db, data_root: Path, folder: str = "recordings") -> list[str]:
    """Removes what a killed process left in recordings/ (see the module's docstring); returns
    the names removed."""
    where = Path(data_root) / folder
    if not where.is_dir():
        return []
    referenced = {row[0] for row in db.execute(
        "SELECT audio_file FROM recordings WHERE audio_file IS NOT NULL").fetchall()}
    removed = []
    for path in sorted(where.iterdir()):
        name = path.name
        relative = f"{folder}/{name}"
        if relative in referenced or name.endswith(PARTIAL_SUFFIX) or RECORDER_FILE.match(name):
            continue
        if path.is_file() and not path.is_symlink() and _remove_if_orphan(db, path, relative):
            removed.append(name)
    if removed:
        log.info("removed %d file(s) a stopped process left in %s", len(removed), where)
    return removed


def _remove_if_orphan(db, path: Path, relative: str) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                return False  # a live process is writing it or storing its row
            raise
        # Asked only now, under the lock: a copy whose row was committed a moment ago is seen.
        if db.execute("SELECT 1 FROM recordings WHERE audio_file = ? LIMIT 1", [relative]).fetchone():
            return False
        path.unlink()
        return True
    finally:
        os.close(fd)
