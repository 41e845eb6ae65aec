"""Voices measured while a recording goes on: every stretch of finished speech is embedded from
the growing file as the live transcript gives its words, so that at Stop only the last stretch
is left to measure before the speakers are found."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from app.audio.wavfile import HEADER_BYTES, RATE, SAMPLE_WIDTH
from app.errors import AppError
from app.speakers.diarize import MeasuredVoices
from app.speakers.task import SpeakerOptions, speech_regions_of
from models.types import Segment

if TYPE_CHECKING:
    from models.speaker.encoder import SpeakerEncoder

log = logging.getLogger(__name__)

CATCH_UP_SECONDS = 30.0  # measured once this much new finished speech is there (about 0.1 s of work)
READ_SECONDS = 30.0


def recorded_samples(path: Path, first: int, last: int) -> Iterator[np.ndarray]:
    """Samples first..last of a recording's file, even while it is being written (16-bit mono
    after its 44-byte header, as app.audio.wavfile writes it), a block at a time."""
    step = int(READ_SECONDS * RATE)
    with open(path, "rb") as file:
        file.seek(HEADER_BYTES + SAMPLE_WIDTH * first)
        for start in range(first, last, step):
            data = file.read(SAMPLE_WIDTH * min(step, last - start))
            if not data:
                return
            yield np.frombuffer(data[: len(data) - len(data) % 2], dtype="<i2").astype(np.float32) / 32768.0


class LiveVoices:
    """The speaker step's windows, measured a stretch at a time during a recording. Anything
    that goes wrong here only means the work is done at Stop instead (and said there)."""

    def __init__(self, options: SpeakerOptions):
        self.options = options
        self.measured = MeasuredVoices()
        self.encoder: SpeakerEncoder | None = None
        self.given_up = False

    def catch_up(self, segments: Sequence[Segment], recording: Path | None, cancel: threading.Event) -> None:
        """Measures the finished speech after what is measured, once there is enough of it."""
        if self.given_up or recording is None:
            return
        regions = [r for r in speech_regions_of(segments) if r[0] >= self.measured.until]
        if not regions or regions[-1][1] - max(self.measured.until, regions[0][0]) < CATCH_UP_SECONDS:
            return
        try:
            if self.encoder is None:
                from models.speaker.encoder import SpeakerEncoder

                self.encoder = SpeakerEncoder(Path(self.options.encoder_dir))
            first, last = int(regions[0][0] * RATE), int(np.ceil(regions[-1][1] * RATE))
            steps = self.measured.measure(
                recorded_samples(recording, first, last), regions, self.encoder, cancel, first_sample=first
            )
            for _ in steps:
                pass
        except (AppError, OSError) as error:
            log.info("voices not measured during the recording: %s", error)
            self.given_up = True
