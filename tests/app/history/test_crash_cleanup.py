"""A save is one transaction; a delete or wipe cut short is finished by the next start; the next
start removes what a killed save left in recordings/ and nothing that is alive or a recording.

(tests/e2e/test_crash_points.py kills the real commands at every commit and file operation;
these tests pin the rules one by one, in-process.)"""

from __future__ import annotations

import fcntl
import json
import os

import pytest
from support import run_confide

from app.audio.wavfile import CrashSafeWav, wav_header
from app.history import HistoryStore, cleanup, search_index, writing
from app.history.records import NewConversation, NewRecording
from app.records import Summary, SummaryItem, Turn
from models.types import Segment

SUMMARY = Summary("Budget", "The budget was agreed.", (SummaryItem("Agreed"),))


def _outside_wav(tmp_path, name="meeting.wav"):
    source = tmp_path / "outside" / name
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(b"RIFF" + os.urandom(64))
    return source


def _recordings(data_dir):
    folder = data_dir / "recordings"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_save_recording_stores_audio_transcript_and_summary_together(store, data_dir, tmp_path):
    """save_recording copies the audio in and stores the row, the transcript and the summary as
    one item; the copy is private and referenced."""
    item_id = store.save_recording(
        NewRecording(
            "Budget",
            import_from=_outside_wav(tmp_path),
            segments=(Segment(0, 2, "Hi."),),
            summary=SUMMARY,
            duration=2.0,
            language="en",
        )
    )
    item = store.get_item(item_id)
    assert item.status == "done" and [s.text for s in item.segments] == ["Hi."]
    assert item.summary.overview == "The budget was agreed."
    assert item.audio_file == "recordings/meeting.wav" and item.audio_path.is_file()
    assert oct(item.audio_path.stat().st_mode & 0o777) == "0o600"


def test_a_failed_save_leaves_neither_an_item_nor_a_copy(store, data_dir, tmp_path, monkeypatch):
    """When the last write of a save fails (here: indexing the summary), nothing of the item is
    stored and the copied audio is removed again: no item without its summary or transcript."""

    def broken(*_args, **_kwargs):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(search_index, "index_summary", broken)
    with pytest.raises(RuntimeError):
        store.save_recording(
            NewRecording(
                "Budget", import_from=_outside_wav(tmp_path), segments=(Segment(0, 2, "Hi."),), summary=SUMMARY
            )
        )
    assert store.list_items() == []
    assert _recordings(data_dir) == []


def test_a_conversation_and_its_drafts_are_one_transaction(store, monkeypatch):
    """A conversation is stored with its first drafts or not at all."""
    item_id = store.add_conversation(
        NewConversation(
            "Ann: lunch?", (Turn("Ann", "lunch?"),), "Me", drafts=("Yes!", "No.", "Maybe."), tone="friendly"
        )
    )
    assert [d.text for d in store.get_item(item_id).drafts] == ["Yes!", "No.", "Maybe."]

    monkeypatch.setattr(search_index, "index_draft", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("x")))
    with pytest.raises(RuntimeError):
        store.add_conversation(NewConversation("Bob: tea?", (Turn("Bob", "tea?"),), "Me", drafts=("Sure.",)))
    assert [item.id for item in store.list_items()] == [item_id]


def test_a_delete_killed_after_its_commit_is_finished_by_the_next_start(data_dir, tmp_path, monkeypatch):
    """Killed between the delete's commit and the removal of the audio (simulated: the
    finishing step never runs), the item is gone, its audio is still noted as pending, and the
    next start removes it."""
    with HistoryStore.open(data_dir / "history.db", data_dir) as store:
        item_id = store.save_recording(
            NewRecording("Budget", import_from=_outside_wav(tmp_path), segments=(Segment(0, 2, "Hi."),))
        )
        monkeypatch.setattr(cleanup, "finish_pending", lambda *_a, **_k: 0)
        store.delete(item_id)
        monkeypatch.undo()
        assert _recordings(data_dir) == ["meeting.wav"]
        assert store.db.execute("SELECT audio_file FROM pending_deletions").fetchall() == [("recordings/meeting.wav",)]
    with HistoryStore.open(data_dir / "history.db", data_dir) as store:
        store.clean_up_after_crash()
        assert store.db.execute("SELECT count(*) FROM pending_deletions").fetchone()[0] == 0
        assert store.list_items() == []
    assert _recordings(data_dir) == []


def test_a_wipe_killed_after_its_commit_is_finished_by_the_next_command(data_dir, tmp_path, monkeypatch):
    """The same for wipe, through the command line's next start (any command)."""
    with HistoryStore.open(data_dir / "history.db", data_dir) as store:
        for name in ("a.wav", "b.wav", "c.wav"):
            store.save_recording(
                NewRecording(name, import_from=_outside_wav(tmp_path, name), segments=(Segment(0, 1, "x"),))
            )
        monkeypatch.setattr(cleanup, "finish_pending", lambda *_a, **_k: 0)
        store.wipe()
        monkeypatch.undo()
    assert _recordings(data_dir) == ["a.wav", "b.wav", "c.wav"]
    result = run_confide("history", "list", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert _recordings(data_dir) == []
    with HistoryStore.open(data_dir / "history.db", data_dir) as store:
        assert store.db.execute("SELECT count(*) FROM pending_deletions").fetchone()[0] == 0


def test_the_sweep_removes_leftovers_and_keeps_what_is_alive(store, data_dir, tmp_path):
    """The next start removes an unlocked temporary copy and an unreferenced finished copy;
    it keeps a referenced file, a locked copy (a save in progress elsewhere) and an unfinished
    .partial.wav (recovery's), and lists a recorder's finished recording without a row (a
    meeting whose save was killed) as recovered, with its length."""
    kept = store.save_recording(NewRecording("Kept", import_from=_outside_wav(tmp_path, "kept.wav")))
    folder = data_dir / "recordings"
    for name in (
        ".import.wav.k2j3.tmp",
        "orphan-copy.wav",
        ".busy.wav.x1.tmp",
        "recording-20260101-101010.partial.wav",
    ):
        (folder / name).write_bytes(b"RIFF")
    (folder / "recording-20260101-090000.wav").write_bytes(wav_header(64000) + bytes(64000))
    busy = os.open(folder / ".busy.wav.x1.tmp", os.O_RDONLY)
    fcntl.flock(busy, fcntl.LOCK_EX)
    try:
        swept = store.clean_up_after_crash()
    finally:
        os.close(busy)
    assert sorted(swept.removed) == [".import.wav.k2j3.tmp", "orphan-copy.wav"]
    assert _recordings(data_dir) == [
        ".busy.wav.x1.tmp",
        "kept.wav",
        "recording-20260101-090000.wav",
        "recording-20260101-101010.partial.wav",
    ]
    assert store.get_item(kept).audio_path.is_file()
    [found] = swept.recovered
    item = store.get_item(found)
    assert item.status == "recovered" and item.audio_file == "recordings/recording-20260101-090000.wav"
    assert item.duration == 2.0
    assert store.clean_up_after_crash().recovered == []  # listed once


def test_a_finished_recording_stays_locked_until_the_history_holds_it(data_dir):
    """Between Stop and the save (the final transcription), the finished NAME.wav is locked by
    its recorder's process: another command's start does not list it as recovered, and once
    it is stored the lock is gone and nothing is listed twice."""
    wav = CrashSafeWav.create(data_dir / "recordings")
    wav.append(bytes(32000))
    path = wav.finish()
    with HistoryStore.open(data_dir / "history.db", data_dir):
        pass
    result = run_confide("history", "list", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert '"items": []' in result.stdout
    with HistoryStore.open(data_dir / "history.db", data_dir) as store:
        item_id = store.save_recording(NewRecording(None, audio_file=path, segments=[Segment(0, 1, "Hi.")]))
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released: this would raise otherwise
    finally:
        os.close(fd)
    result = run_confide("history", "list", "--json", data_dir=data_dir)
    assert [item["id"] for item in json.loads(result.stdout)["items"]] == [item_id]


def test_a_copy_being_saved_is_locked_until_its_row_is_committed(store, data_dir, tmp_path, monkeypatch):
    """While save_recording stores the row of a fresh copy, the copy is flocked: a sweep of
    another process at that moment would leave it alone."""
    seen = []
    real_refresh = writing.refresh_preview

    def look(db, item_id):
        path = data_dir / "recordings" / "meeting.wav"
        fd = os.open(path, os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            seen.append(path.name)
        finally:
            os.close(fd)
        return real_refresh(db, item_id)

    monkeypatch.setattr(writing, "refresh_preview", look)
    store.save_recording(NewRecording("Budget", import_from=_outside_wav(tmp_path)))
    assert seen == ["meeting.wav"]


def test_staging_folders_of_a_killed_import_go_at_the_next_start(data_dir):
    """A .staging-* folder a killed `models import` left in models/ is removed by the next
    command (models.provision's clean-up, which waits while an install is running)."""
    staging = data_dir / "models" / ".staging-mine-abc123"
    (staging / "model").mkdir(parents=True)
    result = run_confide("history", "list", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert not staging.exists()


def test_a_running_import_keeps_its_staging_folder(data_dir):
    """While a model import is running (it holds models.provision's shared lock on its staging
    folder, as models.importer does), another command's start leaves the folder alone."""
    from models.provision import staging_folder

    with staging_folder(data_dir / "models", "mine") as staging:
        result = run_confide("history", "list", data_dir=data_dir)
        assert result.returncode == 0, result.stderr
        assert staging.is_dir()
