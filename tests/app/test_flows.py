"""app.flows: what the command line and the window store in the history, each one way - a speech
result, recovered recordings, a summarized transcript, a conversation with its drafts."""

from __future__ import annotations

import os

from app.assistant.transcript_input import TranscriptSegment
from app.audio.recovery import RecoveredRecording
from app.flows import save_conversation, save_speech_result, save_summarized_transcript, store_recovered
from app.history import HistoryStore
from app.history.records import NewConversation
from app.records import Summary, SummaryItem, Turn
from app.tasks.transcribe import SpeechResult
from models.types import Segment


def open_history(data_dir) -> HistoryStore:
    return HistoryStore.open(data_dir / "history.db", data_dir)


def outside_audio(tmp_path, name="meeting.wav"):
    source = tmp_path / "outside" / name
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(b"RIFF" + os.urandom(64))
    return source


def test_an_imported_file_is_copied_in_with_its_transcript(data_dir, tmp_path):
    """An import's audio is copied into the data folder (the outside file stays where it was),
    with its transcript, duration and language; without a title it is named by its date."""
    source = outside_audio(tmp_path)
    result = SpeechResult(
        str(source),
        4.0,
        (Segment(0.0, 2.0, "Hello."), Segment(2.0, 4.0, "Budget.")),
        "en",
        title="meeting",
        imported_from=str(source),
    )
    with open_history(data_dir) as store:
        item = store.get_item(save_speech_result(store, result))
        named = store.get_item(save_speech_result(store, result, title="Budget call"))
    assert source.exists() and item.audio_path.parent == data_dir / "recordings" and item.audio_path.exists()
    assert [s.text for s in item.segments] == ["Hello.", "Budget."]
    assert (item.duration, item.language, item.status) == (4.0, "en", "done")
    assert item.title.startswith("Recording ") and named.title == "Budget call"


def test_a_recording_is_stored_where_it_was_made(data_dir):
    """A microphone recording is already in recordings/: it is stored in place, not copied."""
    audio = data_dir / "recordings" / "made.wav"
    audio.parent.mkdir()
    audio.write_bytes(b"RIFF" + os.urandom(64))
    with open_history(data_dir) as store:
        item = store.get_item(save_speech_result(store, SpeechResult(str(audio), 1.0, (Segment(0, 1, "Hi."),))))
    assert item.audio_path == audio and sorted(p.name for p in audio.parent.iterdir()) == ["made.wav"]


def test_recovered_recordings_are_listed_as_recovered(data_dir):
    """Each recording repaired after a crash becomes an item of status 'recovered', in order,
    with its duration and no transcript yet."""
    folder = data_dir / "recordings"
    folder.mkdir()
    found = []
    for name, seconds in (("a.wav", 3.0), ("b.wav", 7.5)):
        (folder / name).write_bytes(b"RIFF" + os.urandom(64))
        found.append(RecoveredRecording(folder / name, seconds))
    with open_history(data_dir) as store:
        items = [store.get_item(item_id) for item_id in store_recovered(store, found)]
        assert store_recovered(store, []) == []
    assert [(i.audio_path.name, i.duration, i.status, i.segments) for i in items] == [
        ("a.wav", 3.0, "recovered", ()),
        ("b.wav", 7.5, "recovered", ()),
    ]


def test_a_summarized_transcript_becomes_a_recording_named_by_its_summary(data_dir):
    """A pasted transcript without times is stored at 0 s with its summary, titled by the
    summary, and has no duration (no audio); a summary without a title leaves the file's name."""
    summary = Summary("Budget review", "The budget was agreed.", (SummaryItem("Agreed", 0.0),), (), ())
    segments = [TranscriptSegment(None, None, "We agree on the budget."), TranscriptSegment(5.0, 6.0, "Good.")]
    with open_history(data_dir) as store:
        item = store.get_item(save_summarized_transcript(store, "notes", segments, summary))
        untitled = store.get_item(save_summarized_transcript(store, "notes", segments, Summary("", "Short.")))
    assert item.title == "Budget review" and item.duration is None
    assert [(s.start, s.end, s.text) for s in item.segments] == [
        (0.0, 0.0, "We agree on the budget."),
        (5.0, 6.0, "Good."),
    ]
    assert item.summary.overview == "The budget was agreed."
    assert untitled.title == "notes"


def test_a_conversation_drafted_again_stays_one_entry(data_dir):
    """Drafting into a stored entry adds the drafts there and follows a new choice of who the
    user is; into an entry deleted meanwhile, the drafts start a new entry with the turns."""
    turns = (Turn("Anna", "Lunch on Friday?"), Turn("Ben", "Maybe."))
    first = NewConversation("Anna: Lunch on Friday?\nBen: Maybe.", turns, "Ben", drafts=("Yes!",), tone="friendly")
    with open_history(data_dir) as store:
        entry = save_conversation(store, first)
        again = NewConversation(first.raw, first.turns, "Anna", drafts=("See you then.",))
        assert save_conversation(store, again, into=entry) == entry
        stored = store.get_item(entry)
        store.delete(entry)
        fresh = save_conversation(store, again, into=entry)
        new = store.get_item(fresh)
    assert [d.text for d in stored.drafts] == ["Yes!", "See you then."] and stored.me == "Anna"
    assert [d.text for d in new.drafts] == ["See you then."] and new.me == "Anna"
    assert new.turns == turns  # the same records back, not dicts or tuples
