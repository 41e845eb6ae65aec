"""Fixtures of the GUI tests: a real window (offscreen) over a real history file, with the
scripted fake engine of fake_engine.py or the real models."""

from __future__ import annotations

import faulthandler
import sys

import pytest
from fake_engine import FakeEngine

from app.paths import DataDir


@pytest.fixture(autouse=True)
def stacks_if_stuck():
    """A GUI test stuck in native code (Qt, PortAudio, a model) prints every thread's stack after
    three minutes, so a hang in CI says where it is."""
    faulthandler.dump_traceback_later(180, file=sys.stderr)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def sound_output(virtual_mic):
    """A sound server for a test that plays a recording: the virtual microphone's PulseAudio
    daemon, whose null sink is an output too. Without one, the player plays nothing and says so."""
    return virtual_mic


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def make_window(qtbot, data_dir):
    """make_window(kit=None) -> a shown MainWindow over DATA (real history); closed after the test."""
    from ui.app import build_window, create_application

    made = []

    def make(kit=None, folder=None):
        create_application([])
        window = build_window(DataDir(folder or data_dir).ensure(), kit=kit)
        # not qtbot.addWidget: pytest-qt would delete the window (and its worker threads) at
        # once; the window must close its own way, letting the threads finish first
        window.resize(1280, 720)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)  # shortcuts need an active window
        made.append(window)
        return window

    yield make
    from PySide6.QtCore import QCoreApplication, QEvent

    for window in made:
        if not window._close_done:
            with qtbot.waitSignal(window.closed, timeout=6000):
                window.close()
        # Closed is not gone: a window kept until the session ends leaves its widgets, timers and
        # connections behind, and each later window took longer to build (27 s by the end of a
        # full run). Its threads have finished (closed), so it can be deleted now.
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def window(make_window, fake_engine):
    return make_window(fake_engine.kit())


@pytest.fixture
def speaker_encoder_installed(monkeypatch, tmp_path):
    """The speaker encoder as if installed, for the fake engine (which never opens it): the
    window's real speaker options are built, remembered voices and all."""
    from types import SimpleNamespace

    import app.engines
    import app.speakers.options

    entry = SimpleNamespace(id="speaker-encoder", path=tmp_path / "speaker-encoder")
    monkeypatch.setattr(app.speakers.options, "speaker_encoder_entry", lambda data_dir: entry)
    monkeypatch.setattr(app.engines, "speaker_encoder_entry", lambda data_dir: entry)
    return entry.path


# Who said what in a short planning meeting: (start, speaker as the transcriber named them, text).
SPOKEN_LINES = (
    (0.0, "Speaker 1", "Good morning, let us start with the budget for the spring campaign."),
    (4.0, "Speaker 2", "The printing costs went up again this quarter."),
    (8.0, "Speaker 3", "Then we should ask the supplier in Glasgow for a new offer."),
    (12.0, "Speaker 1", "Fine, I will write to them today."),
    (16.0, "Speaker 2", "Please also check the posters before the launch."),
)


@pytest.fixture
def store_meeting(data_dir):
    """store(speakers=None) -> the id of a stored recording of SPOKEN_LINES (with a tone for its
    audio), its lines said by ``speakers`` in turn when given (else as SPOKEN_LINES has it)."""
    from fake_engine import _write_tone

    from app.history import HistoryStore
    from models.types import Segment

    folder = DataDir(data_dir).ensure()
    made = iter(range(1000))

    def store(speakers=None) -> int:
        audio = folder.recordings / f"meeting-{next(made)}.wav"
        audio.parent.mkdir(mode=0o700, exist_ok=True)
        _write_tone(audio, 20.0)
        segments = [
            Segment(start, start + 3.5, text, speaker=speakers[i % len(speakers)] if speakers else speaker)
            for i, (start, speaker, text) in enumerate(SPOKEN_LINES)
        ]
        with HistoryStore.for_data_dir(folder) as history:
            recording = history.add_recording(None, audio_file=audio, duration=20.0, language="en")
            history.add_segments(recording, segments)
            history.finish_recording(recording, duration=20.0)
        return recording

    return store
