"""A recording's file, written so that a crash loses at most the last fraction of a second.

While recording, the audio goes into NAME.partial.wav: a 16-bit mono WAV header whose sizes
are still zero, then raw samples appended with os.write as they arrive (so they are in the
operating system's hands at once; a killed process loses nothing that was written) and
fsync'ed every couple of seconds (for a power cut). The file is locked (flock) while its
recorder lives. Finishing patches the header's sizes, fsyncs, and renames the file to
NAME.wav, still locked until the history has stored it (stored_in_history). A NAME.partial.wav
found later, unlocked, is a recording cut short: repair() does the same patching from the file's
size.
"""

from __future__ import annotations

import errno
import fcntl
import os
import struct
import threading
import time
from pathlib import Path

from models.durable import fsync_path

RATE = 16000
SAMPLE_WIDTH = 2
CHANNELS = 1
HEADER_BYTES = 44
PARTIAL_SUFFIX = ".partial.wav"
FILE_MODE = 0o600

# Finished recordings this process has not stored in the history yet, each still flocked through
# its own descriptor. The start-up clean-up of another process (app.history.cleanup) lists a
# finished recording that has no history row as recovered (a crash between Stop and the save
# left it so); a locked one is alive and is left to this process. The history calls
# stored_in_history() once the row that refers to it has committed.
_awaiting_history: dict[str, int] = {}
_awaiting_lock = threading.Lock()


def _await_history(path: Path, fd: int) -> None:
    key = os.path.realpath(path)
    with _awaiting_lock:
        previous = _awaiting_history.pop(key, None)
        _awaiting_history[key] = fd
    if previous is not None:
        os.close(previous)


def stored_in_history(path: str | os.PathLike) -> None:
    """The history now refers to this recording: its lock can go (a no-op for other files)."""
    with _awaiting_lock:
        fd = _awaiting_history.pop(os.path.realpath(path), None)
    if fd is not None:
        os.close(fd)


def wav_header(data_bytes: int, rate: int = RATE) -> bytes:
    block_align = CHANNELS * SAMPLE_WIDTH
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVE"
        + b"fmt "
        + struct.pack("<IHHIIHH", 16, 1, CHANNELS, rate, rate * block_align, block_align, 8 * SAMPLE_WIDTH)
        + b"data"
        + struct.pack("<I", data_bytes)
    )


def final_path_of(partial: Path) -> Path:
    return partial.with_name(partial.name[: -len(PARTIAL_SUFFIX)] + ".wav")


def new_recording_stem(folder: Path) -> str:
    """recording-YYYYmmdd-HHMMSS, with -2, -3... when that name is taken."""
    base = time.strftime("recording-%Y%m%d-%H%M%S")
    stem, number = base, 1
    while (folder / f"{stem}.wav").exists() or (folder / f"{stem}{PARTIAL_SUFFIX}").exists():
        number += 1
        stem = f"{base}-{number}"
    return stem


class CrashSafeWav:
    """Append 16 kHz int16 samples; finish() makes the final NAME.wav."""

    def __init__(self, partial: Path, fd: int):
        self.partial_path = partial
        self.final_path = final_path_of(partial)
        self._fd: int | None = fd
        self.data_bytes = 0

    @classmethod
    def create(cls, folder: Path) -> CrashSafeWav:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        while True:
            partial = folder / f"{new_recording_stem(folder)}{PARTIAL_SUFFIX}"
            try:
                fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
                break
            except FileExistsError:
                continue  # another recorder took the name in between
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.fchmod(fd, FILE_MODE)  # whatever the umask
        _write_all(fd, wav_header(0))
        fsync_path(folder)  # the new name itself survives a power cut
        return cls(partial, fd)

    @property
    def seconds(self) -> float:
        return self.data_bytes / (RATE * SAMPLE_WIDTH)

    def append(self, pcm: bytes) -> None:
        """Raises OSError (ENOSPC, EFBIG...) when the disk or a size limit is reached;
        data_bytes counts what did reach the file."""
        fd = self._open_fd()
        view = memoryview(pcm)
        done = 0
        try:
            while done < len(view):
                done += os.write(fd, view[done:])
        finally:
            self.data_bytes += done

    def _open_fd(self) -> int:
        if self._fd is None:
            raise ValueError(f"{self.partial_path.name} is already finished or closed")
        return self._fd

    def sync(self) -> None:
        if self._fd is not None:
            os.fsync(self._fd)

    def finish(self) -> Path:
        """Header sizes written, synced, renamed to NAME.wav; returns that path."""
        fd = self._open_fd()
        self._fd = None
        try:
            _seal(fd, self.data_bytes)
            os.replace(self.partial_path, self.final_path)
        except BaseException:
            os.close(fd)
            raise
        _await_history(self.final_path, fd)  # still locked until stored: see _awaiting_history
        fsync_path(self.final_path.parent)
        return self.final_path

    def close_unfinished(self) -> None:
        """Leaves the file as a crash would (for repair on the next start)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def repair(partial: Path) -> tuple[Path, float] | None:
    """Turns a recording cut short into a valid NAME.wav; returns (path, seconds), or None
    when the file is still being recorded (locked) or is not one of Confide's recordings."""
    try:
        fd = os.open(partial, os.O_RDWR)
    except FileNotFoundError:
        return None
    repaired = False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                return None  # its recorder is alive
            raise
        head = os.pread(fd, 12, 0)
        size = os.fstat(fd).st_size
        if size < HEADER_BYTES:
            if size and not b"RIFF".startswith(head[:4]):
                return None
            data = 0
            os.ftruncate(fd, 0)
            _write_all(fd, wav_header(0))
        elif head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        else:
            data = size - HEADER_BYTES
            data -= data % SAMPLE_WIDTH
        _seal(fd, data)
        final = final_path_of(partial)
        os.replace(partial, final)
        repaired = True
    finally:
        if not repaired:
            os.close(fd)
    _await_history(final, fd)  # still locked until stored: see _awaiting_history
    os.chmod(final, FILE_MODE)
    fsync_path(final.parent)
    return final, data / (RATE * SAMPLE_WIDTH)


def _seal(fd: int, data_bytes: int) -> None:
    os.ftruncate(fd, HEADER_BYTES + data_bytes)  # drops half a sample left by a failed write
    os.pwrite(fd, wav_header(data_bytes), 0)
    os.fsync(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    done = 0
    while done < len(view):
        done += os.write(fd, view[done:])
