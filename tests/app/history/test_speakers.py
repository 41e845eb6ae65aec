"""Who said what: speakers stored with a transcript, read back by name, and the user's edits
(rename, merge, move), each kept after the history is closed and opened again."""

from __future__ import annotations

import pytest
from history_helpers import SPOKEN, add_meeting

from app.errors import HistoryError
from app.history import HistoryStore
from app.history.records import NewConversation, NewRecording
from app.records import Turn
from models.types import Segment


def _names(store, recording) -> list[str | None]:
    return [segment.speaker for segment in store.get_item(recording).segments]


def _reopened(store) -> HistoryStore:
    store.close()
    return HistoryStore.open(store.path, store.data_root)


def test_segments_with_speakers_round_trip(store, spoken):
    """Each segment comes back with the name it was stored with (None where none was given),
    and the speakers are numbered in order of first appearance with what each said."""
    with _reopened(store) as again:
        assert [s.speaker for s in again.get_item(spoken).segments] == [s.speaker for s in SPOKEN]
        listed = again.speakers(spoken)
    assert [(s.number, s.name, s.label, s.segments, s.seconds) for s in listed] == [
        (1, None, "Speaker 1", 2, 7.0),
        (2, "Elena", "Elena", 1, 5.0),
        (3, None, "Speaker 3", 1, 3.5),
    ]


def test_unnamed_speakers_are_numbered_by_first_appearance(store):
    """'Speaker N' is a speaker nobody has named: its number is its place in the order of
    appearance, whatever N the transcriber gave."""
    segments = [Segment(0, 1, "One.", speaker="Speaker 2"), Segment(1, 2, "Two.", speaker="Speaker 1")]
    recording = store.save_recording(NewRecording("Swapped", segments=tuple(segments)))
    assert _names(store, recording) == ["Speaker 1", "Speaker 2"]
    assert [s.name for s in store.speakers(recording)] == [None, None]


def test_a_transcript_without_speakers_is_stored_as_before(store):
    """No speaker on any segment: no speakers, every segment's speaker None, search unchanged."""
    recording = add_meeting(store, ["Plain words here.", "More words."])
    assert store.speakers(recording) == []
    assert _names(store, recording) == [None, None]
    assert store.search("plain")[0].snippet.startswith("[Plain] words")


def test_appended_segments_find_the_speakers_stored_before(store):
    """A second batch (live transcription) adds to the speakers the first one made."""
    recording = store.add_recording("Live")
    store.add_segments(recording, [Segment(0, 1, "Hi.", speaker="Speaker 1"), Segment(1, 2, "Hey.", speaker="Ola")])
    store.add_segments(recording, [Segment(2, 3, "Bye.", speaker="Ola"), Segment(3, 4, "Ciao.", speaker="Speaker 3")])
    listed = [(s.label, s.segments) for s in store.speakers(recording)]
    assert listed == [("Speaker 1", 1), ("Ola", 2), ("Speaker 3", 1)]


def test_a_replaced_transcript_brings_its_own_speakers(store, spoken):
    """replace_transcript drops the old speakers with the old segments."""
    store.replace_transcript(spoken, [Segment(0, 1, "Again.", speaker="Speaker 1")])
    assert [(s.label, s.segments) for s in store.speakers(spoken)] == [("Speaker 1", 1)]


def test_rename_persists_and_every_segment_follows(store, spoken):
    """Naming Speaker 1 names both of their lines, after a reopen too; their own label takes
    the name away again."""
    renamed = store.rename_speaker(spoken, "speaker 1", "  Marta   Ruiz ")
    assert (renamed.number, renamed.label, renamed.segments) == (1, "Marta Ruiz", 2)
    with _reopened(store) as again:
        assert [s.speaker for s in again.get_item(spoken).segments][:3] == ["Marta Ruiz", "Elena", "Marta Ruiz"]
        again.rename_speaker(spoken, 1, "Speaker 1")
        assert again.speakers(spoken)[0].name is None


def test_rename_refuses_what_would_confuse_two_speakers(store, spoken):
    """An empty name, another speaker's name (the message says to merge), another unnamed
    label and an unknown speaker are each one sentence, and nothing changes."""
    for speaker, name, message in (
        (1, "   ", "cannot be empty"),
        (1, "elena", "already has a speaker called elena; if they are one person, merge them"),
        (1, "Speaker 7", "how Confide shows a speaker nobody has named"),
        (1, "42", "cannot be just a number"),
        ("Bob", "Rob", "has no speaker 'Bob'; its speakers are Speaker 1, Elena, Speaker 3"),
    ):
        with pytest.raises(HistoryError, match=message):
            store.rename_speaker(spoken, speaker, name)
    assert [s.label for s in store.speakers(spoken)] == ["Speaker 1", "Elena", "Speaker 3"]


def test_the_merge_hint_names_both_speakers_by_number(store, spoken):
    """The refusal of a second Elena gives the command that makes them one."""
    with pytest.raises(HistoryError, match=f"`confide history merge-speakers {spoken} 3 2`"):
        store.rename_speaker(spoken, "Speaker 3", "Elena")


def test_merge_persists(store, spoken):
    """Speaker 3's line becomes Elena's and Speaker 3 is gone, after a reopen too."""
    merged = store.merge_speakers(spoken, "Speaker 3", "Elena")
    assert (merged.label, merged.segments, merged.seconds) == ("Elena", 2, 8.5)
    with _reopened(store) as again:
        assert [s.label for s in again.speakers(spoken)] == ["Speaker 1", "Elena"]
        assert again.get_item(spoken).segments[3].speaker == "Elena"
        with pytest.raises(HistoryError, match="merged into themselves"):
            again.merge_speakers(spoken, "elena", 2)


def test_move_persists_to_an_existing_a_new_named_and_a_new_unnamed_speaker(store, spoken):
    """A segment moves to Elena, then to a new "Ines", then to a new unnamed speaker; the
    speaker a move leaves without lines is gone."""
    assert store.move_segment(spoken, 3, "Elena").label == "Elena"  # Speaker 3 had only this line
    assert [s.label for s in store.speakers(spoken)] == ["Speaker 1", "Elena"]
    assert store.move_segment(spoken, 4, "Ines").number == 3  # a line nobody was matched to
    assert store.move_segment(spoken, 0, None).label == "Speaker 4"
    with _reopened(store) as again:
        assert [s.speaker for s in again.get_item(spoken).segments] == [
            "Speaker 4",
            "Elena",
            "Speaker 1",
            "Elena",
            "Ines",
        ]


def test_move_refuses_a_segment_or_speaker_that_is_not_there(store, spoken):
    """Out-of-range positions and an unknown 'Speaker N' are one sentence each."""
    for segment, to, message in (
        (5, "Elena", "no segment 5; they are numbered 0 to 4"),
        (-1, "Elena", "no segment -1"),
        (0, "Speaker 9", "has no speaker 'Speaker 9'"),
        (0, "7", "has no speaker '7'"),
    ):
        with pytest.raises(HistoryError, match=message):
            store.move_segment(spoken, segment, to)


def test_search_finds_a_speaker_by_the_name_given_later(store, spoken):
    """The transcript is indexed as "Name: text": after a rename the new name is found at the
    time of their line, and after a merge into Elena it is not found any more."""
    assert store.search("Marta") == []
    store.rename_speaker(spoken, 3, "Marta")
    hits = store.search("Marta lighthouse")
    assert [(hit.id, hit.start) for hit in hits] == [(spoken, 12.0)]
    assert "[Marta]: Can I add the [lighthouse] repairs?" in hits[0].snippet
    store.merge_speakers(spoken, "Marta", "Elena")
    assert store.search("Marta") == []
    assert [hit.id for hit in store.search("Elena lighthouse")] == [spoken]


def test_the_list_preview_follows_a_rename(store, spoken):
    """The list's snippet (the transcript's start) shows the speakers' names as they are now."""
    assert store.list_items()[0].snippet.startswith("Speaker 1: Welcome to the budget review. Elena: Thanks")
    store.rename_speaker(spoken, 1, "Ola")
    assert store.list_items()[0].snippet.startswith("Ola: Welcome to the budget review.")


def test_edits_refuse_an_item_that_is_not_a_recording(store):
    """A conversation has no speakers to edit."""
    chat = store.add_conversation(NewConversation("Jo: hi", (Turn("Jo", "hi"),)))
    with pytest.raises(HistoryError, match="is a conversation, not a recording"):
        store.speakers(chat)


def test_deleting_a_recording_takes_its_speakers(store, spoken):
    """Speakers cascade with their recording; the database's links stay whole."""
    store.delete(spoken)
    assert store.db.execute("SELECT count(*) FROM speakers").fetchone()[0] == 0
    assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_speaker_name_with_control_characters_is_refused(store):
    """A name is printed on a terminal: an escape sequence in it is refused, not stored."""
    with pytest.raises(HistoryError, match="control characters"):
        store.save_recording(NewRecording("x", segments=(Segment(0, 1, "Hi.", speaker="Eve\x1b[31m"),)))
    assert store.list_items() == []
