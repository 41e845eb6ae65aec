"""The events a long task yields, as plain data (no Qt).

A task runner is a generator: ``run(task, cancel: threading.Event) -> Iterator[Event]``.
It yields any number of Progress and Partial events, and ends with exactly one Done or
Failed (or simply stops, after noticing the cancel token, without a final event).
The bridge re-emits each event to the GUI thread unchanged, so every field must be
plain data that is safe to hand across threads (numbers, strings, frozen dataclasses).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union


@dataclass(frozen=True)
class Progress:
    """How far the task is. ``fraction`` is 0..1, or None when unknown; ``eta_seconds``
    is the estimated time left, or None when unknown; ``message`` says what is happening."""

    fraction: float | None = None
    message: str = ""
    eta_seconds: float | None = None


@dataclass(frozen=True)
class Partial:
    """A piece of the result as soon as it exists: streamed ``text`` (a token or a few),
    or a finished ``segment`` (for example a models.types.Segment). ``kind`` tells the
    receiver which part of the result it belongs to (e.g. "transcript", "overview",
    "draft:1"); ``level`` carries an input level 0..1 for recorders."""

    text: str = ""
    segment: Any = None
    kind: str = ""
    level: float | None = None


@dataclass(frozen=True)
class Done:
    """The task finished; ``result`` is its plain-data result (a dataclass)."""

    result: Any = None


@dataclass(frozen=True)
class Failed:
    """The task failed; ``message`` is one sentence meant for the user (str of an
    AppError). A bug is not a Failed: it propagates with its traceback."""

    message: str


Event = Union[Progress, Partial, Done, Failed]

__all__ = ["Done", "Event", "Failed", "Partial", "Progress"]
