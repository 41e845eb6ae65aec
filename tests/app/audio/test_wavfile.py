"""The crash-safe recording file: written as audio arrives, repaired after a crash, private."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
import wave

import numpy as np
import pytest
from support import ROOT

from app.audio.recovery import recover_recordings
from app.audio.wavfile import HEADER_BYTES, CrashSafeWav, repair


def tone(seconds: float) -> bytes:
    t = np.arange(int(seconds * 16000)) / 16000
    return (np.sin(2 * np.pi * 220 * t) * 8000).astype("<i2").tobytes()


def wav_seconds(path) -> float:
    with wave.open(str(path)) as audio:
        assert (audio.getframerate(), audio.getnchannels(), audio.getsampwidth()) == (16000, 1, 2)
        return audio.getnframes() / 16000


def test_a_finished_recording_is_a_private_wav_under_its_final_name(tmp_path):
    """finish() patches the header, renames NAME.partial.wav to NAME.wav, mode 0600."""
    recording = CrashSafeWav.create(tmp_path / "recordings")
    recording.append(tone(1.5))
    path = recording.finish()
    assert path.name.endswith(".wav") and not path.name.endswith(".partial.wav")
    assert not recording.partial_path.exists()
    assert wav_seconds(path) == 1.5
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_finished_recording_refuses_more_in_one_sentence(tmp_path):
    """After finish(), another append or finish is refused by name (not a TypeError from os),
    and the finished file is left as it was."""
    recording = CrashSafeWav.create(tmp_path)
    recording.append(tone(0.5))
    path = recording.finish()
    for late in (lambda: recording.append(tone(0.1)), recording.finish):
        with pytest.raises(ValueError, match=r"\.partial\.wav is already finished or closed"):
            late()
    assert wav_seconds(path) == 0.5


def test_samples_are_on_disk_as_soon_as_they_are_appended(tmp_path):
    """No user-space buffering: another reader sees every appended byte at once."""
    recording = CrashSafeWav.create(tmp_path)
    recording.append(tone(0.25))
    assert recording.partial_path.stat().st_size == HEADER_BYTES + 8000
    recording.close_unfinished()


WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import numpy as np
    from app.audio.wavfile import CrashSafeWav
    recording = CrashSafeWav.create(Path(sys.argv[1]))
    block = (np.ones(1600) * 1000).astype("<i2").tobytes()  # 0.1 s
    while True:
        recording.append(block)
        print(recording.seconds, flush=True)
        time.sleep(0.1)
""")


def test_a_killed_writer_loses_nothing_it_had_written(tmp_path):
    """kill -9 in the middle of recording: the repaired file holds every block the process
    had appended (it reported each one after appending it)."""
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    reported = 0.0
    began = time.monotonic()
    while reported < 1.5 and time.monotonic() - began < 60:
        reported = float(process.stdout.readline())
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    recovered = recover_recordings(tmp_path)
    assert len(recovered) == 1
    assert recovered[0].duration >= reported
    assert wav_seconds(recovered[0].path) == recovered[0].duration
    assert recover_recordings(tmp_path) == []  # repaired once, then it is an ordinary file


def test_repair_drops_half_a_sample_and_fixes_the_sizes(tmp_path):
    """A write cut inside a sample (disk full) leaves an odd byte: repair trims it."""
    recording = CrashSafeWav.create(tmp_path)
    recording.append(tone(0.5) + b"\x01")
    recording.close_unfinished()
    path, seconds = repair(recording.partial_path)
    assert seconds == 0.5 and wav_seconds(path) == 0.5


def test_a_recording_in_progress_is_not_touched(tmp_path):
    """The live recorder holds a lock: recovery run meanwhile (another Confide window, the
    command line) leaves its file alone."""
    recording = CrashSafeWav.create(tmp_path)
    recording.append(tone(0.3))
    assert recover_recordings(tmp_path) == []
    assert recording.partial_path.exists()
    recording.append(tone(0.3))
    assert wav_seconds(recording.finish()) == 0.6


def test_a_foreign_partial_file_is_left_alone(tmp_path):
    """Something named like a recording that is not a WAV is not rewritten."""
    stranger = tmp_path / "notes.partial.wav"
    stranger.write_text(json.dumps({"not": "audio"}) * 10)
    assert recover_recordings(tmp_path) == []
    assert stranger.exists()


def test_two_recordings_started_in_the_same_second_get_distinct_names(tmp_path):
    first, second = CrashSafeWav.create(tmp_path), CrashSafeWav.create(tmp_path)
    assert first.partial_path != second.partial_path
    assert first.finish() != second.finish()
