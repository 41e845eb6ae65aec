"""Record's Speakers choice: it reaches the task of an import, of a recording and of a kept
recording transcribed later; it is remembered; without the speaker encoder the transcript is
made all the same and the window says why; a remembered voice heard is announced by name."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.history import HistoryStore
from app.paths import DataDir
from app.settings import load_settings


def import_and_open(window, qtbot, audio) -> None:
    window.show_view("record")
    window.record_view.import_file(str(audio))
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=10_000)


def choose(combo, text: str) -> None:
    """Picks an entry by keyboard, as a user without a mouse would."""
    combo.setFocus(Qt.TabFocusReason)
    QTest.keyClick(combo, Qt.Key_Home)
    while combo.currentText() != text:
        QTest.keyClick(combo, Qt.Key_Down)


def test_the_speakers_choice_reaches_the_import_and_the_recording(
    make_window, fake_engine, speaker_encoder_installed, qtbot, tmp_path, data_dir
):
    """Automatic by default (the number estimated); 3 chosen by keyboard is saved and makes an
    import's and a recording's task tell three voices apart, whose names the transcript shows;
    Off makes a task without speakers; a new window starts with the choice kept."""
    from fake_engine import _write_tone

    audio = tmp_path / "standup.wav"
    _write_tone(audio, 1.0)
    window = make_window(fake_engine.kit())
    combo = window.record_view.speaker_choice.combo
    assert combo.currentText() == "Automatic" and combo.accessibleName() == "Speakers"
    import_and_open(window, qtbot, audio)
    options = fake_engine.speech_tasks[-1].speakers
    assert options is not None and options.count is None
    assert options.encoder_dir == str(speaker_encoder_installed)

    window.show_view("record")
    choose(combo, "3")
    assert load_settings(DataDir(data_dir).settings_file).speakers == 3
    import_and_open(window, qtbot, audio)
    assert fake_engine.speech_tasks[-1].speakers.count == 3
    transcript = window.recording_view.transcript
    assert {transcript.speaker_at(row) for row in range(transcript.count())} == {
        "Speaker 1",
        "Speaker 2",
        "Speaker 3",
    }
    assert transcript.item(0).text().startswith("0:00   Speaker 1: ")

    window.show_view("record")
    window.record_view.start_recording()
    assert not combo.isEnabled()  # a recording keeps the choice it started with
    qtbot.waitUntil(lambda: window.record_view.transcript.count() >= 2, timeout=10_000)
    window.record_view.stop_recording()
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=10_000)
    assert type(fake_engine.speech_tasks[-1]).__name__ == "RecordTask"
    assert fake_engine.speech_tasks[-1].speakers.count == 3

    window.show_view("record")
    choose(combo, "Off")
    import_and_open(window, qtbot, audio)
    assert fake_engine.speech_tasks[-1].speakers is None
    assert not window.recording_view.transcript.speaker_shown()
    with qtbot.waitSignal(window.closed, timeout=6000):
        window.close()
    again = make_window(fake_engine.kit())
    assert again.record_view.speaker_choice.combo.currentText() == "Off"


def test_transcribing_a_kept_recording_follows_the_speakers_choice(
    window, fake_engine, speaker_encoder_installed, qtbot, data_dir
):
    """A recording kept without a transcript (cancelled, recovered): its Transcribe tells the
    voices apart as the Speakers choice says."""
    from fake_engine import _write_tone

    folder = DataDir(data_dir).ensure()
    audio = folder.recordings / "kept.wav"
    audio.parent.mkdir(mode=0o700, exist_ok=True)
    _write_tone(audio, 1.0)
    with HistoryStore.for_data_dir(folder) as store:
        kept = store.add_recording(None, audio_file=audio, duration=1.0)
        store.finish_recording(kept, duration=1.0)
    choose(window.record_view.speaker_choice.combo, "2")
    window.open_recording(kept)
    view = window.recording_view
    qtbot.mouseClick(view.transcribe_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(view.recording.segments), timeout=10_000)
    assert fake_engine.speech_tasks[-1].speakers.count == 2
    assert [s.label for s in view.recording.speakers] == ["Speaker 1", "Speaker 2"]


def test_without_the_speaker_encoder_the_transcript_is_made_and_the_window_says_why(
    window, fake_engine, qtbot, tmp_path
):
    """No speaker encoder installed: the import is transcribed without speakers, and the
    meeting's page says in a sentence that the voices were not told apart and how to fix it."""
    from fake_engine import _write_tone

    _write_tone(tmp_path / "call.wav", 1.0)
    import_and_open(window, qtbot, tmp_path / "call.wav")
    assert fake_engine.speech_tasks[-1].speakers is None
    view = window.recording_view
    assert len(view.recording.segments) == 5
    message = view.banner.message()
    assert message.startswith("The voices were not told apart") and "confide models install speaker-encoder" in message
    assert "Traceback" not in message and view.banner.property("kind") == "info"


def test_a_remembered_voice_heard_again_is_announced_and_named(
    window, fake_engine, speaker_encoder_installed, qtbot, tmp_path, data_dir
):
    """With Elena's voice remembered, an import whose first voice is hers names her lines and
    the meeting's page says "Recognised: Elena."."""
    from fake_engine import _write_tone

    with HistoryStore.for_data_dir(DataDir(data_dir)) as store:
        store.remember_voice("Elena", np.ones(256, np.float32))
    _write_tone(tmp_path / "sync.wav", 1.0)
    import_and_open(window, qtbot, tmp_path / "sync.wav")
    assert [name for name, _ in fake_engine.speech_tasks[-1].speakers.known] == ["Elena"]
    view = window.recording_view
    assert view.banner.message() == "Recognised: Elena."
    assert view.transcript.item(0).text().startswith("0:00   Elena: ")
