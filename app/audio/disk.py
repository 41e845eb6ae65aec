"""Room on the disk for a recording: refuse to start without it, stop before the disk is full."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.errors import AudioError

BYTES_PER_SECOND = 16000 * 2  # 16 kHz, 16-bit mono
MB = 1024 * 1024
REQUIRED_TO_START = 100 * MB + 10 * 60 * BYTES_PER_SECOND  # 100 MB plus ten minutes of audio
STOP_BELOW = 20 * MB  # keep this much for the history database and the rest of the system


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def check_room_to_record(folder: Path) -> None:
    free = free_bytes(folder)
    if free < REQUIRED_TO_START:
        raise AudioError(
            f"Only {free // MB} MB are free on the disk of {folder}, and recording needs at least "
            f"{REQUIRED_TO_START // MB} MB (100 MB plus ten minutes of audio); free some space first."
        )
