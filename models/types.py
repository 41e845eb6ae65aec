"""Plain results shared across layers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ModelKind(StrEnum):
    """What a model does; the value is what catalog.json and each model's manifest hold."""

    LANGUAGE = "llm"
    SPEECH = "speech"
    SPEAKER = "speaker"  # tells voices apart (speaker labels)


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str
    probability: float = 1.0


@dataclass(frozen=True)
class Segment:
    """A stretch of transcript; times in seconds from the start of the recording. speaker: who
    said it, once the speakers are told apart (None until then); the one Segment of every layer."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = field(default=())
    speaker: str | None = None


class SpokenSegments:
    """text and no_speech for a result that holds a transcript's segments."""

    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        """The words of the segments as one line ('' when nothing was said)."""
        return " ".join(segment.text.strip() for segment in self.segments if segment.text.strip())

    @property
    def no_speech(self) -> bool:
        return not self.text
