"""The speaker step of a transcription: after the words, who said them.

Speech regions come from the transcript itself (its words' times, or its segments'), so no
second speech detector runs; the audio is read again block by block; every speaker's mean voice
is compared with the voices the user chose to have recognised, and a close one gives its name.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.errors import AppError
from app.speakers.diarize import BLOCK_SECONDS, MeasuredVoices
from app.speakers.labels import label_segments
from app.tasks.events import Progress
from models.types import Segment

# Cosine similarity above which a speaker's mean voice is a remembered voice. One espeak-ng
# voice's clips sit at 0.95-0.97, two voices' at 0.72-0.84 (tests/models/speaker); people are
# told apart more easily than espeak's voices, and a wrong name is worse than none.
RECOGNISED_ABOVE = 0.88


@dataclass(frozen=True)
class SpeakerOptions:
    """count: how many people spoke (None: estimated); known: remembered voices as (name,
    256-number embedding)."""

    encoder_dir: str
    count: int | None = None
    known: tuple[tuple[str, np.ndarray], ...] = field(default=())


@dataclass(frozen=True)
class SpeakersFound:
    segments: tuple[Segment, ...]
    count: int
    recognised: tuple[str, ...]  # names of remembered voices heard
    problem: str | None = None  # why the voices were not told apart (the transcript is kept)

    @property
    def note(self) -> str | None:
        """What to tell the user: the problem, or whose voices were recognised."""
        if self.problem:
            return f"The transcript is kept without speakers: {self.problem}"
        return f"Recognised: {', '.join(self.recognised)}." if self.recognised else None


def speech_regions_of(segments: Sequence[Segment]) -> list[tuple[float, float]]:
    """Where the transcript says someone spoke: each word, or each segment without word times."""
    regions: list[tuple[float, float]] = []
    for segment in segments:
        if segment.words:
            regions += [(word.start, word.end) for word in segment.words if word.end > word.start]
        elif segment.end > segment.start:
            regions.append((segment.start, segment.end))
    return regions


def tell_speakers(
    audio: Path,
    segments: Sequence[Segment],
    options: SpeakerOptions,
    cancel: threading.Event,
    encoder=None,
    measured: MeasuredVoices | None = None,
) -> Generator[Progress, None, SpeakersFound | None]:
    """Progress while the voices are measured; returns the segments with speakers (None when
    cancelled). encoder: a loaded SpeakerEncoder (else loaded from options.encoder_dir);
    measured: the windows a recording measured while it went on (only the speech after them
    is measured here)."""
    from models.speaker.encoder import SpeakerEncoder
    from models.whisper.audio_io import decode_blocks

    if not segments:
        return SpeakersFound((), 0, ())
    yield Progress(None, "Telling the voices apart…")
    try:
        encoder = encoder or SpeakerEncoder(Path(options.encoder_dir))
        voices = measured or MeasuredVoices()
        regions = [r for r in speech_regions_of(segments) if r[0] >= voices.until]
        blocks = decode_blocks(audio, block_seconds=BLOCK_SECONDS)
        try:
            run = voices.measure(blocks, regions, encoder, cancel)
            while True:
                try:
                    done = next(run)
                except StopIteration as finished:
                    completed: bool = finished.value
                    break
                yield Progress(done, "Telling the voices apart…")
        finally:
            blocks.close()
        found = voices.conclude(options.count) if completed else None
    except AppError as error:  # a damaged encoder or audio gone: the words are worth keeping
        return SpeakersFound(tuple(segments), 0, (), problem=str(error))
    if found is None:
        return None
    names = recognise(found.voices, options.known)
    labelled = label_segments(segments, found.turns, names)
    return SpeakersFound(labelled, found.count, tuple(names[k] for k in sorted(names)))


def recognise(voices: dict[int, np.ndarray], known: Sequence[tuple[str, np.ndarray]]) -> dict[int, str]:
    """{speaker: remembered name} for speakers whose voice is close to a remembered one; each
    name goes to one speaker at most (the closest), and the rest keep "Speaker N"."""
    pairs = sorted(
        (
            (float(np.dot(voice, embedding) / max(np.linalg.norm(embedding), 1e-12)), speaker, name)
            for speaker, voice in voices.items()
            for name, embedding in known
        ),
        reverse=True,
    )
    names: dict[int, str] = {}
    for similarity, speaker, name in pairs:
        if similarity < RECOGNISED_ABOVE:
            break
        if speaker not in names and name not in names.values():
            names[speaker] = name
    return names
