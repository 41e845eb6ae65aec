"""Where someone speaks in a stretch of audio: the speech detector Whisper already uses
(Silero VAD, shipped inside faster-whisper), for telling voices apart when there is no
transcript to say where the words are."""

from __future__ import annotations

import numpy as np

from models.whisper.audio_io import SAMPLE_RATE


def speech_regions(samples: np.ndarray) -> list[tuple[float, float]]:
    """(start, end) seconds of speech, pauses of 0.3 s or more left out."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(min_silence_duration_ms=300, speech_pad_ms=60, min_speech_duration_ms=200)
    found = get_speech_timestamps(np.asarray(samples, dtype=np.float32), options, sampling_rate=SAMPLE_RATE)
    return [(region["start"] / SAMPLE_RATE, region["end"] / SAMPLE_RATE) for region in found]
