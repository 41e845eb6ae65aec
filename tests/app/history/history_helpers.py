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


# A meeting whose speakers were told apart: the transcriber's labels, in order of first
# appearance (one voice recognised as Elena), and a last line nobody was matched to.
SPOKEN = (
    Segment(0.0, 4.0, "Welcome to the budget review.", speaker="Speaker 1"),
    Segment(4.0, 9.0, "Thanks, the numbers are in.", speaker="Elena"),
    Segment(9.0, 12.0, "Good, let's start with travel.", speaker="Speaker 1"),
    Segment(12.0, 15.5, "Can I add the lighthouse repairs?", speaker="Speaker 3"),
    Segment(15.5, 16.0, "Sure.", speaker=None),
)
