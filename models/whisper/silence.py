"""A cheap energy scan that keeps silence away from the model.

Whisper (with its speech detector) takes about a minute per half hour of audio on two cores
even when there is nothing to hear: a two-hour silent file took almost four minutes to say so.
The loudest 100 ms of a stretch tells in microseconds whether anything at all is audible;
stretches where nothing is never reach the model, and a file that is silent throughout is
answered while it is decoded, before the model is even loaded.

The threshold is far below speech: a quiet voice across a room still peaks above -40 dBFS,
while digital silence, dither, hum and the noise floor of a muted microphone stay below -50.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from models.whisper.audio_io import SAMPLE_RATE, decode_blocks
from models.whisper.windows import frame_energy_db

SILENT_BELOW_DB = -50.0  # the loudest 100 ms of a stretch below this: nothing to transcribe
SCAN_BLOCK_SECONDS = 30.0  # large blocks: the scan of a silent file is bound by decoding alone


def loudest_db(audio: np.ndarray) -> float:
    """The level of the loudest 100 ms of audio, in dBFS (-75 for digital silence)."""
    energy = frame_energy_db(np.asarray(audio, dtype=np.float32).reshape(-1))
    if energy.size == 0:  # shorter than one 10 ms frame
        samples = np.asarray(audio, dtype=np.float64).reshape(-1)
        return float(10.0 * np.log10(max(float(np.mean(samples * samples)) if samples.size else 0.0, 1e-12)))
    return float(energy.max())


def is_silent(audio: np.ndarray) -> bool:
    return loudest_db(audio) < SILENT_BELOW_DB


def first_sound(path: Path, cancel: threading.Event | None = None) -> tuple[float | None, float]:
    """(seconds into the file where something is first audible, or None if nothing ever is;
    seconds scanned). Stops at the first audible block, so a file with sound near its start
    costs next to nothing; raises AudioError as decode_blocks does."""
    scanned = 0
    blocks = decode_blocks(Path(path), block_seconds=SCAN_BLOCK_SECONDS)
    try:
        for block in blocks:
            if not is_silent(block):
                return scanned / SAMPLE_RATE, scanned / SAMPLE_RATE
            scanned += block.size
            if cancel is not None and cancel.is_set():
                break
    finally:
        blocks.close()
    return None, scanned / SAMPLE_RATE
