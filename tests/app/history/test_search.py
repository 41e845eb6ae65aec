"""Full-text search on a real file: what it finds, in which order, and what it forgets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from history_helpers import add_meeting

from app.errors import HistoryError
from app.history.records import NewConversation
from app.records import Summary, Turn

FILLER = ["We looked at the numbers again.", "Nothing else came up.", "Coffee was cold today."]


def test_finds_words_from_every_source(store):
    """Words of a transcript, a summary, a conversation and a reply are all found, each in its item."""
    meeting = add_meeting(store, FILLER + ["The kangaroo logistics plan is late."])
    summarized = add_meeting(store, FILLER)
    store.save_summary(
        summarized,
        Summary.from_json(
            {
                "title": "Sync",
                "overview": "Talked about the aquarium.",
                "key_points": [],
                "decisions": [],
                "action_items": [],
            }
        ),
    )
    chat = store.add_conversation(
        NewConversation("Ana: the trampoline arrived", (Turn("Ana", "The trampoline arrived"),))
    )
    replied = store.add_conversation(NewConversation("Bo: hi", (Turn("Bo", "hi"),)))
    store.add_drafts(replied, ["Let's meet at the observatory."])

    expected = {
        "kangaroo": (meeting, "transcript"),
        "aquarium": (summarized, "summary"),
        "trampoline": (chat, "conversation"),
        "observatory": (replied, "reply"),
    }
    for word, (item_id, source) in expected.items():
        hits = store.search(word)
        assert [(h.id, h.source) for h in hits] == [(item_id, source)], word
        assert f"[{word}]" in hits[0].snippet.lower()


def test_phrase_ranks_above_scattered_words(store):
    """An item saying "budget review" together ranks above one with the words far apart,
    even when the scattered one says them more often."""
    scattered = add_meeting(
        store,
        ["The budget is tight.", "The budget again.", *FILLER, "Peer review is next week.", "Another review later."],
    )
    phrase = add_meeting(store, [*FILLER, "Then the budget review started."])
    hits = store.search("budget review")
    assert [hit.id for hit in hits] == [phrase, scattered]
    assert "[budget review]" in hits[0].snippet  # the phrase is highlighted as one


def test_words_spread_over_title_and_transcript_still_match(store):
    """All the words must be in the item, but not necessarily in the same passage."""
    item = add_meeting(store, ["We discussed the zeppelin."], title="Hangar planning")
    assert [hit.id for hit in store.search("hangar zeppelin")] == [item]
    assert store.search("hangar submarine") == []


def test_transcript_hit_knows_its_time(store):
    """A transcript hit carries the start of the segment that holds the word, deep in a long recording."""
    lines = [f"Filler sentence number {i} about nothing in particular at all." for i in range(400)]
    lines[321] = "Here the xylophone finally came up."
    recording = add_meeting(store, lines, seconds_per_line=3.0)
    [hit] = store.search("xylophone")
    assert hit.id == recording and hit.source == "transcript"
    assert hit.start == pytest.approx(321 * 3.0)
    assert hit.snippet.startswith("…") and "[xylophone]" in hit.snippet
    assert hit.plain_snippet[slice(*hit.highlights[0])] == "xylophone"


def test_summary_hit_knows_its_time(store):
    """A hit on a timed summary item carries that item's time; an untimed overview has none."""
    recording = add_meeting(store, FILLER)
    store.save_summary(
        recording,
        Summary.from_json(
            {
                "title": "T",
                "overview": "General chat about walruses.",
                "key_points": [{"text": "The penguin budget was approved", "start": 42.0}],
                "decisions": [],
                "action_items": [],
            }
        ),
    )
    assert store.search("penguin")[0].start == 42.0
    assert store.search("walruses")[0].start is None


def test_kind_and_date_filters(store):
    """--kind and --since narrow the results."""
    now = datetime.now(UTC)
    old = add_meeting(store, ["the saxophone case"], created=now - timedelta(days=40))
    new = add_meeting(store, ["a saxophone solo"], created=now)
    chat = store.add_conversation(NewConversation("x: saxophone", (Turn("x", "saxophone lessons?"),)))
    assert {h.id for h in store.search("saxophone")} == {old, new, chat}
    assert {h.id for h in store.search("saxophone", kind="recording")} == {old, new}
    assert {h.id for h in store.search("saxophone", kind="conversation")} == {chat}
    since = (now - timedelta(days=7)).date().isoformat()
    assert {h.id for h in store.search("saxophone", since=since)} == {new, chat}
    assert len(store.search("saxophone", limit=1)) == 1


def test_stemming_prefix_and_odd_input(store):
    """Stems match ("meetings" finds "meeting"), a trailing * is a prefix, and FTS syntax typed
    by the user is taken as plain words, never as an error."""
    item = add_meeting(store, ["The meeting about photosynthesis ran long."])
    assert [h.id for h in store.search("meetings")] == [item]
    assert [h.id for h in store.search("photosyn*")] == [item]
    for odd in ['"unbalanced', "NEAR(a b", "a AND OR", "col:meeting", "-meeting", "(", "***", ""]:
        store.search(odd)  # must not raise
    assert [h.id for h in store.search('"meeting')] == [item]
    assert store.search("   ") == []
    with pytest.raises(HistoryError, match="not a kind"):
        store.search("meeting", kind="note")


def test_deleted_items_are_forgotten(store, data_dir):
    """After delete(), the words are in no table, no FTS entry and no byte of the database file."""
    secret = "quetzalcoatl"
    doomed = add_meeting(store, ["Our secret codename is quetzalcoatl."])
    store.save_summary(
        doomed,
        Summary.from_json(
            {
                "title": "Codename",
                "overview": f"Codename {secret} chosen.",
                "key_points": [],
                "decisions": [],
                "action_items": [],
            }
        ),
    )
    chat = store.add_conversation(NewConversation(f"Max: {secret}?", (Turn("Max", f"{secret}?"),)))
    store.add_drafts(chat, [f"Yes, {secret}."])
    kept = add_meeting(store, ["Nothing secret here."])
    assert {h.id for h in store.search(secret)} == {doomed, chat}

    store.delete(doomed)
    store.delete(chat)
    assert store.search(secret) == []
    db = store.db
    assert db.execute("SELECT count(*) FROM search_docs_fts WHERE search_docs_fts MATCH ?", [secret]).fetchone()[0] == 0
    db.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, 'search_docs_fts', 'row')")
    assert db.execute("SELECT count(*) FROM temp.vocab WHERE term LIKE 'quetzal%'").fetchone()[0] == 0
    db.execute("INSERT INTO search_docs_fts (search_docs_fts) VALUES ('integrity-check')")
    assert [h.id for h in store.search("secret")] == [kept]
    for name in ("history.db", "history.db-wal"):
        path = data_dir / name
        assert not path.exists() or secret.encode() not in path.read_bytes(), name


def test_words_said_everywhere_rank_the_newest_passages(store, monkeypatch):
    """Work per query is bounded: when a word is in more passages than the window, the newest
    ones compete (each kind has its own window); rarer words still reach the oldest item."""
    from app.history import search as search_module

    monkeypatch.setattr(search_module, "WINDOW", 4)
    meetings = [
        add_meeting(store, [f"Coffee talk number {i}."] + (["The zebra escaped."] if i == 0 else [])) for i in range(10)
    ]
    chats = [
        store.add_conversation(NewConversation(f"Al: coffee {i}?", (Turn("Al", f"Coffee {i}?"),))) for i in range(2)
    ]
    hits = store.search("coffee")
    assert [h.id for h in hits if h.kind == "recording"] == meetings[::-1][:4]
    assert sorted(h.id for h in hits if h.kind == "conversation") == chats
    assert [h.id for h in store.search("coffee", kind="conversation")] == chats[::-1]
    assert [h.id for h in store.search("zebra")] == [meetings[0]]
    assert [h.id for h in store.search("zebra escaped")] == [meetings[0]]


def test_an_old_phrase_is_not_lost_behind_newer_scattered_words(store, monkeypatch):
    """With more passages holding the words than the window, the one item saying them as a
    phrase, though the oldest, still comes first."""
    from app.history import search as search_module

    monkeypatch.setattr(search_module, "WINDOW", 4)
    oldest = add_meeting(store, ["Time for the budget review."])
    newer = [add_meeting(store, [f"The budget is fine {i}.", "A review is due."]) for i in range(8)]
    hits = store.search("budget review")
    assert hits[0].id == oldest and "[budget review]" in hits[0].snippet
    assert {h.id for h in hits[1:]} == set(newer[-4:])


def test_compounds_are_found_written_as_one_word_or_two(store):
    """'helpdesk' finds a meeting that said "help desk" (and "help-desk"), and "help desk" finds
    one that said "helpdesk"; the snippet highlights what was said."""
    spaced = add_meeting(store, [*FILLER, "The help desk queue doubled this week."])
    hyphened = add_meeting(store, [*FILLER, "Our help-desk tickets are late."])
    joined = add_meeting(store, [*FILLER, "The Helpdesk needs two more agents."])
    assert {h.id for h in store.search("helpdesk")} == {spaced, hyphened, joined}
    assert {h.id for h in store.search("Help desk")} == {spaced, hyphened, joined}
    hits = {h.id: h.snippet for h in store.search("helpdesk")}
    assert "[help desk]" in hits[spaced] and "[Helpdesk]" in hits[joined]
    assert {h.id for h in store.search("help desk queue")} == {spaced}


def test_word_forms_of_one_family_find_each_other(store):
    """decide / decided / decision find one another, as do similar verb and noun pairs; words
    that only look alike do not ("state" is not "station", "therapist" is not "the rapist")."""
    decision = add_meeting(store, [*FILLER, "The decision on pricing waits for Marcus."])
    decided = add_meeting(store, [*FILLER, "We decided to move the launch."])
    deliver = add_meeting(store, [*FILLER, "Delivery of the boxes is on Monday."])
    add_meeting(store, [*FILLER, "The station was closed, then the rapist trial story came up."])
    for query in ("decide", "decided", "decision", "decisions", "deciding"):
        assert {h.id for h in store.search(query)} == {decision, decided}, query
    assert [h.id for h in store.search("deliver")] == [deliver]
    assert store.search("state") == [] and store.search("therapist") == []
    assert [h.id for h in store.search("decision pricing")] == [decision]
