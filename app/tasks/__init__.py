"""Long-running tasks as plain generators of events (see app.tasks.events)."""

from app.tasks.events import (
    Done,
    DraftReady,
    Event,
    Failed,
    LevelReading,
    Partial,
    Progress,
    SummarySoFar,
    TaskState,
    TranscriptPiece,
)

__all__ = [
    "Done",
    "DraftReady",
    "Event",
    "Failed",
    "LevelReading",
    "Partial",
    "Progress",
    "SummarySoFar",
    "TaskState",
    "TranscriptPiece",
]
