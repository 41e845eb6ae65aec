"""Asking the history a question: its passages found, then answered from them (plain
generators of events, like every task). The window finds the passages on its own thread, as it
searches, and runs answer_from on the language worker; the command line runs ask_history."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.assistant.ask_history import NOT_FOUND, AskTask, HistoryAnswer, answer_question, checked_question
from app.tasks.events import Done, Event, Progress
from models.slm.api import LanguageModel

if TYPE_CHECKING:
    from app.history.retrieval import Passage


@dataclass(frozen=True)
class AnswerJob:
    """A question and the passages found for it, for the language worker."""

    task: AskTask
    passages: tuple[Passage, ...]


def answer_from(
    load_model: Callable[[], LanguageModel],
    task: AskTask,
    passages: Sequence[Passage],
    cancel: threading.Event | None = None,
) -> Iterator[Event]:
    """Done(HistoryAnswer): "not found" at once when there are no passages (the model is then
    never loaded), else the model's checked answer."""
    question = checked_question(task.question)
    if not passages:
        yield Done(HistoryAnswer(question, NOT_FOUND, ()))
        return
    yield from answer_question(load_model(), task, passages, cancel)


def passages_for(store, task: AskTask) -> list[Passage]:
    """The passages of store (a HistoryStore) for a question. A follow-up that finds nothing by
    its own words ("and after that?") is looked up with the question before it."""
    found = store.passages(task.question, task.item_id, task.since)
    if not found and task.previous:
        found = store.passages(f"{task.previous[-1][0]} {task.question}", task.item_id, task.since)
    return found


def ask_history(
    load_model: Callable[[], LanguageModel], store, task: AskTask, cancel: threading.Event | None = None
) -> Iterator[Event]:
    """Progress, then Done(HistoryAnswer), from the passages of store (a HistoryStore)."""
    checked_question(task.question)
    yield Progress(None, "Searching your history")
    passages = passages_for(store, task)
    if cancel is not None and cancel.is_set():
        return
    yield from answer_from(load_model, task, passages, cancel)
