"""Recordings cut short by a crash, a kill or a power cut: found and repaired on the next
start, and handed back so the caller lists them as recovered (never silently dropped)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from app.audio.wavfile import PARTIAL_SUFFIX, repair

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecoveredRecording:
    path: Path
    duration: float


def recover_recordings(folder: Path) -> list[RecoveredRecording]:
    """Repairs every unfinished recording in folder that no live recorder holds; oldest first."""
    recovered: list[RecoveredRecording] = []
    if not folder.is_dir():
        return recovered
    for partial in sorted(folder.glob(f"*{PARTIAL_SUFFIX}")):
        try:
            repaired = repair(partial)
        except OSError as exc:
            log.warning("could not repair the unfinished recording %s: %s", partial, exc)
            continue
        if repaired is not None:
            path, seconds = repaired
            recovered.append(RecoveredRecording(path, seconds))
    return recovered
