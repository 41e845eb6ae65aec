"""Probing and decoding audio and video files with PyAV, and the one-sentence errors for the
files that cannot be read (no model needed)."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from models.errors import AudioError
from models.whisper.audio_io import SAMPLE_RATE, decode_blocks, probe


def decoded(path) -> np.ndarray:
    return np.concatenate(list(decode_blocks(path)))


def test_every_format_decodes_to_the_same_16khz_mono_audio(speech_formats):
    """wav, flac, mp3, m4a, aac, ogg, opus and the audio track of mp4, webm and mkv all come
    out as 16 kHz mono float32 of the clip's length (codec padding aside). probe's length is an
    estimate for progress, so it gets 8%; raw ADTS aac has only the bit rate of its first frames
    to go by, which missed by 8.4% in one fresh-clone run (22.2 s for 20.5 s), so it gets 15%."""
    reference = decoded(speech_formats["wav"])
    for name, path in speech_formats.items():
        samples = decoded(path)
        assert samples.dtype == np.float32 and samples.ndim == 1, name
        assert abs(samples.size - reference.size) < 0.12 * SAMPLE_RATE, name
        assert 0.3 * np.abs(reference).max() < np.abs(samples).max() <= 1.0, name
        info = probe(path)
        seconds = reference.size / SAMPLE_RATE
        share = 0.15 if name == "aac" else 0.08
        assert info.duration is not None and abs(info.duration - seconds) < max(0.3, share * seconds), name


def test_decoding_comes_in_bounded_blocks(speech_formats):
    """A file is handed over in blocks of the size asked for, never as one piece."""
    blocks = list(decode_blocks(speech_formats["flac"], block_seconds=1.0))
    assert len(blocks) >= 8
    assert all(block.size == SAMPLE_RATE for block in blocks[:-1])
    assert 0 < blocks[-1].size <= SAMPLE_RATE


def bad_files(folder):
    """name -> (path, words its message must contain)."""
    empty = folder / "empty.wav"
    empty.write_bytes(b"")
    text = folder / "notes.mp3"
    text.write_text("These are meeting notes, not audio.\n" * 20)
    noise = folder / "random.m4a"
    noise.write_bytes(np.random.default_rng(3).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    zero = folder / "zero.wav"
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(zero), "trim", "0", "0"], check=True)
    silent_video = folder / "picture-only.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "color=c=black:s=64x64:r=5",
            "-t",
            "1",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            str(silent_video),
        ],
        check=True,
    )
    return {
        "missing": (folder / "nothing-here.wav", ["does not exist"]),
        "folder": (folder, ["folder"]),
        "empty": (empty, ["empty"]),
        "text": (text, ["not an audio or video file"]),
        "random bytes": (noise, ["not an audio or video file"]),
        "zero seconds": (zero, ["no audio", "zero seconds"]),
        "no audio track": (silent_video, ["no audio track"]),
    }


@pytest.mark.parametrize(
    "case", ["missing", "folder", "empty", "text", "random bytes", "zero seconds", "no audio track"]
)
def test_a_bad_file_gives_one_clear_sentence(tmp_path, case):
    """Each kind of unreadable input raises AudioError whose message is a single sentence that
    names the file and says what is wrong."""
    path, words = bad_files(tmp_path)[case]
    with pytest.raises(AudioError) as caught:
        probe(path)
        list(decode_blocks(path))
    message = str(caught.value)
    assert path.name in message
    assert any(word in message for word in words), message
    assert message.count(". ") == 0 and message.endswith(".") and "\n" not in message


def test_a_truncated_file_keeps_what_was_decoded(speech_formats, tmp_path):
    """A file cut off in the middle (a download that stopped) still gives its first part."""
    whole = speech_formats["mp3"].read_bytes()
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(whole[: len(whole) // 2])
    samples = decoded(cut)
    full = decoded(speech_formats["mp3"]).size
    assert 0.35 * full < samples.size < 0.65 * full
