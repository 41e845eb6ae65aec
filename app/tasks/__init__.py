"""Long-running tasks as plain generators of events (see app.tasks.events)."""

from app.tasks.events import Done, Event, Failed, Partial, Progress

__all__ = ["Done", "Event", "Failed", "Partial", "Progress"]
