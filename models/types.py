"""Plain results shared across layers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str
    probability: float = 1.0


@dataclass(frozen=True)
class Segment:
    """A stretch of transcript; times in seconds from the start of the recording."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = field(default=())


def spoken_text(segments) -> str:
    """The words of a transcript's segments as one line ('' when nothing was said)."""
    return " ".join(segment.text.strip() for segment in segments if segment.text.strip())
