"""What a transcription yields besides models.types.Segment: progress, and the final result."""

from __future__ import annotations

from dataclasses import dataclass

from models.types import Segment, SpokenSegments

NO_SPEECH_MESSAGE = "No speech detected."


@dataclass(frozen=True)
class TranscriptionProgress:
    """seconds_done of duration (None when the length of the input is not known yet)."""

    seconds_done: float
    duration: float | None

    @property
    def fraction(self) -> float | None:
        if not self.duration:
            return None
        return max(0.0, min(1.0, self.seconds_done / self.duration))


@dataclass(frozen=True)
class TranscriptionResult(SpokenSegments):
    """The last event: the language spoken (detected or given), the input's exact length,
    and every segment (also yielded one by one before)."""

    language: str | None
    duration: float
    segments: tuple[Segment, ...]


TranscriptionEvent = TranscriptionProgress | Segment | TranscriptionResult
