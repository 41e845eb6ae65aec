"""`confide transcribe` on mutated WAV and FLAC headers (Hypothesis): exit 1 with one line and
no traceback (or exit 0 when the mutation left a valid file), under 5 s of CPU and 500 MB each.

The seed files are made here (a half-second tone, encoded by ffmpeg); the crafted headers are
@examples below, so no binary is committed. The data folder has no models: a file that still
decodes ends at "no speech model" or "no speech", which bounds every run to the decoding."""

from __future__ import annotations

import struct
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from measured import run_measured

SECONDS_EACH = 5.0  # of CPU time
RSS_EACH = 500 * 1024 * 1024
WAV_HEADER = 44
FLAC_HEADER = 128  # "fLaC", STREAMINFO and the start of the next metadata block
FUZZ = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _tone_wav(path: Path) -> Path:
    t = np.arange(8000) / 16000
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes((0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2").tobytes())
    return path


class Seeds(dict):
    """The seed files' bytes; shown by name in Hypothesis' reports, not byte by byte."""

    def __repr__(self) -> str:
        return f"Seeds({', '.join(f'{k}: {len(v)} bytes' for k, v in self.items())})"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Seeds:
    folder = tmp_path_factory.mktemp("seeds")
    wav = _tone_wav(folder / "tone.wav")
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), "-c:a", "flac", str(folder / "tone.flac")],
        check=True,
        timeout=60,
    )
    return Seeds(wav=wav.read_bytes(), flac=(folder / "tone.flac").read_bytes())


def mutate(seed: bytes, header: int, changes: list[tuple[int, int]], cut: int | None) -> bytes:
    data = bytearray(seed)
    for offset, value in changes:
        data[offset % header] = value
    return bytes(data[:cut] if cut is not None else data)


def check_transcribe(data: bytes, suffix: str, folder: Path) -> None:
    path = folder / f"fuzzed{suffix}"
    path.write_bytes(data)
    result = run_measured(
        [sys.executable, "-m", "app", "--data-dir", str(folder / "data"), "transcribe", str(path)], timeout=60
    )
    if result.seconds >= 60:
        pytest.fail(f"still running after 60 s: {result.stderr}")
    # CPU time rather than wall time: the bound holds on a machine busy with other work, and the
    # wall-clock timeout still catches a run that hangs without computing.
    code, stderr, seconds, rss = result.returncode, result.stderr, result.cpu_seconds, result.peak_rss_mb * 2**20
    assert "Traceback" not in stderr, stderr
    assert code in (0, 1), (code, stderr)
    if code == 1:
        assert stderr.strip().splitlines()[-1].startswith("confide: "), stderr
        assert len([line for line in stderr.splitlines() if line.startswith("confide: ")]) == 1, stderr
    assert seconds < SECONDS_EACH, (seconds, stderr)
    assert rss < RSS_EACH, (rss, stderr)


BYTE = st.sampled_from([0x00, 0x01, 0x7F, 0x80, 0xFF]) | st.integers(0, 255)
CHANGES = st.lists(st.tuples(st.integers(0, 1023), BYTE), min_size=1, max_size=6)
CUTS = st.none() | st.integers(0, 200)


def _wav_field(offset: int, fmt: str, value: int) -> list[tuple[int, int]]:
    return list(enumerate(struct.pack(fmt, value), start=offset))


@FUZZ
@given(changes=CHANGES, cut=CUTS)
@example(changes=_wav_field(24, "<I", 1), cut=None)  # a sample rate of 1 Hz
@example(changes=_wav_field(22, "<H", 0), cut=None)  # no channels
@example(changes=_wav_field(22, "<H", 65535), cut=None)  # 65,535 channels
@example(changes=_wav_field(34, "<H", 0), cut=None)  # 0 bits per sample
@example(changes=_wav_field(40, "<I", 0xFFFFFFFF), cut=None)  # a data chunk of 4 GB
@example(changes=_wav_field(4, "<I", 0xFFFFFFFF) + _wav_field(24, "<I", 0xFFFFFFFF), cut=None)
@example(changes=[(0, 0)], cut=44)  # the header alone
def test_mutated_wav_headers(seeds, tmp_path, changes, cut):
    """A valid WAV with bytes of its 44-byte header replaced (and maybe truncated)."""
    check_transcribe(mutate(seeds["wav"], WAV_HEADER, changes, cut), ".wav", tmp_path)


@FUZZ
@given(changes=CHANGES, cut=CUTS)
@example(changes=[(18, 0), (19, 0), (20, 0x0F)], cut=None)  # a sample rate of 0 in STREAMINFO
@example(changes=[(21, 0xFF), (22, 0xFF), (23, 0xFF), (24, 0xFF), (25, 0xFF)], cut=None)  # 2**36 samples
@example(changes=[(8, 0xFF), (9, 0xFF), (10, 0xFF), (11, 0xFF)], cut=None)  # block sizes of 65,535
@example(changes=[(4, 0x7F), (5, 0xFF), (6, 0xFF), (7, 0xFF)], cut=None)  # a metadata block of 16 MB
def test_mutated_flac_headers(seeds, tmp_path, changes, cut):
    """A valid FLAC with bytes of its first 128 bytes (STREAMINFO and the next block's header)
    replaced (and maybe truncated)."""
    check_transcribe(mutate(seeds["flac"], FLAC_HEADER, changes, cut), ".flac", tmp_path)
