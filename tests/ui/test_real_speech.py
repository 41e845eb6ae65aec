"""The window end to end with the real speech and language models: speech played into the
virtual microphone is recorded, transcribed live, summarized and found in History; a file is
imported; a cancelled recording is kept and recovered; and the GUI heartbeat stays under
100 ms (99 beats in 100; never 250 ms) while a real summary and a real transcription run side by side."""

from __future__ import annotations

import time

import pytest
from demo_history import MEETING
from PySide6.QtCore import Qt

from app.audio.wer import word_error_rate
from app.bridge import SPEECH
from app.history import HistoryStore
from app.paths import DataDir

SPOKEN = (
    "Good morning everyone. We decided to move the product launch to March. "
    "Anna will update the budget by Friday, and Ben will write the press release."
)


@pytest.fixture
def real_window(make_window, data_dir_with_models):
    return make_window(folder=data_dir_with_models)


def history(data_dir):
    return HistoryStore.for_data_dir(DataDir(data_dir))


def test_record_from_the_virtual_microphone_to_summary_and_history(
    virtual_mic, speech_clip, make_window, data_dir_with_models, qtbot
):
    """Speech into the virtual mic -> Record -> the transcript grows live -> Stop -> transcript
    and summary in the window, one voice as one speaker -> the recording is found in History by
    a word it contains."""
    clip = speech_clip(SPOKEN)
    window = make_window(folder=data_dir_with_models)
    view = window.record_view
    assert view.has_microphone and view.record_button.isEnabled(), view.banner.message()
    qtbot.mouseClick(view.record_button, Qt.LeftButton)
    assert view.state_label.text() == "Starting the microphone…"
    qtbot.waitUntil(lambda: view.listening, timeout=60_000)  # samples arrive from the microphone
    assert view.state_label.text().startswith("Recording")
    player = virtual_mic(clip)
    try:
        qtbot.waitUntil(lambda: view.transcript.count() >= 1, timeout=60_000)  # live, before Stop
        lines_before_stop = view.transcript.count()
        qtbot.waitUntil(lambda: player.poll() is not None, timeout=60_000)
    finally:
        if player.poll() is None:
            player.kill()
    qtbot.wait(800)
    assert view.meter._peak > 0  # the meter saw the speech
    qtbot.mouseClick(view.record_button, Qt.LeftButton)  # the one Stop control
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=60_000)
    assert lines_before_stop >= 1
    recording_view = window.recording_view
    text = " ".join(segment.text for segment in recording_view.recording.segments)
    assert word_error_rate(SPOKEN, text) <= 0.3, text
    handle = recording_view.summary_handle
    qtbot.waitUntil(lambda: not handle.active, timeout=180_000)
    assert handle.state == "done", recording_view.banner.message()
    assert recording_view.summary.shown.title and recording_view.summary.shown.key_points
    # One voice, the Speakers choice left at auto: one speaker (11 s of it were once three).
    qtbot.waitUntil(lambda: bool(recording_view.recording.speakers), timeout=60_000)
    assert [s.label for s in recording_view.recording.speakers] == ["Speaker 1"]
    window.show_view("history")
    window.history_view.search.setText("budget")
    window.history_view.refresh()
    assert window.history_view.results.count() == 1
    with history(data_dir_with_models) as store:
        item = store.get_item(recording_view.recording.id)
        assert item.status == "done" and item.audio_path.is_file() and item.summary.title


def test_importing_a_real_file_transcribes_and_summarizes_it(speech_clip, real_window, qtbot, data_dir_with_models):
    """An imported speech file is transcribed (progress with time left), copied into the data
    folder, stored and summarized."""
    clip = speech_clip(SPOKEN)
    view = real_window.record_view
    view.import_file(str(clip))
    assert view.progress.isVisible() and view.progress.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: real_window.current_view() == "recording", timeout=120_000)
    recording = real_window.recording_view.recording
    assert word_error_rate(SPOKEN, " ".join(s.text for s in recording.segments)) <= 0.3
    assert recording.audio_path.parent == data_dir_with_models / "recordings"
    handle = real_window.recording_view.summary_handle
    qtbot.waitUntil(lambda: not handle.active, timeout=180_000)
    assert handle.state == "done"


OPENING = "Good morning everyone, I'm Priya, and this is our weekly sync. First the launch, then the budget."


def record_while_speaking_from_the_press(window, clip, virtual_mic, qtbot):
    """Presses Record and starts speaking in the same instant; stops once the speech is over;
    returns the stored recording's transcript."""
    window.show_view("record")
    view = window.record_view
    qtbot.mouseClick(view.record_button, Qt.LeftButton)
    player = virtual_mic(clip)
    try:
        qtbot.waitUntil(lambda: player.poll() is not None, timeout=60_000)
    finally:
        if player.poll() is None:
            player.kill()
    qtbot.waitUntil(lambda: view.listening, timeout=10_000)
    qtbot.wait(500)
    qtbot.mouseClick(view.record_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=60_000)
    recording = window.recording_view.recording
    return recording, " ".join(segment.text for segment in recording.segments)


def test_the_first_words_are_kept_with_and_without_the_speech_model_loaded(
    virtual_mic, speech_clip, make_window, data_dir_with_models, qtbot
):
    """The user presses Record and speaks at once, first in a fresh window (the speech model
    loads meanwhile), then again with the model loaded: both times "Good morning everyone"
    is in the transcript and in the recorded file."""
    from app.engines import load_speech_model

    clip = speech_clip(OPENING)
    window = make_window(folder=data_dir_with_models)
    assert not window.bridge._workers[SPEECH].slot.loaded
    transcriber = load_speech_model(DataDir(data_dir_with_models), "whisper-base", threads=1)
    for attempt in ("model loading", "model loaded"):
        recording, text = record_while_speaking_from_the_press(window, clip, virtual_mic, qtbot)
        assert text.lower().lstrip().startswith("good morning"), (attempt, text)
        assert word_error_rate(OPENING, text) <= 0.3, (attempt, text)
        from_file = " ".join(
            getattr(event, "text", "")
            for event in transcriber.transcribe(recording.audio_path, language="en")
            if hasattr(event, "start")
        )
        assert from_file.lower().lstrip().startswith("good morning"), (attempt, from_file)
        assert window.bridge._workers[SPEECH].slot.loaded


def test_escape_asks_and_a_cancelled_recording_is_in_history_at_once(
    virtual_mic, speech_clip, make_window, data_dir_with_models, qtbot
):
    """Esc while recording only asks (the recording goes on; Esc again answers no); cancelling
    keeps the audio: the recording is in History at once, without a transcript, and its
    Transcribe button makes one."""
    window = make_window(folder=data_dir_with_models)
    view = window.record_view
    view.start_recording()
    qtbot.waitUntil(lambda: view.listening, timeout=60_000)
    qtbot.keyClick(window, Qt.Key_Escape)
    assert view.state == "recording" and "Cancel this recording?" in view.banner.message()
    qtbot.keyClick(window, Qt.Key_Escape)
    assert view.state == "recording" and not view.banner.isVisible()
    player = virtual_mic(speech_clip("Please send the budget to Laura by Monday."))
    qtbot.waitUntil(lambda: player.poll() is not None, timeout=30_000)
    qtbot.wait(300)
    qtbot.keyClick(window, Qt.Key_Escape)
    asked = time.monotonic()
    qtbot.mouseClick(view.banner.action_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=3000)
    assert time.monotonic() - asked < 3.0 and view.state == "idle" and view.record_button.isEnabled()
    with history(data_dir_with_models) as store:
        [item] = store.list_items()
        stored = store.get_item(item.id)
        assert stored.audio_path.is_file() and stored.duration >= 1.0 and not stored.segments
    recording_view = window.recording_view
    assert "press Transcribe" in recording_view.banner.message()
    assert recording_view.transcribe_button.isVisibleTo(recording_view)
    qtbot.mouseClick(recording_view.transcribe_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(recording_view.recording.segments), timeout=60_000)
    text = " ".join(segment.text for segment in recording_view.recording.segments)
    assert "budget" in text.lower() and not recording_view.transcribe_button.isVisibleTo(recording_view)


def test_closing_while_recording_exits_within_5_s(virtual_mic, real_window, qtbot):
    """Closing the window during a recording: hidden at once, every thread done within 5 s."""
    view = real_window.record_view
    view.start_recording()
    qtbot.waitUntil(lambda: view.listening, timeout=60_000)
    qtbot.wait(1000)
    began = time.monotonic()
    with qtbot.waitSignal(real_window.closed, timeout=5000) as closed:
        real_window.close()
    assert closed.args == [True] and time.monotonic() - began < 5.0


def test_heartbeat_under_100_ms_while_a_real_summary_and_transcription_run(
    speech_clip, make_window, qtbot, data_dir_with_models
):
    """With both engines warm, a real summary (language worker) and a real transcription of a
    ~45 s file (speech worker) run side by side; a 10 ms GUI timer waits under 100 ms in 99 beats
    of 100 and never a quarter of a second (the engines' four threads share two cores with it:
    the scheduler alone once kept it 143 ms; a blocked GUI thread waits seconds)."""
    from heartbeat import heartbeat
    from test_real_language import store_meeting, warm_up

    window = make_window(folder=data_dir_with_models)
    clip = speech_clip(" ".join(text for _, _, text in MEETING))
    warm_up(window, qtbot, store_meeting(data_dir_with_models), speech_clip("Hello, this is a short test."))
    # not the warmed-up meeting: its summary would come from the model's memory at once
    recording = store_meeting(data_dir_with_models, closing=" Then we close the meeting for today.")
    window.open_recording(recording)
    timer, gaps = heartbeat()
    window.recording_view.summarize()
    summary = window.recording_view.summary_handle
    window.record_view.import_file(str(clip))
    transcription = window.record_view._import_handle
    qtbot.waitUntil(lambda: transcription.state == "running" and summary.state == "running", timeout=30_000)
    overlap_began = time.monotonic()
    qtbot.waitUntil(lambda: not transcription.active, timeout=180_000)
    overlap = time.monotonic() - overlap_began
    qtbot.waitUntil(lambda: not summary.active, timeout=180_000)
    timer.stop()
    assert summary.state == "done" and transcription.state == "done"
    assert overlap > 1.0 and len(gaps) > 100
    print(f"longest GUI gap {max(gaps) * 1000:.0f} ms over {len(gaps)} beats; engines overlapped {overlap:.1f} s")
    assert sorted(gaps)[int(0.99 * len(gaps))] < 0.1 and max(gaps) < 0.25, f"longest GUI gap {max(gaps) * 1000:.0f} ms"


def test_a_silent_recording_says_so_and_can_be_discarded(make_window, data_dir_with_models, qtbot, tmp_path):
    """A recording in which nothing was said is not filed as if it held a meeting: the window
    says no speech was heard and offers Discard, which removes it and its audio from History;
    closing the message keeps it."""
    from support import write_silence

    window = make_window(folder=data_dir_with_models)
    for choice in ("keep", "discard"):
        window.record_view.import_file(str(write_silence(tmp_path / f"quiet-{choice}.wav", 3.0)))
        qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=60_000)
        view = window.recording_view
        assert "No speech was detected" in view.banner.message()
        assert view.banner.action_button.text() == "Discard"
        recording = view.recording
        if choice == "keep":
            qtbot.mouseClick(view.banner.close_button, Qt.LeftButton)
            with history(data_dir_with_models) as store:
                assert [item.id for item in store.list_items()] == [recording.id]
            window.show_view("record")
        else:
            qtbot.mouseClick(view.banner.action_button, Qt.LeftButton)
            with history(data_dir_with_models) as store:
                assert recording.id not in [item.id for item in store.list_items()]
            assert not recording.audio_path.exists() and view.recording is None
