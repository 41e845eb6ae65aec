"""The window's start clears what a killed process left in the data folder, as every command of
the command line does (app.startup_cleanup): a deletion cut short, a copy of a killed save, the
staging folder of a killed model import."""

from __future__ import annotations

from app.history import HistoryStore, cleanup
from app.history.records import NewRecording
from models.types import Segment


def test_the_window_finishes_a_deletion_and_clears_leftovers_at_start(
    make_window, fake_engine, data_dir, tmp_path, qtbot, monkeypatch
):
    """A delete killed after its commit left the audio on disk; a killed save left a copy and a
    temporary copy; a killed model import left a staging folder: the window's start removes
    them all, and keeps the audio of the items still in the history."""
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in ("kept.wav", "deleted.wav"):
        (outside / name).write_bytes(b"RIFF" + bytes(64))
    with HistoryStore.open(data_dir / "history.db", data_dir) as store:
        kept = store.save_recording(
            NewRecording("Kept", import_from=outside / "kept.wav", segments=(Segment(0, 1, "Hi."),))
        )
        deleted = store.save_recording(
            NewRecording("Gone", import_from=outside / "deleted.wav", segments=(Segment(0, 1, "Bye."),))
        )
        monkeypatch.setattr(cleanup, "finish_pending", lambda *_a, **_k: 0)  # killed right after the commit
        store.delete(deleted)
        monkeypatch.undo()
    recordings = data_dir / "recordings"
    (recordings / "copy-of-a-killed-save.wav").write_bytes(b"RIFF")
    (recordings / ".half.wav.a1b2c3d4.tmp").write_bytes(b"RI")
    staging = data_dir / "models" / ".staging-imported-x1y2"
    staging.mkdir(parents=True)

    make_window(fake_engine.kit())
    qtbot.waitUntil(lambda: not (recordings / "deleted.wav").exists(), timeout=5000)
    assert sorted(p.name for p in recordings.iterdir()) == ["kept.wav"]
    assert not staging.exists()
    with HistoryStore.open(data_dir / "history.db", data_dir) as store:
        assert [item.id for item in store.list_items()] == [kept]
        assert store.db.execute("SELECT count(*) FROM pending_deletions").fetchone()[0] == 0


def test_a_recording_whose_save_was_killed_is_announced_as_recovered(make_window, fake_engine, data_dir):
    """A recording the recorder finished but Confide was killed before saving (during its
    transcription) has no row: the window's start lists it as recovered and says so."""
    from PySide6.QtWidgets import QApplication

    from app.audio.wavfile import wav_header

    with HistoryStore.open(data_dir / "history.db", data_dir):
        pass
    recordings = data_dir / "recordings"
    recordings.mkdir()
    (recordings / "recording-20261129-101500.wav").write_bytes(wav_header(96000) + bytes(96000))
    window = make_window(fake_engine.kit())
    QApplication.processEvents()
    assert "interrupted last time" in window.record_view.banner.message()
    with HistoryStore.open(data_dir / "history.db", data_dir) as store:
        [item] = store.list_items()
        detail = store.get_item(item.id)
        assert detail.status == "recovered" and detail.duration == 3.0
        assert detail.audio_file == "recordings/recording-20261129-101500.wav"
