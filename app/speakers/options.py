"""What telling speakers apart needs from the data folder: the encoder, found before any audio
is read, and the voices the user chose to have recognised."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.engines import speaker_encoder_entry
from app.paths import DataDir
from app.speakers.task import SpeakerOptions

if TYPE_CHECKING:
    from app.history import HistoryStore


def speaker_options(
    data_dir: DataDir, count: int | None = None, voices_from: HistoryStore | None = None
) -> SpeakerOptions:
    """count: how many people spoke (None: estimated); voices_from: the open history whose
    remembered voices are recognised (None: none). Raises ModelError (one sentence) when the
    speaker encoder is not installed."""
    encoder = speaker_encoder_entry(data_dir)
    known = () if voices_from is None else tuple((voice.name, voice.embedding) for voice in voices_from.voices())
    return SpeakerOptions(str(encoder.path), count=count, known=known)
