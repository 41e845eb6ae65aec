"""Recording through the virtual microphone (tests/conftest.py's PulseAudio null sink)."""

from __future__ import annotations

import subprocess
import time
from contextlib import contextmanager

import pytest
from recording_helpers import wait_for


@pytest.fixture
def record_played(virtual_mic):
    """record_played(recorder, wav) -> RecordingInfo: starts the recorder, waits for audio to
    flow, plays wav into the virtual microphone, and stops half a second after it ended."""

    def run(recorder, wav, *, after: float = 0.7):
        recorder.start()
        wait_for(lambda: recorder.elapsed > 0.2, 15, "audio from the virtual microphone")
        player = virtual_mic(wav)
        player.wait(timeout=60)
        time.sleep(after)
        return recorder.stop()

    return run


@pytest.fixture
def unplug_microphone(virtual_mic):
    """A context manager: inside it the virtual microphone (the null sink and its monitor) is
    gone, as if unplugged; it is plugged back afterwards."""

    @contextmanager
    def unplugged():
        subprocess.run(["pactl", "unload-module", "module-null-sink"], check=True, timeout=30)
        try:
            yield
        finally:
            subprocess.run(
                ["pactl", "load-module", "module-null-sink", "sink_name=virtmic"],
                check=True,
                capture_output=True,
                timeout=30,
            )
            subprocess.run(["pactl", "set-default-source", "virtmic.monitor"], check=True, timeout=30)
            subprocess.run(["pactl", "set-default-sink", "virtmic"], check=True, timeout=30)
            virtual_mic.keep_awake()  # unloading the sink ended its low-latency reader

    return unplugged
