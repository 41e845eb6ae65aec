"""Text the command line reads from a file or stdin: decoded as UTF-8 or refused in one
sentence, and bounded in size.

A pasted conversation longer than the limit keeps its END: the last messages are the ones a
reply answers, so the oldest lines are left out (and the user is told how many), never the
newest. The stream is read in chunks and only the last `limit` bytes are kept, so a paste of any
size costs at most that much memory.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from app.assistant.transcript_input import decode_utf8
from app.errors import AppError

MAX_PASTE_BYTES = 2_000_000  # a conversation: far more than a reply needs, still quick to parse
CHUNK_BYTES = 1 << 16


@dataclass(frozen=True)
class Paste:
    """The text that was kept; total_bytes read in all, and what was left out at the start."""

    text: str
    total_bytes: int
    dropped_bytes: int = 0
    dropped_lines: int = 0

    @property
    def note(self) -> str | None:
        """A sentence for stderr when the start was left out, else None."""
        if not self.dropped_bytes:
            return None
        lines = f"{self.dropped_lines:,} line{'s' if self.dropped_lines != 1 else ''}"
        return (
            f"The conversation is {_size(self.total_bytes)}, more than the {_size(MAX_PASTE_BYTES)} "
            f"Confide reads: its last {_size(self.total_bytes - self.dropped_bytes)} were used and "
            f"the first {lines} ({_size(self.dropped_bytes)}) were left out."
        )


def read_conversation(source: str, stdin: BinaryIO | None = None) -> Paste:
    """A pasted conversation from a file or '-' (stdin), its end kept when it is too long."""
    if source == "-":
        return _keep_the_end(stdin if stdin is not None else sys.stdin.buffer, "Standard input")
    path = Path(source)
    try:
        if not path.is_file():  # raises, not False, when a folder on the way is closed to us
            raise AppError(f"There is no file {path}; check the path, or give - to read the conversation from stdin.")
        with open(path, "rb") as stream:
            return _keep_the_end(stream, str(path))
    except OSError as exc:
        raise AppError(f"Cannot read {path} ({exc.strerror}); check its permissions.") from exc


def _keep_the_end(stream: BinaryIO, name: str, limit: int = MAX_PASTE_BYTES) -> Paste:
    tail = bytearray()
    total = 0
    newlines_read = 0
    while True:
        chunk = stream.read(CHUNK_BYTES)
        if not chunk:
            break
        total += len(chunk)
        newlines_read += chunk.count(b"\n")
        tail += chunk
        if len(tail) > 2 * limit:  # trimmed now and then, not at every chunk
            del tail[: len(tail) - limit]
    if total <= limit:
        return Paste(decode_utf8(bytes(tail), name), total)
    kept = bytes(tail[-limit:])
    # start at a whole line (the first message kept is not cut in half) or, in a paste that is
    # one enormous line, at the first whole character
    newline = kept.find(b"\n")
    if 0 <= newline < len(kept) - 1:
        kept = kept[newline + 1 :]
    else:
        while kept and 0x80 <= kept[0] <= 0xBF:
            kept = kept[1:]
    dropped = total - len(kept)
    dropped_lines = newlines_read - kept.count(b"\n")
    return Paste(decode_utf8(kept, name), total, dropped, dropped_lines)


def _size(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f} MB"
    if count >= 1_000:
        return f"{count / 1_000:.0f} KB"
    return f"{count} bytes"
