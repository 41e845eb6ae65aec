"""Helpers of the history tests (fixtures are in conftest.py)."""

from __future__ import annotations

from app.history import HistoryStore
from models.types import Segment


def add_meeting(
    history: HistoryStore, lines: list[str], *, seconds_per_line: float = 4.0, title=None, created=None
) -> int:
    """A finished recording whose transcript says the given lines, one segment each."""
    recording = history.add_recording(title, created=created)
    segments = [Segment(i * seconds_per_line, (i + 1) * seconds_per_line, line) for i, line in enumerate(lines)]
    history.add_segments(recording, segments)
    history.finish_recording(recording, duration=len(lines) * seconds_per_line)
    return recording
