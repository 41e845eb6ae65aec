"""Asking the history a question: its passages found, then answered from them (a plain
generator of events, like every task)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from app.assistant.ask_history import NOT_FOUND, AskTask, HistoryAnswer, answer_question, checked_question
from app.tasks.events import Done, Event, Progress
from models.slm.api import LanguageModel


def ask_history(
    load_model: Callable[[], LanguageModel], store, task: AskTask, cancel: threading.Event | None = None
) -> Iterator[Event]:
    """Progress, then Done(HistoryAnswer). The model is loaded only when the history holds
    passages to answer from: "not found" needs no model."""
    question = checked_question(task.question)
    yield Progress(None, "Searching your history")
    passages = store.passages(question, task.item_id, task.since)
    if cancel is not None and cancel.is_set():
        return
    if not passages:
        yield Done(HistoryAnswer(question, NOT_FOUND, ()))
        return
    yield Progress(None, "Loading the language model")
    yield from answer_question(load_model(), task, passages, cancel)
