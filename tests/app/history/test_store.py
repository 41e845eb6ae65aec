"""The store's API on a real SQLite file: what goes in comes back out, privately."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta

import pytest
from history_helpers import add_meeting

from app.errors import HistoryError
from app.history import HistoryStore
from app.history.records import NewConversation
from app.records import ActionItem, Summary, SummaryItem, Turn
from models.types import Segment

SUMMARY = Summary.from_json(
    {
        "title": "Quarterly budget review",
        "overview": "The team went through the budget and agreed on the marketing spend.",
        "key_points": [{"text": "Marketing spend is over plan", "start": 4.0}],
        "decisions": [{"text": "Freeze new hires until June", "start": 8.0}],
        "action_items": [{"text": "Send the revised budget", "owner": "Alice", "due": "Friday", "start": 12.0}],
    }
)


def test_recording_round_trip(store, data_dir):
    """A recording with its transcript (added in two calls) and summary comes back whole."""
    audio = data_dir / "recordings" / "meeting.wav"
    audio.parent.mkdir()
    audio.write_bytes(b"RIFF....")
    recording = store.add_recording(audio_file=audio)
    store.add_segments(recording, [Segment(0.0, 4.0, " Hello all."), Segment(4.0, 8.0, "Budget first.")])
    store.add_segments(recording, [{"start": 8.0, "end": 12.0, "text": "Then hiring."}])
    store.finish_recording(recording, duration=12.5, language="en")
    store.save_summary(recording, SUMMARY)

    item = store.get_item(recording)
    assert item.kind == "recording" and item.status == "done" and item.duration == 12.5
    assert [s.text for s in item.segments] == ["Hello all.", "Budget first.", "Then hiring."]
    assert item.segments[2].start == 8.0
    assert item.audio_file == "recordings/meeting.wav" and item.audio_path == data_dir / "recordings/meeting.wav"
    assert item.summary == SUMMARY
    assert item.title == "Quarterly budget review"  # an automatic title follows the summary
    assert stat.S_IMODE(audio.stat().st_mode) == 0o600


def test_a_summary_comes_back_as_it_was_stored(store):
    """A Summary built item by item is stored and comes back as the same Summary."""
    recording = add_meeting(store, ["We agreed."])
    store.save_summary(
        recording,
        Summary("Title", "Overview.", (SummaryItem("A point", 1.0),), (), (ActionItem("Do it", "Bob", None, 2.0),)),
    )
    summary = store.get_item(recording).summary
    assert summary.key_points == (SummaryItem("A point", 1.0),)
    assert summary.action_items == (ActionItem("Do it", "Bob", None, 2.0),)


def test_user_title_survives_a_summary(store):
    """A title the user gave is kept when a summary arrives later."""
    recording = add_meeting(store, ["hello"])
    store.rename(recording, "  My   own title ")
    store.save_summary(recording, SUMMARY)
    assert store.get_item(recording).title == "My own title"


def test_replace_transcript(store):
    """add_segments(replace=True) swaps the transcript and its search entries."""
    recording = add_meeting(store, ["the old words about pineapples"])
    store.add_segments(recording, [Segment(0, 1, "fresh words about mangoes")], replace=True)
    assert [s.text for s in store.get_item(recording).segments] == ["fresh words about mangoes"]
    assert store.search("pineapples") == []
    assert [hit.id for hit in store.search("mangoes")] == [recording]


def test_conversation_drafts_and_picks(store):
    """Drafts are stored in order; picking one unpicks the other; picked replies feed personalization."""
    first = store.add_conversation(NewConversation("Sam: lunch?", (Turn("Sam", "Lunch tomorrow?"),), me="Kim"))
    drafts = store.add_drafts(first, ["Sure, noon works!", {"text": "Can't, sorry.", "tone": "formal"}])
    store.pick_draft(drafts[1])
    store.pick_draft(drafts[0], final_text="Sure, noon works for me!")
    turns = (Turn("Lee", "Did you see the report?"), Turn("Kim", "Not yet"))
    second = store.add_conversation(NewConversation("", turns, me="Kim"))
    [only] = store.add_drafts(second, ["Reading it now."])
    store.pick_draft(only)

    item = store.get_item(first)
    assert item.title == "Conversation with Sam" and item.me == "Kim"
    assert [(d.text, d.tone, d.picked) for d in item.drafts] == [
        ("Sure, noon works!", None, True),
        ("Can't, sorry.", "formal", False),
    ]
    assert item.drafts[0].final_text == "Sure, noon works for me!"
    assert store.picked_replies(limit=3) == ["Reading it now.", "Sure, noon works for me!"]
    assert store.picked_replies(limit=1) == ["Reading it now."]
    example = store.picked_examples(limit=1)[0]
    assert example.replied_to.speaker == "Lee" and example.replied_to.text == "Did you see the report?"


def test_ids_are_unique_across_kinds(store):
    """One id space: a recording and a conversation never share an id, so `show ID` is unambiguous."""
    chat = NewConversation("a: b", (Turn("a", "b"),))
    ids = [add_meeting(store, ["x"]), store.add_conversation(chat), add_meeting(store, ["y"])]
    assert len(set(ids)) == 3
    assert [store.get_item(i).kind for i in ids] == ["recording", "conversation", "recording"]


def test_list_filters_and_order(store):
    """Newest first; --kind and --since filter; a bad date is one sentence."""
    now = datetime.now(UTC)
    old = add_meeting(store, ["old"], created=now - timedelta(days=30))
    chat = store.add_conversation(NewConversation("x: y", (Turn("x", "y"),), created=now - timedelta(days=2)))
    new = add_meeting(store, ["new"], created=now)
    assert [i.id for i in store.list_items()] == [new, chat, old]
    assert [i.id for i in store.list_items(kind="recording")] == [new, old]
    assert [i.id for i in store.list_items(since=(now - timedelta(days=7)).date().isoformat())] == [new, chat]
    assert store.list_items()[0].snippet == "new"
    with pytest.raises(HistoryError, match="is not a date"):
        store.list_items(since="last tuesday")
    with pytest.raises(HistoryError, match="not a kind"):
        store.list_items(kind="podcast")


def test_unknown_ids_are_one_sentence(store):
    """Missing ids and wrong kinds are HistoryErrors that say what to do."""
    with pytest.raises(HistoryError, match="no item 99"):
        store.get_item(99)
    with pytest.raises(HistoryError, match="not an item id"):
        store.delete("abc")
    chat = store.add_conversation(NewConversation("x: y", (Turn("x", "y"),)))
    with pytest.raises(HistoryError, match="is a conversation, not a recording"):
        store.add_segments(chat, [Segment(0, 1, "a")])
    with pytest.raises(HistoryError, match="no reply draft"):
        store.pick_draft(12345)


def test_files_are_private_and_audio_stays_inside(store, data_dir, tmp_path):
    """The database (and its WAL) are 0600; audio outside the data folder is refused, or copied in."""
    add_meeting(store, ["hello"])
    for name in ("history.db", "history.db-wal", "history.db-shm"):
        assert stat.S_IMODE((data_dir / name).stat().st_mode) == 0o600, name
    outside = tmp_path / "elsewhere.wav"
    outside.write_bytes(b"RIFF")
    with pytest.raises(HistoryError, match="outside the data folder"):
        store.add_recording(audio_file=outside)
    relative = store.import_audio(outside)
    assert relative == "recordings/elsewhere.wav"
    assert stat.S_IMODE((data_dir / relative).stat().st_mode) == 0o600
    assert store.get_item(store.add_recording(audio_file=relative)).audio_path == data_dir / relative
    with pytest.raises(HistoryError, match="Cannot copy"):
        store.import_audio(tmp_path / "missing.wav")


def test_delete_removes_rows_and_audio(store, data_dir):
    """delete() removes the item, its child rows and its audio file."""
    (data_dir / "recordings").mkdir()
    audio = data_dir / "recordings" / "a.wav"
    audio.write_bytes(b"RIFF")
    recording = store.add_recording(audio_file="recordings/a.wav")
    store.add_segments(recording, [Segment(0, 1, "hello")])
    store.save_summary(recording, SUMMARY)
    store.delete(recording)
    assert not audio.exists()
    for table in ("items", "recordings", "segments", "summaries", "summary_items", "search_docs"):
        assert store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


def test_recover_interrupted(store):
    """Recordings a crash left in 'recording' become 'recovered'; finished ones stay 'done'."""
    done = add_meeting(store, ["a"])
    interrupted = store.add_recording()
    assert store.recover_interrupted() == [interrupted]
    assert store.get_item(interrupted).status == "recovered"
    assert store.get_item(done).status == "done"


def test_wipe_deletes_everything(store, data_dir):
    """wipe() leaves no item, search entry or audio file behind, and the store still works."""
    (data_dir / "recordings").mkdir()
    (data_dir / "recordings" / "a.wav").write_bytes(b"RIFF")
    recording = store.add_recording(audio_file="recordings/a.wav")
    store.add_segments(recording, [Segment(0, 1, "zanzibar")])
    store.add_conversation(NewConversation("x: zanzibar", (Turn("x", "zanzibar"),)))
    store.wipe()
    assert store.list_items() == []
    assert (
        store.db.execute("SELECT count(*) FROM search_docs_fts WHERE search_docs_fts MATCH 'zanzibar'").fetchone()[0]
        == 0
    )
    assert not (data_dir / "recordings" / "a.wav").exists()
    assert b"zanzibar" not in (data_dir / "history.db").read_bytes()
    assert store.search("zanzibar") == []
    assert store.add_conversation(NewConversation("a: b", (Turn("a", "b"),))) > 0


def test_closed_store_says_so(data_dir):
    """Using a closed store is a HistoryError, not an sqlite3 error."""
    history = HistoryStore.open(data_dir / "history.db", data_dir)
    history.close()
    with pytest.raises(HistoryError, match="closed"):
        history.list_items()
