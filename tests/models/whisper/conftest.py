"""Short speech clips for the Whisper tests (the model is tests/conftest.py's `whisper`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from models.whisper import SAMPLE_RATE, decode_blocks

FIRST = "Good morning everyone. We decided to move the product launch to March."
SECOND = "The designers will update the budget by Friday, and marketing will write the press release."
# More speech for comparing formats: on two sentences (27 words) one misheard word is 0.037 of
# WER, so "within 0.05 of the WAV's" would allow no second one, and Whisper's temperature
# fallback can trade one word for another from run to run.
MORE = (
    "After lunch the support team will answer the open tickets from last week. "
    "Sarah will call the customer in Berlin on Tuesday morning, and we will review the contract "
    "together next Thursday before the board meeting."
)


@pytest.fixture(scope="session")
def speech_wav(speech_clip) -> tuple[Path, str]:
    """(16 kHz mono WAV, its text): two sentences spoken by espeak-ng, about 9 s."""
    text = f"{FIRST} {SECOND}"
    return speech_clip(text), text


@pytest.fixture(scope="session")
def two_sentences(speech_clip) -> tuple[np.ndarray, int, str]:
    """(samples, index where a 1.2 s silence between the sentences begins, text)."""
    first = np.concatenate(list(decode_blocks(speech_clip(FIRST))))
    second = np.concatenate(list(decode_blocks(speech_clip(SECOND))))
    gap = np.zeros(int(1.2 * SAMPLE_RATE), dtype=np.float32)
    return np.concatenate((first, gap, second)), first.size, f"{FIRST} {SECOND}"


# Each import format, made from the same WAV: (file name, ffmpeg arguments after the input).
FORMAT_RECIPES = {
    "flac": ("clip.flac", ["-c:a", "flac"]),
    "mp3": ("clip.mp3", ["-c:a", "libmp3lame", "-b:a", "64k"]),
    "m4a": ("clip.m4a", ["-c:a", "aac", "-b:a", "64k"]),
    "aac": ("clip.aac", ["-c:a", "aac", "-b:a", "64k"]),
    "ogg": ("clip.ogg", ["-c:a", "libvorbis", "-q:a", "3"]),
    "opus": ("clip.opus", ["-c:a", "libopus", "-b:a", "32k"]),
    "mp4": (
        "clip.mp4",
        ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-shortest"],
    ),
    "webm": ("clip.webm", ["-c:v", "libvpx", "-b:v", "50k", "-c:a", "libopus", "-b:a", "32k", "-shortest"]),
    "mkv": ("clip.mkv", ["-c:v", "mpeg4", "-c:a", "libmp3lame", "-b:a", "64k", "-shortest"]),
}
VIDEO_FORMATS = ("mp4", "webm", "mkv")


@pytest.fixture(scope="session")
def format_wav(speech_clip) -> tuple[Path, str]:
    """(16 kHz mono WAV, its text): five sentences (63 words, about 20 s) for the format checks."""
    text = f"{FIRST} {SECOND} {MORE}"
    return speech_clip(text), text


@pytest.fixture(scope="session")
def speech_formats(format_wav, tmp_path_factory) -> dict[str, Path]:
    """The longer speech clip in every import format (videos get a small black picture track)."""
    wav, _text = format_wav
    folder = tmp_path_factory.mktemp("formats")
    made = {"wav": wav}
    for name, (file_name, codec_args) in FORMAT_RECIPES.items():
        inputs = ["-i", str(wav)]
        if name in VIDEO_FORMATS:
            inputs = ["-f", "lavfi", "-i", "color=c=black:s=64x64:r=5"] + inputs
        # stereo 44.1 kHz, as such files usually are: decoding must bring it back to 16 kHz mono
        audio_shape = ["-ar", "44100", "-ac", "2"] if name not in ("opus", "webm") else ["-ar", "48000", "-ac", "2"]
        subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-y", *inputs, *audio_shape, *codec_args, str(folder / file_name)],
            check=True,
            timeout=120,
        )
        made[name] = folder / file_name
    return made
