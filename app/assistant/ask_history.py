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

A question about a discussion comes with one passage, a stretch of talk (app.history.stretches):
the model reads it as lines of talk, its answer begun like a summary ("F thought that"), and
each sentence is checked as a summary's notes are, against the whole stretch, citing the turn
that says most of it; with nothing left, the turn that says most of the question is quoted.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from app.assistant.anchoring import anchored
from app.assistant.chunking import Utterance
from app.assistant.generation import guarded
from app.assistant.grounding import FRAMING, NameBook, best_utterance, keeps_negation, supported
from app.assistant.summary_check import checked_sentences
from app.assistant.summary_title import VAGUE
from app.assistant.text_tools import clean_speech, content_set, is_backchannel, split_sentences, stem, words
from app.assistant.wording import shorter_versions
from app.clock import clock
from app.errors import AppError
from app.history.stretches import ABOUT_SPEAKERS, asked_speakers, talk
from app.records import Citation
from app.tasks.events import AnswerSoFar, Done, Event, Progress
from models.slm.api import GenerationResult, LanguageModel, TextDelta

if TYPE_CHECKING:
    from app.history.retrieval import Passage
    from app.history.stretches import Moment

NOT_FOUND = "I could not find that in your history."
ANSWER_TOKENS = 96
MAX_QUESTION_CHARS = 500
QUOTE_COVER = 0.999  # a passage quoted as the answer holds every word of the question
CITATION = re.compile(r"\s*\[(\d{1,2})\]")
# "... on Thursday. [1]" cites the sentence before the marker: it moves inside ("Thursday [1].").
MARKER_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d{1,2}\])+)")
ASKING = frozenset(stem(w) for w in "think thought thinks say said says feel felt opinion".split())
SAYS_NOTHING = frozenset(stem(w) for w in "detail details detailed depth length importance".split())
DANGLING = frozenset("a an the of in on at to for with by from and or but into than".split())  # never last
# "What did F think about ..." -> "F thought that ...".
PAST = {
    "think": "thought", "say": "said", "feel": "felt", "suggest": "suggested", "propose": "proposed",
    "want": "wanted", "discuss": "discussed", "talk": "talked about", "mention": "mentioned", "report": "reported",
}  # fmt: skip
THAT_VERBS = frozenset({"thought", "said", "felt", "suggested", "proposed", "mentioned", "reported"})
BEGINS = re.compile(r"[\"“‘'(]?[A-Z0-9]")  # how a sentence of an answer begins
QUOTE_CHARS = 400
SAYS_NOT_FOUND = re.compile(r"\bnot found\b|\b(?:do(?:es)? not|don't|doesn't) (?:say|mention)\b", re.IGNORECASE)


@dataclass(frozen=True)
class HistoryAnswer:
    question: str
    text: str
    citations: tuple[Citation, ...]
    quoted: bool = False  # the answer is what the history said, not the model's own words

    @property
    def found(self) -> bool:
        return bool(self.citations)

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "found": self.found,
            "citations": [c.to_json() for c in self.citations],
        }


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
    opening = _opening(question) if shown[0].moments else ""
    prompt = model.render_chat(_messages(task, question, shown)) + opening
    written, checked, last_shown = opening, 0, ""
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
    yield Done(check_answer(question, opening + result.text, shown))


def _complete_sentences(text: str) -> list[str]:
    """The sentences of a partly written answer that are finished (the next one has begun)."""
    return split_sentences(MARKER_AFTER_STOP.sub(r"\2\1", text))[:-1]


def _answers(sentence: str, question: str) -> bool:
    """False for what is no answer: a question ("So where else could you store your data?"), the
    question said back ("The Professor thought about hiring Fey.", "The team discussed the parser
    interface in detail."), a sentence left hanging ("... the subject intention in.")."""
    if sentence.rstrip().endswith("?") or (words(sentence)[-1:] or [""])[0] in DANGLING:
        return False
    return bool(content_set(sentence) - content_set(question) - FRAMING - ASKING - VAGUE - SAYS_NOTHING)


def _backs(sentence: str, passage: str, names: NameBook) -> bool:
    return supported(sentence, passage, names) and keeps_negation(sentence, passage) and anchored(sentence, passage)


def check_answer(question: str, text: str, passages: Sequence[Passage], quote: bool = True) -> HistoryAnswer:
    """The model's answer cut to the sentences its passages support, with those passages as
    citations; else (with quote) the best passage quoted, when it holds the whole question; else
    not found."""
    if passages and passages[0].moments:
        return _check_stretch_answer(question, text, passages[0], quote)
    names = NameBook([], [p.text for p in passages])
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
                if _answers(version, question)
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
        where = ", ".join(part for part in (f"“{best.title}”", clock(best.start)) if part)
        said = clean_speech(best.quote) or best.quote  # as said, without its "uh"s and stutters
        return HistoryAnswer(question, f"{where}: “{said}”", (_citation(best),), quoted=True)
    return HistoryAnswer(question, NOT_FOUND, ())


def _check_stretch_answer(question: str, text: str, stretch: Passage, quote: bool) -> HistoryAnswer:
    """An answer about a stretch of talk is checked as a summary's notes are (against the whole
    stretch); each sentence cites the moment of the stretch that says most of it. Nothing left:
    the moment that says most of the question, quoted."""
    turns = [Utterance(i, i, m.start, m.speaker, m.text) for i, m in enumerate(stretch.moments)]
    plain = CITATION.sub("", MARKER_AFTER_STOP.sub(r"\2\1", text.strip()))
    names = NameBook([], [stretch.text])
    kept: list[str] = []
    cited: list[Citation] = []
    for sentence in checked_sentences(plain, stretch.text, names):
        sentence = clean_speech(sentence) or sentence
        if not BEGINS.match(sentence) or SAYS_NOT_FOUND.search(sentence) or not _answers(sentence, question):
            continue  # a piece cut off a sentence ('.., "utterance" or "link").') is none
        if sentence in kept:
            continue
        kept.append(sentence)
        citation = _turn_citation(stretch, best_utterance(sentence, turns) or turns[0])
        if citation not in cited:
            cited.append(citation)
    if kept:
        return HistoryAnswer(question, " ".join(kept), tuple(cited))
    if not quote:
        return HistoryAnswer(question, NOT_FOUND, ())
    moment = _most_about(question, stretch.moments)
    said = _quoted(question, clean_speech(moment.text) or moment.text)
    where = ", ".join(part for part in (f"“{stretch.title}”", clock(moment.start)) if part)
    return HistoryAnswer(question, f"{where}: “{said}”", (_turn_citation(stretch, moment),), quoted=True)


def _turn_citation(stretch: Passage, turn: Moment | Utterance) -> Citation:
    return Citation(stretch.item_id, stretch.kind, stretch.title, turn.start, turn.text)


def _most_about(question: str, moments: Sequence[Moment]) -> Moment:
    """The turn of a stretch that says most of the question, its rarer words counting more (as
    grounding.best_utterance weighs them) and the asked person's turns twice (as the stretch was
    found); the first of equals, where the talk about it begins."""
    asked = content_set(question)
    said = [asked & content_set(m.text) for m in moments]
    document_freq = Counter(w for words_here in said for w in words_here)
    speakers = asked_speakers(question, {m.speaker for m in moments if m.speaker})

    def weight(i: int) -> float:
        return sum(1 / document_freq[w] for w in said[i]) * (2 if moments[i].speaker in speakers else 1)

    return moments[max(range(len(moments)), key=lambda i: (weight(i), -i))]


def _quoted(question: str, said: str) -> str:
    """A long turn quoted from where it says most of the question: two of its sentences."""
    if len(said) <= QUOTE_CHARS:
        return said
    sentences = split_sentences(said)
    asked = content_set(question)
    best = max(range(len(sentences)), key=lambda i: (len(asked & content_set(sentences[i])), -i))
    quote = " ".join(sentences[best : best + 2])
    return quote if len(quote) <= QUOTE_CHARS else quote[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"


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
        stretch = passages[0]
        span = f"from {clock(stretch.moments[0].start)} to {clock(stretch.moments[-1].start)}"
        return [
            {"role": "system", "content": SYSTEM},
            {
                "role": "user",
                "content": (
                    f"Part of the transcript of “{stretch.title}”, {span}, one line per turn:\n"
                    f"{_stretch_lines(stretch)}\n\n"
                    f"{earlier}Question: {question}\n\n"
                    "Answer in two or three sentences, using only this transcript. If it does not answer the "
                    "question, answer: Not found."
                ),
            },
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


def _opening(question: str) -> str:
    """Put in the model's mouth for an answer about a discussion: begun like a summary ("The
    Professor thought that", "The team discussed"), a small model sums the talk up instead of
    copying a line of it (as the summary's notes do, prompts.Framing)."""
    match = ABOUT_SPEAKERS.search(question)
    if match is None:
        return "The team discussed"
    who = match.group("who").strip()
    if re.fullmatch(r"we|us", who, re.IGNORECASE):
        who = "the team"
    elif re.match(r"the\b", match.group(0).split(None, 2)[2], re.IGNORECASE):
        who = "the " + who
    who = who[0].upper() + who[1:]
    verb = match.group("verb").lower()
    said = PAST.get(verb, verb)
    return f"{who} {said}" + (" that" if said in THAT_VERBS else "")


def _stretch_lines(stretch: Passage) -> str:
    """The stretch as the model reads it: without its "uh"s and stutters, and without the turns
    that only say "Mm-hmm" or "Right"."""
    lines = []
    for moment in stretch.moments:
        said = clean_speech(moment.text) or moment.text
        if not is_backchannel(said):
            lines.append(f"{moment.speaker}: {said}" if moment.speaker else said)
    return "\n".join(lines)


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
