"""Asking the history with the real default model over a real history file: a fact said in
one of three recordings is found and cited at the moment it was said; something never said
is "not found" (without loading a model); a deleted recording is never cited again; what one
person thought is answered from the stretch where she said it."""

from __future__ import annotations

import pytest

from app.assistant.ask_history import NOT_FOUND, AskTask
from app.history import HistoryStore
from app.paths import DataDir
from app.tasks.ask import ask_history
from app.tasks.events import Done
from models.types import Segment

MEETINGS = {
    "Launch sync": [
        "Good morning everyone.",
        "The coffee machine is broken again.",
        "First the launch date.",
        "We moved the launch to March the twelfth because the login flow is not ready.",
        "Elena will send the login report on Thursday.",
        "Marcus takes the press release.",
    ],
    "Team planning": [
        "Let's start.",
        "About hiring.",
        "We decided to hire two engineers in the spring.",
        "The budget for that is fixed.",
    ],
    "Client call": [
        "The client liked the prototype.",
        "They want the demo moved to the fourth of May.",
        "Sam will update the slides.",
    ],
}


@pytest.fixture
def history(data_dir):
    store = HistoryStore.for_data_dir(DataDir(data_dir).ensure())
    ids = {}
    for title, lines in MEETINGS.items():
        recording = store.add_recording(title)
        store.add_segments(recording, [Segment(4.0 * i, 4.0 * (i + 1), line) for i, line in enumerate(lines)])
        store.finish_recording(recording, duration=4.0 * len(lines))
        ids[title] = recording
    yield store, ids
    store.close()


def _ask(store, question: str, load_model) -> object:
    events = list(ask_history(load_model, store, AskTask(question)))
    assert isinstance(events[-1], Done)
    return events[-1].result


def test_a_fact_is_found_and_cited_at_the_moment_it_was_said(history, smollm):
    store, ids = history
    answer = _ask(store, "When is Elena sending the login report?", lambda: smollm)
    assert answer.found and "Thursday" in answer.text, answer
    (citation, *_) = answer.citations
    assert (citation.item_id, citation.title, citation.start) == (ids["Launch sync"], "Launch sync", 16.0)
    demo = _ask(store, "When is the client demo?", lambda: smollm)
    assert "May" in demo.text and demo.citations[0].item_id == ids["Client call"], demo


def test_something_never_said_is_not_found(history):
    store, _ = history

    def no_model():
        raise AssertionError("no model is needed to say that nothing was found")

    for question in ("What did we decide about the office dog?", "Who is organizing the summer party?"):
        answer = _ask(store, question, no_model)
        assert answer.text == NOT_FOUND and not answer.citations


def test_a_deleted_recording_is_never_cited_again(history, smollm):
    store, ids = history
    assert _ask(store, "What did we decide about hiring?", lambda: smollm).found
    store.delete(ids["Team planning"])
    answer = _ask(store, "What did we decide about hiring?", lambda: smollm)
    assert answer.text == NOT_FOUND and not answer.citations


def test_a_discussion_is_answered_from_where_it_was_discussed(data_dir, smollm):
    """Asked what one person thought, the answer rests on the stretch where she talked about it,
    in another recording than the fact-finding ones, and cites turns of that stretch."""
    store = HistoryStore.for_data_dir(DataDir(data_dir).ensure())
    small_talk = [("Marcus", "Morning. The coffee machine is broken again."), ("Elena", "Let's get started.")]
    travel = [("Marcus", "Then the travel budget: the hotel rates and the trains went up again this year.")] * 30
    talk = [
        ("Marcus", "Now the parser interface."),
        ("Elena", "I think the parser interface should hand the modules a plain tree."),
        ("Marcus", "And the generator?"),
        ("Elena", "The generator should never see the parser's internals, so the interface stays small."),
    ]
    turns = [*small_talk, *travel, *talk, *travel]
    recording = store.add_recording("Architecture review")
    store.add_segments(recording, [Segment(4.0 * i, 4.0 * (i + 1), t, speaker=s) for i, (s, t) in enumerate(turns)])
    store.finish_recording(recording, duration=4.0 * len(turns))
    try:
        answer = _ask(store, "What did Elena think about the parser interface?", lambda: smollm)
    finally:
        store.close()
    first = 4.0 * turns.index(talk[0])
    assert answer.found, answer
    assert {c.item_id for c in answer.citations} == {recording}
    assert all(first <= c.start < first + 4.0 * len(talk) + 4.0 * len(travel) for c in answer.citations), answer
    elena_said = {text for speaker, text in talk if speaker == "Elena"}
    assert any(c.text in elena_said for c in answer.citations), answer
