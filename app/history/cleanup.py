"""Deleting so that a crash at any point leaves no audio behind, and clearing on the next start
what a killed process left in recordings/.

A delete or wipe commits, in its one transaction, a row of pending_deletions for every audio
file it lets go of (and for the rewrite that removes the words' traces). Only then are the
files removed and the rewrite done, and the rows go last. Killed anywhere in between, the rows
are still there, and the next start finishes the job: finish_pending().

sweep_recordings() removes files in recordings/ that nothing refers to and nothing is writing:
the temporary copy of an import killed half-way, or a finished copy whose recording row was
never committed. A finished recording the recorder made (recording-YYYYmmdd-HHMMSS.wav) with
no row is a meeting whose save a crash cut short (after Stop, during its transcription): it is
never removed but listed as recovered, like a repaired .partial.wav. It never touches
- a file some process holds an flock on (a copy whose row is being stored: app.history.files
  keeps it locked until then; a recording in progress or finished and not yet stored:
  app.audio.wavfile keeps it locked);
- an unfinished NAME.partial.wav (app.audio.recovery repairs it and lists it as recovered).
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from app.audio.wavfile import HEADER_BYTES, PARTIAL_SUFFIX, RATE, SAMPLE_WIDTH
from app.history import files, search_index, writing

log = logging.getLogger(__name__)

RECORDER_FILE = re.compile(r"^recording-\d{8}-\d{6}(-\d+)?\.wav$")


@dataclass
class Swept:
    removed: list[str] = field(default_factory=list)  # names of leftover copies removed
    recovered: list[int] = field(default_factory=list)  # ids of recordings listed as recovered


def note_deletions(db, audio_files: list[str | None], rewrite: str) -> None:
    """Inside the delete's transaction: what must still happen once it has committed."""
    rows: list[tuple[str | None, str]] = [(audio, rewrite) for audio in audio_files if audio] or [(None, rewrite)]
    db.conn.executemany("INSERT INTO pending_deletions (audio_file, rewrite) VALUES (?, ?)", rows)


def finish_pending(db, data_root: Path) -> int:
    """Removes the audio of committed deletions, rewrites what holds traces of their words, and
    only then forgets the rows. Safe to run again at any point; returns how many rows it did."""
    rows = db.execute("SELECT id, audio_file, rewrite FROM pending_deletions ORDER BY id").fetchall()
    if not rows:
        return 0
    for _, audio, _ in rows:
        still_used = (
            audio is not None
            and db.execute("SELECT 1 FROM recordings WHERE audio_file = ? LIMIT 1", [audio]).fetchone()
        )
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


def sweep_recordings(db, data_root: Path, folder: str = "recordings") -> Swept:
    """Clears what a killed process left in recordings/ (see the module's docstring)."""
    swept = Swept()
    where = Path(data_root) / folder
    if not where.is_dir():
        return swept
    referenced = {
        row[0] for row in db.execute("SELECT audio_file FROM recordings WHERE audio_file IS NOT NULL").fetchall()
    }
    for path in sorted(where.iterdir()):
        name = path.name
        relative = f"{folder}/{name}"
        if relative in referenced or name.endswith(PARTIAL_SUFFIX) or not path.is_file() or path.is_symlink():
            continue
        if RECORDER_FILE.match(name):
            item_id = _unless_alive(db, path, relative, _list_as_recovered)
            if item_id is not None:
                swept.recovered.append(item_id)
        elif _unless_alive(db, path, relative, lambda _db, p, _r: p.unlink() or True):
            swept.removed.append(name)
    if swept.removed:
        log.info("removed %d file(s) a stopped process left in %s", len(swept.removed), where)
    if swept.recovered:
        log.info("listed %d finished recording(s) missing from the history as recovered", len(swept.recovered))
    return swept


def _unless_alive(db, path: Path, relative: str, action):
    """action(db, path, relative) under an exclusive flock of the file, when no process holds
    one and no recording refers to it yet; else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                return None  # a live process is writing it or storing its row
            raise
        # Asked only now, under the lock: a row committed a moment ago is seen.
        if db.execute("SELECT 1 FROM recordings WHERE audio_file = ? LIMIT 1", [relative]).fetchone():
            return None
        return action(db, path, relative)
    finally:
        os.close(fd)


def _list_as_recovered(db, path: Path, relative: str) -> int:
    info = path.stat()
    seconds = max(0, info.st_size - HEADER_BYTES) / (RATE * SAMPLE_WIDTH)
    made = datetime.fromtimestamp(info.st_mtime, UTC)
    with db.atomic():
        item_id = writing.insert_recording(db, None, relative, made, seconds, None, "recovered")
        writing.refresh_preview(db, item_id)
    return item_id
