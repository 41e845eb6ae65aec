"""Backups (a consistent single file) and exports (md, json, txt, srt, vtt) of stored items."""

from __future__ import annotations

import json
import stat

import pytest

from app.errors import HistoryError
from app.history import HistoryStore
from app.history.records import NewConversation
from app.records import Summary, Turn
from models.types import Segment


def _meeting(store) -> int:
    recording = store.add_recording("Planning")
    store.add_segments(
        recording, [Segment(0.0, 2.5, " Welcome, everyone."), Segment(2.5, 3661.25, "Let's plan the launch.")]
    )
    store.finish_recording(recording, duration=3662.0)
    store.save_summary(
        recording,
        Summary.from_json(
            {
                "title": "Launch plan",
                "overview": "The launch was planned.",
                "key_points": [{"text": "Launch in May", "start": 2.5}],
                "decisions": [{"text": "Go with plan B", "start": None}],
                "action_items": [{"text": "Book the venue", "owner": "Ria", "due": "Monday", "start": 2.5}],
            }
        ),
    )
    return recording


def test_transcript_formats(store):
    """txt, srt and vtt are exactly the standard shapes, times to the millisecond."""
    recording = _meeting(store)
    assert store.export(recording, "txt") == "Welcome, everyone.\nLet's plan the launch.\n"
    assert store.export(recording, "srt") == (
        "1\n00:00:00,000 --> 00:00:02,500\nWelcome, everyone.\n\n"
        "2\n00:00:02,500 --> 01:01:01,250\nLet's plan the launch.\n"
    )
    assert store.export(recording, "vtt") == (
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nWelcome, everyone.\n\n"
        "00:00:02.500 --> 01:01:01.250\nLet's plan the launch.\n"
    )


def test_recording_markdown_and_json(store):
    """md holds the summary sections and the timed transcript; json holds everything `show` does."""
    recording = _meeting(store)
    markdown = store.export(recording, "md")
    for expected in (
        "# Planning",
        "## Summary",
        "### Key points",
        "- [00:02] Launch in May",
        "- Go with plan B",
        "- [ ] [00:02] Book the venue (owner: Ria; due: Monday)",
        "## Transcript",
        "[00:02] Let's plan the launch.",
    ):
        assert expected in markdown, expected
    document = json.loads(store.export(recording, "json"))
    assert document == store.get_item(recording).to_json()
    assert document["summary"]["decisions"] == [{"text": "Go with plan B", "start": None}]
    assert [s["text"] for s in document["segments"]] == ["Welcome, everyone.", "Let's plan the launch."]


def test_conversation_exports(store):
    """A conversation exports with its turns and drafts (md, json) and refuses transcript formats."""
    chat = store.add_conversation(NewConversation("Jo: dinner?", (Turn("Jo", "Dinner tonight?"),), me="Al"))
    ids = store.add_drafts(chat, ["Yes!", "Can't tonight."])
    store.pick_draft(ids[0])
    markdown = store.export(chat, "md")
    assert "**Jo:** Dinner tonight?" in markdown and "1. Yes! ✓ picked" in markdown
    assert json.loads(store.export(chat, "json"))["drafts"][0]["picked"] is True
    with pytest.raises(HistoryError, match="exports as md, json"):
        store.export(chat, "srt")


def test_recording_without_transcript_cannot_export_srt(store):
    """No transcript yet: srt is refused with a sentence; md still works."""
    recording = store.add_recording("Empty")
    with pytest.raises(HistoryError, match="no transcript yet"):
        store.export(recording, "srt")
    assert "_No transcript yet._" in store.export(recording, "md")


def test_export_to_file_is_private(store, tmp_path):
    """export_to writes where it is told, 0600, leaving no temporary file behind."""
    recording = _meeting(store)
    (tmp_path / "exports").mkdir()
    target = store.export_to(recording, "vtt", tmp_path / "exports" / "talk.vtt")
    assert target.read_text().startswith("WEBVTT")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "exports").iterdir()] == ["talk.vtt"]


def test_backup_is_a_consistent_private_copy(store, tmp_path):
    """The backup is one 0600 file (no -wal) that opens as a history with the same items and search."""
    recording = _meeting(store)
    chat = store.add_conversation(NewConversation("Jo: hi", (Turn("Jo", "hi"),)))
    restore = tmp_path / "restored"
    restore.mkdir()
    target = store.backup(restore / "history.db")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in restore.iterdir()) == ["history.db"]
    with HistoryStore.open(target, restore) as copy:
        assert [i.id for i in copy.list_items()] == [chat, recording]
        assert [h.id for h in copy.search("launch")] == [recording]
        assert copy.check_integrity() == "ok"


def test_backup_refuses_bad_targets(store, data_dir, tmp_path):
    """Backing up onto the live database, into a folder, or into a missing folder is refused."""
    with pytest.raises(HistoryError, match="cannot overwrite the history database"):
        store.backup(data_dir / "history.db")
    with pytest.raises(HistoryError, match="is a folder"):
        store.backup(tmp_path)
    with pytest.raises(HistoryError, match="does not exist"):
        store.backup(tmp_path / "missing" / "copy.db")


def test_every_format_carries_the_speakers(store, spoken):
    """txt, md and srt say "Name: text", vtt uses voice spans, json has a speaker per segment
    (null for the line nobody was matched to); a rename shows in the next export."""
    store.rename_speaker(spoken, 1, "Ola")
    txt = store.export(spoken, "txt")
    assert txt.startswith("Ola: Welcome to the budget review.\nElena: Thanks, the numbers are in.\n")
    assert txt.endswith("\nSure.\n")
    markdown = store.export(spoken, "md")
    assert "[00:00] **Ola:** Welcome to the budget review.  \n[00:04] **Elena:** Thanks" in markdown
    assert "[00:12] **Speaker 3:** Can I add the lighthouse repairs?  \n[00:15] Sure.\n" in markdown
    srt = store.export(spoken, "srt")
    assert "2\n00:00:04,000 --> 00:00:09,000\nElena: Thanks, the numbers are in.\n" in srt
    vtt = store.export(spoken, "vtt")
    assert "00:00:12.000 --> 00:00:15.500\n<v Speaker 3>Can I add the lighthouse repairs?\n" in vtt
    segments = json.loads(store.export(spoken, "json"))["segments"]
    assert [s["speaker"] for s in segments] == ["Ola", "Elena", "Ola", "Speaker 3", None]


def test_json_segments_have_a_null_speaker_without_speakers(store):
    """Without speakers every json segment says speaker null; the other formats are as before
    (test_transcript_formats and test_recording_markdown_and_json hold them exactly)."""
    recording = _meeting(store)
    segments = json.loads(store.export(recording, "json"))["segments"]
    assert segments[0] == {"start": 0.0, "end": 2.5, "text": "Welcome, everyone.", "speaker": None}
    assert "[00:00] Welcome, everyone.  \n[00:02] Let's plan the launch.\n" in store.export(recording, "md")
