"""Who said what in the window with the real models: a meeting of three synthetic voices is
imported with Speakers set to 3, renamed in place, one voice is remembered with the real speaker
encoder, and the same voices imported again are recognised by name."""

from __future__ import annotations

from app.history import HistoryStore
from app.paths import DataDir
from ui.widgets import speaker_menu


def import_and_wait(window, qtbot, clip) -> None:
    window.show_view("record")
    window.record_view.import_file(str(clip))
    qtbot.waitUntil(lambda: window.current_view() == "recording", timeout=180_000)


def test_a_meeting_of_three_voices_is_told_apart_renamed_remembered_and_recognised(
    three_voices, make_window, data_dir_with_models, qtbot, monkeypatch
):
    """Three voices, Speakers 3: the transcript names three speakers in three colours; the
    first is renamed Elena on every line; her voice, measured on the speech worker, is kept;
    the meeting imported again says "Recognised: Elena." and her lines carry her name."""
    clip, _truth = three_voices()
    window = make_window(folder=data_dir_with_models)
    combo = window.record_view.speaker_choice.combo
    combo.setCurrentIndex(combo.findText("3"))
    combo.activated.emit(combo.currentIndex())
    import_and_wait(window, qtbot, clip)
    view = window.recording_view
    transcript = view.transcript
    assert [s.label for s in view.recording.speakers] == ["Speaker 1", "Speaker 2", "Speaker 3"]
    colours = {transcript.colour_of(s.label) for s in view.recording.speakers}
    assert len(colours) == 3 and transcript.speaker_shown()

    monkeypatch.setattr(speaker_menu, "ask_name", lambda parent, speaker: "Elena")
    view.speakers.rename("Speaker 1")
    named = [row for row in range(transcript.count()) if transcript.speaker_at(row) == "Elena"]
    assert named and all(transcript.item(row).text().split("   ", 1)[1].startswith("Elena: ") for row in named)

    monkeypatch.setattr(speaker_menu.confirm, "offer", lambda *args: True)
    view.speakers.remember("Elena")
    handle = view.speakers.voice_handle
    assert handle.active
    qtbot.waitUntil(lambda: not handle.active, timeout=120_000)
    assert handle.state == "done", view.banner.message()
    with HistoryStore.for_data_dir(DataDir(data_dir_with_models)) as store:
        assert [voice.name for voice in store.voices()] == ["Elena"]

    import_and_wait(window, qtbot, clip)
    assert view.banner.message() == "Recognised: Elena."
    assert "Elena" in [s.label for s in view.recording.speakers]
