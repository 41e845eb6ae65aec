"""The recorder on a real (virtual) microphone: PulseAudio's null sink through PortAudio."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import textwrap
import threading
import time
import wave

import pytest
from recording_helpers import wait_for
from support import ROOT

from app.audio import devices
from app.audio.recorder import DEVICE_LOST, SIZE_LIMIT, Recorder
from app.audio.wer import word_error_rate
from app.errors import AudioError
from models.types import Segment

TEXT = "Please send the quarterly report to the finance team before the meeting on Thursday."


def wav_facts(path):
    with wave.open(str(path)) as audio:
        return audio.getframerate(), audio.getnchannels(), audio.getnframes() / audio.getframerate()


def test_speech_played_into_the_microphone_is_recorded_and_transcribed(tmp_path, record_played, speech_clip, whisper):
    """espeak-ng speech played into the virtual microphone, recorded (the device runs at
    44.1 kHz: the file is 16 kHz mono all the same), then transcribed: WER <= 0.3. The meter
    saw the speech, and the file is private."""
    recorder = Recorder(tmp_path / "recordings")
    peaks = []
    finished = threading.Event()

    def watch_meter():
        while not finished.is_set():
            peaks.append(recorder.levels[1])
            time.sleep(0.05)

    threading.Thread(target=watch_meter, daemon=True).start()
    info = record_played(recorder, speech_clip(TEXT))
    finished.set()
    assert recorder.device.default_samplerate != 16000
    rate, channels, seconds = wav_facts(info.path)
    assert (rate, channels) == (16000, 1)
    assert seconds == pytest.approx(info.duration, abs=0.01)
    assert info.failure is None
    assert max(peaks) > 0.1
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    text = " ".join(e.text for e in whisper.transcribe(info.path, language="en") if isinstance(e, Segment))
    assert word_error_rate(TEXT, text) <= 0.3, text


def test_pause_leaves_the_paused_time_out(tmp_path, virtual_mic):
    """1 s recorded, 1.5 s paused, 1 s recorded: the file holds about 2 s, and elapsed
    stands still while paused."""
    recorder = Recorder(tmp_path)
    recorder.start()
    wait_for(lambda: recorder.elapsed > 0.05, 15, "audio")
    time.sleep(1.0)
    recorder.pause()
    time.sleep(0.2)
    held = recorder.elapsed
    time.sleep(1.3)
    assert recorder.elapsed - held < 0.15
    recorder.resume()
    time.sleep(1.0)
    info = recorder.stop()
    assert 1.6 < info.duration < 2.6


def test_an_unplugged_microphone_stops_the_recording_and_keeps_it(tmp_path, virtual_mic, unplug_microphone):
    """The device disappears mid-recording: the recorder stops by itself within a few seconds,
    says why, and what was recorded before is a valid file."""
    recorder = Recorder(tmp_path)
    recorder.start()
    wait_for(lambda: recorder.elapsed > 1.0, 15, "a second of audio")
    with unplug_microphone():
        wait_for(lambda: recorder.failure is not None, 10, "the recorder to notice")
        info = recorder.stop()
    assert info.failure == DEVICE_LOST
    rate, _channels, seconds = wav_facts(info.path)
    assert rate == 16000 and seconds >= 1.0


FILL_DISK = textwrap.dedent("""
    import json, resource, sys, time
    from pathlib import Path
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
    from app.audio.recorder import Recorder
    recorder = Recorder(Path(sys.argv[1]))
    recorder.start()
    deadline = time.monotonic() + 30
    while recorder.failure is None and time.monotonic() < deadline:
        time.sleep(0.1)
    info = recorder.stop()
    print(json.dumps({"failure": info.failure, "path": str(info.path), "duration": info.duration}))
""")


def test_a_full_disk_stops_the_recording_and_keeps_it(tmp_path, virtual_mic):
    """With a file-size limit of 100 kB (RLIMIT_FSIZE, as a full disk would), the recorder
    stops by itself at the limit, says so, and leaves a valid WAV of what fit (about 3 s)."""
    done = subprocess.run(
        [sys.executable, "-c", FILL_DISK, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["failure"] == SIZE_LIMIT
    rate, _channels, seconds = wav_facts(report["path"])
    assert rate == 16000
    assert seconds == pytest.approx((100_000 - 44) // 2 / 16000, abs=0.01)
    assert report["duration"] == pytest.approx(seconds)


def test_the_virtual_microphone_is_listed_and_chosen_by_name(virtual_mic):
    """PortAudio, re-initialized after the sound server came up, lists its inputs; a name or a
    part of it chooses one; an unknown name is refused with the list."""
    names = [device.name for device in devices.list_input_devices()]
    assert "pulse" in names
    assert devices.find_input_device("pulse").name == "pulse"
    assert devices.find_input_device(None).is_default
    with pytest.raises(AudioError, match="No microphone is called 'headset'; the inputs are: .*pulse"):
        devices.find_input_device("headset")


def test_no_input_device_is_a_clear_error(monkeypatch, virtual_mic, tmp_path):
    """Without a sound server to record from, there is no input: one sentence, no crash."""
    monkeypatch.setenv("PULSE_SERVER", "unix:/nonexistent/native")
    try:
        with pytest.raises(AudioError, match="No microphone was found"):
            Recorder(tmp_path).start()
        assert list(tmp_path.iterdir()) == []
    finally:
        monkeypatch.undo()
        devices.refresh()
