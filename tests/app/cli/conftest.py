"""Fixtures of the command-line tests."""

from __future__ import annotations

import pytest

from app.history import HistoryStore
from app.history.records import NewRecording
from models.types import Segment


@pytest.fixture
def with_speakers(data_dir) -> dict:
    """A data folder whose history holds a recording with speakers told apart (Speaker 1,
    Elena, Speaker 3) and one without."""
    segments = (
        Segment(0.0, 4.0, "Welcome to the budget review.", speaker="Speaker 1"),
        Segment(4.0, 9.0, "Thanks, the numbers are in.", speaker="Elena"),
        Segment(9.0, 12.0, "Good, travel first.", speaker="Speaker 1"),
        Segment(12.0, 75.5, "Can I add the lighthouse repairs?", speaker="Speaker 3"),
    )
    with HistoryStore.open(data_dir / "history.db", data_dir) as store:
        recording = store.save_recording(NewRecording("Budget review", segments=segments, duration=75.5))
        plain = store.save_recording(NewRecording("Plain", segments=(Segment(0.0, 1.0, "Hello."),)))
    return {"recording": recording, "plain": plain, "dir": data_dir}
