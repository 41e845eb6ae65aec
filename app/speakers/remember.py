"""A voice the user chose to have recognised: a named speaker's mean voice, measured again
from the recording's own audio when the user asks (no voice is kept before that)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.errors import HistoryError
from app.history.inputs import unnamed_number
from app.speakers.clustering import unit
from app.speakers.task import speech_regions_of
from app.speakers.windows import merge_regions, plan_windows, window_samples
from models.speaker.encoder import EMBEDDING_SIZE

MOST_WINDOWS = 400  # about five minutes of their speech is plenty to know a voice


def voice_of(recording, speaker: str, encoder) -> np.ndarray:
    """The mean voice of `speaker` (the name shown) in a RecordingDetail; HistoryError with one
    sentence when there is nothing to measure."""
    from models.whisper.audio_io import decode_blocks

    if unnamed_number(speaker) is not None:
        raise HistoryError(f'Give "{speaker}" a name before Confide remembers their voice.')
    theirs = [s for s in recording.segments if (s.speaker or "").casefold() == speaker.casefold()]
    if not theirs:
        raise HistoryError(f'Recording {recording.id} has no lines by "{speaker}".')
    if recording.audio_path is None or not Path(recording.audio_path).is_file():
        raise HistoryError(f"The audio of recording {recording.id} is gone, so there is no voice to remember.")
    windows = plan_windows(merge_regions(speech_regions_of(theirs)))
    if not windows:
        raise HistoryError(f'"{speaker}" says too little in recording {recording.id} to remember their voice.')
    windows = [windows[i] for i in np.unique(np.linspace(0, len(windows) - 1, MOST_WINDOWS).astype(int))]
    total = np.zeros(EMBEDDING_SIZE, dtype=np.float64)
    blocks = decode_blocks(Path(recording.audio_path))
    try:
        for _window, samples in window_samples(blocks, windows):
            total += encoder.embed_clip(samples) if samples.size >= 4000 else 0
    finally:
        blocks.close()
    return unit(total).astype(np.float32)
