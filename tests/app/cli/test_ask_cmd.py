"""`confide ask` from the outside (docs/cli.md): the JSON shape, citations that name the
recording and the moment, and one clear sentence with exit 1 for what cannot be asked."""

from __future__ import annotations

import json

import pytest
from support import run_confide

from app.history import HistoryStore
from models.types import Segment


@pytest.fixture
def meetings(data_dir_with_models):
    with HistoryStore.open(data_dir_with_models / "history.db", data_dir_with_models) as store:
        lines = ["Good morning.", "Elena will send the login report on Thursday.", "Thanks all."]
        launch = store.add_recording("Launch sync")
        store.add_segments(launch, [Segment(3.0 * i, 3.0 * (i + 1), line) for i, line in enumerate(lines)])
        store.finish_recording(launch, duration=9.0)
        other = store.add_recording("Lunch")
        store.add_segments(other, [Segment(0.0, 3.0, "The pasta place on Main Street is closed on Mondays.")])
        store.finish_recording(other, duration=3.0)
    return data_dir_with_models, launch, other


def test_an_answer_with_its_citations_as_json(meetings):
    data_dir, launch, _ = meetings
    result = run_confide("ask", "When will Elena send the login report?", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == {"question", "answer", "found", "citations"} and answer["found"]
    assert "Thursday" in answer["answer"]
    (citation,) = answer["citations"]
    assert citation == {
        "id": launch,
        "kind": "recording",
        "title": "Launch sync",
        "start": 3.0,
        "text": "Elena will send the login report on Thursday.",
    }


def test_one_recording_is_asked_and_nothing_outside_it_is_cited(meetings):
    data_dir, _, other = meetings
    result = run_confide("ask", "login report", "--recording", str(other), "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "question": "login report",
        "answer": "I could not find that in your history.",
        "found": False,
        "citations": [],
    }


def test_an_answer_is_kept_only_when_saved(meetings):
    """Without --save nothing is kept; with it the question and answer are an item of kind
    question, shown and found by search like any other."""
    data_dir, launch, _ = meetings
    question = ["ask", "When will Elena send the login report?", "--json"]
    assert run_confide(*question, data_dir=data_dir).returncode == 0
    listed = run_confide("history", "list", "--kind", "question", "--json", data_dir=data_dir)
    assert json.loads(listed.stdout) == {"items": []}

    result = run_confide(*question, "--save", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    saved = answer["saved"]
    shown = json.loads(run_confide("history", "show", str(saved), "--json", data_dir=data_dir).stdout)
    assert shown["kind"] == "question" and shown["question"] == "When will Elena send the login report?"
    assert shown["answer"] == answer["answer"] and shown["citations"] == answer["citations"]
    found = json.loads(run_confide("history", "search", "login report", "--json", data_dir=data_dir).stdout)
    assert {item["id"] for item in found["items"]} == {launch, saved}


@pytest.mark.parametrize(
    "args, says",
    [
        (["ask", ""], "The question is empty"),
        (["ask", "x" * 600], "The question is too long"),
        (["ask", "login", "--recording", "999"], "999"),
    ],
)
def test_what_cannot_be_asked_is_one_sentence_and_exit_1(meetings, args, says):
    data_dir, _, _ = meetings
    result = run_confide(*args, data_dir=data_dir)
    assert result.returncode == 1 and says in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_an_empty_history_says_so(data_dir):
    result = run_confide("ask", "What did we decide?", data_dir=data_dir)
    assert result.returncode == 1 and "history is empty" in result.stderr and "Traceback" not in result.stderr
    assert not (data_dir / "history.db").exists()
