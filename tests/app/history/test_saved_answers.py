"""Questions asked of the history, kept only when the user saves them: an item of their own,
listed and found by search, never cited by a later answer, keeping a citation's words when the
cited recording is deleted."""

from __future__ import annotations

import json

import pytest

from app.assistant.ask_history import Citation, HistoryAnswer
from app.errors import HistoryError
from app.history.records import AnswerDetail, NewRecording
from models.types import Segment

SAID = "We decided the lighthouse budget is forty thousand euros."


@pytest.fixture
def recording_id(store):
    return store.save_recording(NewRecording(title="Budget", segments=(Segment(12.0, 16.0, SAID),)))


def answer_about(recording_id: int) -> HistoryAnswer:
    return HistoryAnswer(
        "What budget did we decide for the lighthouse?",
        "The lighthouse budget is forty thousand euros.",
        (Citation(recording_id, "recording", "Budget", 12.0, SAID),),
    )


def test_a_saved_answer_is_an_item_found_by_search(store, recording_id):
    saved = store.save_answer(answer_about(recording_id), scope_id=recording_id)
    item = store.get_item(saved)
    assert isinstance(item, AnswerDetail) and item.kind == "question"
    assert (
        item.title == "What budget did we decide for the lighthouse?" and item.found and item.scope_id == recording_id
    )
    assert [(c.item_id, c.start, c.text) for c in item.citations] == [(recording_id, 12.0, SAID)]
    assert [(i.id, i.kind, i.snippet) for i in store.list_items("question")] == [
        (saved, "question", "The lighthouse budget is forty thousand euros.")
    ]
    hits = store.search("lighthouse budget")
    assert {hit.id for hit in hits} == {recording_id, saved}
    assert [hit.id for hit in store.search("lighthouse", kind="question")] == [saved]


def test_an_answer_never_rests_on_a_saved_answer(store, recording_id):
    """Only what was said is a passage: the saved answer's words are the model's."""
    store.save_answer(answer_about(recording_id))
    store.delete(recording_id)
    assert store.passages("What budget did we decide for the lighthouse?") == []


def test_a_deleted_source_keeps_its_words_and_loses_its_link(store, recording_id):
    saved = store.save_answer(answer_about(recording_id), scope_id=recording_id)
    store.delete(recording_id)
    item = store.get_item(saved)
    assert item.scope_id is None
    assert [(c.item_id, c.text) for c in item.citations] == [(None, SAID)]
    assert "deleted since" in store.export(saved, "md")


def test_exports_and_delete(store, recording_id):
    saved = store.save_answer(answer_about(recording_id))
    markdown = store.export(saved, "md")
    assert "**Q:** What budget did we decide for the lighthouse?" in markdown
    assert f"“Budget” (recording {recording_id}) at 0:12: {SAID}" in markdown
    data = json.loads(store.export(saved, "json"))
    assert data["kind"] == "question" and data["citations"][0]["id"] == recording_id
    with pytest.raises(HistoryError, match="exports as md, json"):
        store.export(saved, "srt")
    store.delete(saved)
    assert store.search("lighthouse", kind="question") == []
    assert [i.id for i in store.list_items()] == [recording_id]


def test_a_question_without_words_is_not_saved(store):
    with pytest.raises(HistoryError, match="no question to save"):
        store.save_answer(HistoryAnswer(" ", "I could not find that in your history.", ()))
    assert store.list_items() == []


def test_a_long_question_is_cut_for_its_title(store):
    question = "What did we say about " + "the lighthouse and " * 20 + "the harbour?"
    saved = store.save_answer(HistoryAnswer(question, "I could not find that in your history.", ()))
    item = store.get_item(saved)
    assert item.question == question and len(item.title) <= 120 and item.title.endswith("…") and not item.found
