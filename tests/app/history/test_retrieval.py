"""The passages a question is answered from (confide ask): found by what the question means
to ask about, narrowed to the sentences that say it, with the time they were said; nothing
when the history does not hold enough of the question."""

from __future__ import annotations

from history_helpers import add_meeting

from app.history.retrieval import question_words

SMALL_TALK = ["Good morning everyone.", "The coffee machine is broken again.", "Let's get started then."]
LAUNCH = [
    *SMALL_TALK,
    "First the launch date.",
    "We moved the launch to March the twelfth because the login flow is not ready.",
    "Elena will send the login report on Thursday.",
    "Marcus takes the press release.",
    "That's all for today.",
]
HIRING = [
    *SMALL_TALK,
    "About hiring.",
    "We decided to hire two engineers in the spring.",
    "The budget for that is fixed.",
    "Thanks all.",
]


def test_question_words_leave_out_how_it_is_asked():
    assert question_words("When is Elena sending the login report?") == ["elena", "sending", "login", "report"]
    assert question_words("What did we decide about hiring?") == ["decide", "hiring"]


def test_a_word_that_frames_the_question_is_not_its_topic(store):
    """Asked for "the disadvantages of the vendor", the talk that answers it says "problem", and the one
    meeting that says "disadvantage" (about something else) is no answer."""
    assert question_words("What were the disadvantages of the vendor and other options?") == ["vendor"]
    assert question_words("What are the options?") == ["options"]  # alone, it is the topic
    vendor = add_meeting(
        store, [*SMALL_TALK, "The problem with the vendor is that their support takes a week to answer."]
    )
    add_meeting(store, [*SMALL_TALK, "The only disadvantage of the new chairs is the colour."])
    (best, *_) = store.passages("What were the disadvantages of the vendor and other options?")
    assert best.item_id == vendor and "support takes a week" in best.text


def test_a_fact_is_found_in_its_recording_at_the_moment_it_was_said(store):
    launch = add_meeting(store, LAUNCH, title="Launch sync")
    add_meeting(store, HIRING, title="Team planning")
    (best, *_) = store.passages("When is Elena sending the login report?")
    assert best.item_id == launch and best.title == "Launch sync" and best.kind == "recording"
    assert "Elena will send the login report on Thursday." in best.text
    assert best.start == 5 * 4.0
    assert len(best.text) < 400  # the sentences that answer, not the whole transcript


def test_other_forms_of_a_word_count(store):
    """'decide' finds 'decided', 'hiring' finds 'hire', and 'two' finds '2'."""
    hiring = add_meeting(store, HIRING, title="Team planning")
    add_meeting(store, LAUNCH)
    (best, *_) = store.passages("What did we decide about hiring?")
    assert best.item_id == hiring and "hire two engineers" in best.text
    add_meeting(store, [*SMALL_TALK, "The order is 2 monitors and a desk."])
    assert "2 monitors" in store.passages("Who ordered two monitors?")[0].text


def test_a_question_the_history_does_not_answer_finds_nothing(store):
    """Passages that share a word or two of the question are not an answer to it."""
    add_meeting(store, LAUNCH)
    add_meeting(store, HIRING)
    assert store.passages("What did the client say about the prototype date?") == []
    assert store.passages("What did we decide about the office dog?") == []
    assert store.passages("what?") == []


def test_one_recording_or_a_date_range_can_be_asked(store):
    from datetime import UTC, datetime

    old = add_meeting(store, HIRING, created=datetime(2025, 1, 5, tzinfo=UTC))
    new = add_meeting(store, [*SMALL_TALK, "We decided to hire one designer, not two engineers."])
    assert {p.item_id for p in store.passages("hire engineers")} == {old, new}
    assert {p.item_id for p in store.passages("hire engineers", item_id=old)} == {old}
    assert {p.item_id for p in store.passages("hire engineers", since="2026-01-01")} == {new}


def test_a_deleted_recording_is_never_a_passage_again(store):
    launch = add_meeting(store, LAUNCH)
    assert store.passages("login report")
    store.delete(launch)
    assert store.passages("login report") == []


def test_what_was_said_comes_before_titles_and_summaries(store):
    """'When does the launch move?' is answered by the sentence that said it, not by a title
    ('Launch moves to March') nor, at the same cover, by the summary a model wrote."""
    from app.records import Summary

    launch = add_meeting(store, LAUNCH, title="Launch moves to March")
    store.save_summary(
        launch,
        Summary.from_json(
            {
                "title": "Launch moves to March",
                "overview": "The launch moves to March.",
                "key_points": [],
                "decisions": [],
                "action_items": [],
            }
        ),
    )
    passages = store.passages("When does the launch move?")
    assert passages[0].source == "transcript" and "moved the launch to March" in passages[0].quote
    assert "title" not in {p.source for p in passages}


def test_at_the_same_cover_the_meeting_that_discusses_it_comes_before_one_that_mentions_it(store):
    """Two meetings say 'parser interface'; the one where it was discussed at length comes
    first, though a short mention in passing ranks higher on its own (BM25 likes short texts)."""
    add_meeting(store, [*SMALL_TALK, "By the way, the parser interface is fine."])
    filler = "The rest of that part was about timing, tests and who reviews what next week."
    discussion = [*SMALL_TALK]
    for round_ in range(4):  # each mention among enough other talk to be a passage of its own
        discussion += [f"Point {round_ + 1}: the parser interface hands the modules a tree.", *[filler] * 14]
    discussed = add_meeting(store, discussion, title="Parser review")
    passages = store.passages("What is the parser interface?")
    assert len({p.item_id for p in passages}) == 2
    assert passages[0].item_id == discussed
