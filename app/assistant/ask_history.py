"""Questions about the user's history, answered from its own passages (confide ask).

The model sees numbered passages (app.history.retrieval) and the question, and answers with
the number of the passage after each sentence. Its answer is checked like a summary's notes
(grounding.supported): a sentence is kept only when the passage it cites, or failing a
citation the one that supports it best, says its words, names, numbers and dates. What is
left is the answer, and the passages it rests on are its citations. The answer streams: each
sentence is checked as soon as the next one begins, and what held up so far is shown
(AnswerSoFar), never a sentence before its check.

When nothing is left and the best passage holds every word of the question, that passage's
own sentences are the answer, quoted as said: a small model often cannot phrase an answer, but
the history did say it. Otherwise the answer is NOT_FOUND: never a guess.

A question about a discussion comes with one passage, a stretch of talk: stretch_answer.py
writes its prompt and checks its answer.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from app.assistant.anchoring import anchored, quotes_said
from app.assistant.generation import guarded
from app.assistant.grounding import NameBook, keeps_negation, supported
from app.assistant.history_answer import (
    CITATION,
    MARKER_AFTER_STOP,
    NOT_FOUND,
    SAYS_NOT_FOUND,
    HistoryAnswer,
    answers,
    label_words,
    spoken_turns,
    without_loose_end,
)
from app.assistant.stretch_answer import check_stretch_answer, opening, stretch_request
from app.assistant.text_tools import clean_speech, split_sentences
from app.assistant.wording import shorter_versions
from app.clock import clock
from app.errors import AppError
from app.history.stretches import talk
from app.records import Citation
from app.tasks.events import AnswerSoFar, Done, Event, Progress
from models.slm.api import GenerationResult, LanguageModel, TextDelta

if TYPE_CHECKING:
    from app.history.retrieval import Passage

__all__ = ["NOT_FOUND", "AskTask", "Citation", "HistoryAnswer", "answer_question", "check_answer", "checked_question"]

ANSWER_TOKENS = 96
MAX_QUESTION_CHARS = 500
QUOTE_COVER = 0.999  # a passage quoted as the answer holds every word of the question


@dataclass(frozen=True)
class AskTask:
    """previous: the questions and answers before this one, oldest first (a follow-up)."""

    question: str
    item_id: int | None = None
    since: str | None = None
    previous: tuple[tuple[str, str], ...] = ()


def checked_question(question: str) -> str:
    question = " ".join((question or "").split())
    if not question:
        raise AppError("The question is empty; ask about something said in your recordings or conversations.")
    if len(question) > MAX_QUESTION_CHARS:
        raise AppError(
            f"The question is too long ({len(question)} characters); ask it in {MAX_QUESTION_CHARS} or fewer."
        )
    return question


def answer_question(
    model: LanguageModel,
    task: AskTask,
    passages: Sequence[Passage],
    cancel: threading.Event | None = None,
) -> Iterator[Event]:
    """Progress, then Done(HistoryAnswer); stops without Done when cancelled. Without passages
    the answer is "not found" at once (app.tasks.ask then never loads a model)."""
    question = checked_question(task.question)
    if not passages:
        yield Done(HistoryAnswer(question, NOT_FOUND, ()))
        return
    yield Progress(0.1, f"Reading {len(passages)} passage{'s' if len(passages) != 1 else ''}")
    shown = _fitting(model, task, question, list(passages))
    begun = opening(question) if shown[0].moments else ""
    prompt = model.render_chat(_messages(task, question, shown)) + begun
    written, checked, last_shown = begun, 0, ""
    result: GenerationResult | None = None
    for event in model.generate(prompt, guarded(ANSWER_TOKENS), cancel):
        if isinstance(event, GenerationResult):
            result = event
            continue
        if not isinstance(event, TextDelta):
            continue
        written += event.text
        complete = _complete_sentences(written)
        if len(complete) > checked:
            checked = len(complete)
            so_far = check_answer(question, " ".join(complete), shown, quote=False)
            if so_far.found and so_far.text != last_shown:
                last_shown = so_far.text
                yield AnswerSoFar(so_far)
    if result is None:  # the protocol promises a result; a broken engine is a bug, not a user error
        raise RuntimeError("the language model ended without a result")
    if result.stop_reason == "cancelled" or (cancel is not None and cancel.is_set()):
        return
    yield Progress(0.9, "Checking the answer")
    yield Done(check_answer(question, begun + result.text, shown))


def _complete_sentences(text: str) -> list[str]:
    """The sentences of a partly written answer that are finished (the next one has begun)."""
    return split_sentences(MARKER_AFTER_STOP.sub(r"\2\1", text))[:-1]


def _backs(sentence: str, passage: str, names: NameBook) -> bool:
    return (
        supported(sentence, passage, names)
        and keeps_negation(sentence, passage)
        and anchored(sentence, passage)
        and quotes_said(sentence, passage)
    )


def check_answer(question: str, text: str, passages: Sequence[Passage], quote: bool = True) -> HistoryAnswer:
    """The model's answer cut to the sentences its passages support, with those passages as
    citations; else (with quote) the best passage quoted, when it holds the whole question; else
    not found."""
    if passages and passages[0].moments:
        return check_stretch_answer(question, text, passages[0], quote)
    names = NameBook([], [p.text for p in passages])
    labels = label_words(p.text for p in passages)
    kept: list[str] = []
    cited: list[Passage] = []
    for sentence in split_sentences(MARKER_AFTER_STOP.sub(r"\2\1", text.strip())):
        numbers = [int(n) for n in CITATION.findall(sentence)]
        plain = CITATION.sub("", sentence).strip()
        if not plain or SAYS_NOT_FOUND.search(plain):
            continue
        sources = [passages[n - 1] for n in numbers if 1 <= n <= len(passages)] or list(passages)
        # The whole sentence, else its leading clauses: "The Professor thought about the size of the
        # input, and he suggested a more precise approach" keeps what the passage says.
        backing, plain = next(
            (
                (p, version)
                for version in shorter_versions(plain)
                if answers(version, question, labels)
                for p in sources
                if _backs(version, p.text, names)
            ),
            (None, plain),
        )
        plain = clean_speech(plain) or plain  # "Um as you can see, we ..." reads as "As you can see, we ..."
        if backing is None or plain in kept:
            continue
        kept.append(plain)
        if backing not in cited:
            cited.append(backing)
    if kept:
        return HistoryAnswer(question, " ".join(kept), tuple(_citation(p) for p in cited))
    best = passages[0] if passages and quote else None
    if best is not None and best.cover >= QUOTE_COVER:
        # As said, without its "uh"s and stutters; who said it beside where, as a stretch's quote.
        said = clean_speech(best.quote) or best.quote
        speaker, said = spoken_turns(said) if best.source == "transcript" else (None, said)
        said = without_loose_end(said)
        where = ", ".join(part for part in (f"“{best.title}”", clock(best.start), speaker) if part)
        return HistoryAnswer(question, f"{where}: “{said}”", (_citation(best),), quoted=True)
    return HistoryAnswer(question, NOT_FOUND, ())


def _citation(passage: Passage) -> Citation:
    return Citation(passage.item_id, passage.kind, passage.title, passage.start, passage.quote)


SYSTEM = (
    "You answer questions about the user's own meetings and conversations. You use only the numbered "
    "passages you are given, and you never guess."
)


def _passage_lines(passages: Sequence[Passage]) -> str:
    lines = []
    for number, passage in enumerate(passages, 1):
        when = f", at {clock(passage.start)}" if passage.start is not None else ""
        lines.append(f"[{number}] From “{passage.title}”{when}: {passage.text}")
    return "\n".join(lines)


def _messages(task: AskTask, question: str, passages: Sequence[Passage]) -> list[dict]:
    earlier = "".join(f"Earlier question: {q}\nEarlier answer: {a}\n" for q, a in task.previous[-2:])
    if passages and passages[0].moments:
        return [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": stretch_request(passages[0], earlier, question)},
        ]
    return [
        {"role": "system", "content": SYSTEM},
        {
            "role": "user",
            "content": (
                f"Passages:\n{_passage_lines(passages)}\n\n{earlier}Question: {question}\n\n"
                "Answer in one or two short sentences, using only the passages, and put the number of the "
                "passage you used in brackets after each sentence, like [1]. If the passages do not answer "
                "the question, answer: Not found."
            ),
        },
    ]


def _fitting(model: LanguageModel, task: AskTask, question: str, passages: list[Passage]) -> list[Passage]:
    """As many of the passages, best first, as fit the model's context with room to answer (of a
    stretch, as many of its first moments)."""
    while passages and len(passages[0].moments) > 1:
        rendered = model.render_chat(_messages(task, question, passages))
        if model.count_tokens(rendered) + ANSWER_TOKENS <= model.context_length:
            return passages
        moments = passages[0].moments[:-1]
        passages = [replace(passages[0], moments=moments, text=talk(moments))]
    while len(passages) > 1:
        rendered = model.render_chat(_messages(task, question, passages))
        if model.count_tokens(rendered) + ANSWER_TOKENS <= model.context_length:
            break
        passages = passages[:-1]
    return passages
