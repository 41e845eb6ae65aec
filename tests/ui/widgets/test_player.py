"""The recording's player changes the media player's state only from the event loop, never by a
call made from Python: such a call holds the GIL inside QtMultimedia and could deadlock with the
FFmpeg backend's audio thread (ui/widgets/player.py says how). It still plays, pauses, seeks
and lets go of a file."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from ui.widgets import player as player_module
from ui.widgets.player import NO_SOUND_OUTPUT, AudioPlayer


@pytest.fixture
def tone(tmp_path):
    path = tmp_path / "tone.wav"
    samples = (np.sin(np.arange(16000 * 6) * 2 * np.pi * 440 / 16000) * 8000).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(samples.tobytes())
    return path


@pytest.fixture
def player(qtbot, tone, sound_output):
    widget = AudioPlayer()
    qtbot.addWidget(widget)
    widget.set_source(tone, 6.0)
    yield widget
    widget.stop()


def test_play_and_pause_happen_on_the_event_loop_not_inside_the_call(player, qtbot):
    player.toggle()
    assert not player.playing  # asked for, not yet done
    qtbot.waitUntil(lambda: player.playing, timeout=10_000)
    player.toggle()
    assert player.playing
    qtbot.waitUntil(lambda: not player.playing, timeout=10_000)
    assert player.play_button.text() == "Play"


def test_two_quick_toggles_play_then_pause(player, qtbot):
    """The second press counts the first as done, though the media player has not run it yet."""
    player.toggle()
    player.toggle()
    qtbot.wait(500)
    assert not player.playing


def test_play_from_a_time_seeks_once_the_file_is_open(player, qtbot):
    player.play_from(4.0)
    qtbot.waitUntil(lambda: player.player.position() >= 4000, timeout=10_000)
    assert player.player.position() < 5900


def test_a_new_source_lets_go_of_the_old_one(player, qtbot, tone, tmp_path):
    player.toggle()
    qtbot.waitUntil(lambda: player.playing, timeout=10_000)
    player.set_source(None)
    qtbot.waitUntil(lambda: not player.playing and player.player.source().isEmpty(), timeout=10_000)
    assert not player.isEnabled()


def test_without_a_sound_output_play_says_so_and_makes_no_player(qtbot, tone, monkeypatch):
    """No sound server (no PulseAudio, no PipeWire): QtMultimedia's FFmpeg backend crashed on its
    own thread when a player made without a device was destroyed. Play is one clear message."""
    monkeypatch.setattr(player_module, "has_sound_output", lambda: False)
    widget = AudioPlayer()
    qtbot.addWidget(widget)
    widget.set_source(tone, 6.0)
    with qtbot.waitSignal(widget.error) as said:
        widget.toggle()
    assert said.args == [NO_SOUND_OUTPUT]
    widget.play_from(2.0)
    widget.toggle()
    assert widget.player is None and not widget.playing
