"""The events a long task yields, as plain data (no Qt).

A task runner is a generator: ``run(task, cancel: threading.Event) -> Iterator[Event]``.
It yields any number of Progress events and pieces of its result (a Partial: one of
TranscriptPiece, LevelReading, SummarySoFar, DraftReady, AnswerSoFar), and ends with exactly one Done or
Failed (or simply stops, after noticing the cancel token, without a final event).
The bridge re-emits each event to the GUI thread unchanged, so every field must be
plain data that is safe to hand across threads (numbers, strings, frozen dataclasses).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for the annotations: the assistant imports this module
    from app.assistant.ask_history import HistoryAnswer
    from app.records import Summary
    from models.types import Segment


class TaskState(StrEnum):
    """Where a submitted task is; the last three are final."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Progress:
    """How far the task is. ``fraction`` is 0..1, or None when unknown; ``eta_seconds``
    is the estimated time left, or None when unknown; ``message`` says what is happening."""

    fraction: float | None = None
    message: str = ""
    eta_seconds: float | None = None


@dataclass(frozen=True)
class TranscriptPiece:
    """One finished segment of a transcript, as soon as the recognizer has it."""

    segment: Segment

    @property
    def text(self) -> str:
        return self.segment.text


@dataclass(frozen=True)
class LevelReading:
    """The microphone while recording: ``level`` is the RMS of the latest audio (0..1),
    ``peak`` its peak, ``elapsed`` the seconds recorded so far (pauses excluded), ``paused``
    whether the recording is paused."""

    level: float
    peak: float = 0.0
    elapsed: float = 0.0
    paused: bool = False


@dataclass(frozen=True)
class SummarySoFar:
    """The summary as far as it is written: each one replaces the last (items are added as they
    hold up; the overview and title come last). Done carries the finished one."""

    summary: Summary


@dataclass(frozen=True)
class DraftReady:
    """One reply draft, cleaned and checked; ``index`` is its place among the drafts (from 0)."""

    index: int
    text: str


@dataclass(frozen=True)
class DraftTyping:
    """The first draft as the model writes it, before it is cleaned and checked: shown as it
    grows, then replaced by its DraftReady (or by another draft, if it is refused)."""

    index: int
    text: str


@dataclass(frozen=True)
class AnswerSoFar:
    """An answer about the history as far as it is written and checked: the sentences that
    held up so far, with their citations. Each one replaces the last; Done carries the whole."""

    answer: HistoryAnswer


@dataclass(frozen=True)
class Done:
    """The task finished; ``result`` is its plain-data result (a dataclass)."""

    result: Any = None


@dataclass(frozen=True)
class Failed:
    """The task failed; ``message`` is one sentence meant for the user (str of an
    AppError). A bug is not a Failed: it propagates with its traceback."""

    message: str


# A piece of the result as soon as it exists (isinstance() accepts these unions).
Partial = TranscriptPiece | LevelReading | SummarySoFar | DraftTyping | DraftReady | AnswerSoFar
Event = Progress | Partial | Done | Failed

__all__ = [
    "AnswerSoFar",
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
