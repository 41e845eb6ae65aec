"""What telling speakers apart needs from the data folder: the encoder, found before any audio
is read, and the voices the user chose to have recognised."""

from __future__ import annotations

from app.engines import speaker_encoder_entry
from app.paths import DataDir
from app.speakers.task import SpeakerOptions


def speaker_options(data_dir: DataDir, count: int | None = None, store=None, remembered: bool = True) -> SpeakerOptions:
    """count: how many people spoke (None: estimated); store: the history already open (the
    window's: no second connection on its thread), else it is opened here if it exists;
    remembered: False to recognise no remembered voice (the self-test reads no history). Raises
    ModelError (one sentence) when the speaker encoder is not installed."""
    encoder = speaker_encoder_entry(data_dir)
    known: tuple = ()
    if remembered and store is not None:
        known = tuple((voice.name, voice.embedding) for voice in store.voices())
    elif remembered and data_dir.database.exists():  # transcribing alone makes no history
        from app.history import HistoryStore

        with HistoryStore.for_data_dir(data_dir) as store:
            known = tuple((voice.name, voice.embedding) for voice in store.voices())
    return SpeakerOptions(str(encoder.path), count=count, known=known)
