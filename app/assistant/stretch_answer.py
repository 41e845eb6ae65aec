"""Answering from a stretch of talk (app.history.stretches): a question about a discussion.

The model reads the stretch as lines of talk (no "uh"s, no "Mm-hmm" turns), its answer begun for
it like a summary ("The Professor thought that", "The team discussed"). Each sentence is checked
as a summary's notes are (summary_check.checked_sentences), against the whole stretch, and cites
the turn that says most of it; with nothing left, the turn that says most of the question is
quoted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.assistant.chunking import Utterance
from app.assistant.grounding import NameBook, best_utterance
from app.assistant.history_answer import (
    BEGINS,
    CITATION,
    MARKER_AFTER_STOP,
    NOT_FOUND,
    SAYS_NOT_FOUND,
    HistoryAnswer,
    answers,
    without_loose_end,
)
from app.assistant.summary_check import checked_sentences
from app.assistant.text_tools import clean_speech, content_set, is_backchannel, split_sentences
from app.clock import clock
from app.history.stretches import ABOUT_SPEAKERS, asked_speakers
from app.records import Citation

if TYPE_CHECKING:
    from app.history.retrieval import Passage
    from app.history.stretches import Moment

QUOTE_CHARS = 400
# "What did F think about ..." -> "F thought that ...".
PAST = {
    "think": "thought", "say": "said", "feel": "felt", "suggest": "suggested", "propose": "proposed",
    "want": "wanted", "discuss": "discussed", "talk": "talked about", "mention": "mentioned", "report": "reported",
}  # fmt: skip
THAT_VERBS = frozenset({"thought", "said", "felt", "suggested", "proposed", "mentioned", "reported"})


def stretch_request(stretch: Passage, earlier: str, question: str) -> str:
    """The user's message for an answer from a stretch: its lines of talk, then the question."""
    span = f"from {clock(stretch.moments[0].start)} to {clock(stretch.moments[-1].start)}"
    return (
        f"Part of the transcript of “{stretch.title}”, {span}, one line per turn:\n"
        f"{_stretch_lines(stretch)}\n\n"
        f"{earlier}Question: {question}\n\n"
        "Answer in two or three sentences, using only this transcript. If it does not answer the "
        "question, answer: Not found."
    )


def opening(question: str) -> str:
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


def check_stretch_answer(question: str, text: str, stretch: Passage, quote: bool) -> HistoryAnswer:
    """An answer about a stretch of talk is checked as a summary's notes are (against the whole
    stretch); each sentence cites the moment of the stretch that says most of it. Nothing left:
    the moment that says most of the question, quoted."""
    turns = [Utterance(i, i, m.start, m.speaker, m.text) for i, m in enumerate(stretch.moments)]
    plain = CITATION.sub("", MARKER_AFTER_STOP.sub(r"\2\1", text.strip()))
    names = NameBook([], [stretch.text])
    labels = frozenset(w for m in stretch.moments if m.speaker for w in content_set(m.speaker))
    kept: list[str] = []
    cited: list[Citation] = []
    for sentence in checked_sentences(plain, stretch.text, names):
        sentence = clean_speech(sentence) or sentence
        if not BEGINS.match(sentence) or SAYS_NOT_FOUND.search(sentence) or not answers(sentence, question, labels):
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
    said = without_loose_end(_quoted(question, clean_speech(moment.text) or moment.text))
    # Who said it too: asked what F thought, the reader sees that these are F's words.
    where = ", ".join(part for part in (f"“{stretch.title}”", clock(moment.start), moment.speaker) if part)
    return HistoryAnswer(question, f"{where}: “{said}”", (_turn_citation(stretch, moment),), quoted=True)


def _turn_citation(stretch: Passage, turn: Moment | Utterance) -> Citation:
    return Citation(stretch.item_id, stretch.kind, stretch.title, turn.start, turn.text)


def _most_about(question: str, moments: Sequence[Moment]) -> Moment:
    """The turn of a stretch that says most of the question, its rarer words counting more (as
    grounding.best_utterance weighs them); asked what someone thought, one of their own turns
    when they say more than "Right" in the stretch; the first of equals, where the talk about it
    begins."""
    asked = content_set(question)
    said = [asked & content_set(m.text) for m in moments]
    document_freq = Counter(w for words_here in said for w in words_here)
    speakers = asked_speakers(question, {m.speaker for m in moments if m.speaker})
    theirs = [i for i, m in enumerate(moments) if m.speaker in speakers and not is_backchannel(clean_speech(m.text))]

    def weight(i: int) -> float:
        return sum(1 / document_freq[w] for w in said[i])

    turns = theirs or range(len(moments))
    if not any(said[i] for i in turns):
        # They spoke while it was discussed, never in its words: what they said at most length.
        return moments[max(turns, key=lambda i: (len(content_set(moments[i].text)), -i))]
    return moments[max(turns, key=lambda i: (weight(i), -i))]


def _quoted(question: str, said: str) -> str:
    """A long turn quoted from where it says most of the question (or most at all): two of its
    sentences."""
    if len(said) <= QUOTE_CHARS:
        return said
    sentences = split_sentences(said)
    asked = content_set(question)
    held = [content_set(s) for s in sentences]
    # None says the question's words (they spoke of it in their own): where it says most.
    measure = (lambda i: len(asked & held[i])) if any(asked & h for h in held) else (lambda i: len(held[i]))
    best = max(range(len(sentences)), key=lambda i: (measure(i), -i))
    quote = " ".join(sentences[best : best + 2])
    return quote if len(quote) <= QUOTE_CHARS else quote[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"


def _stretch_lines(stretch: Passage) -> str:
    """The stretch as the model reads it: without its "uh"s and stutters, and without the turns
    that only say "Mm-hmm" or "Right"."""
    lines = []
    for moment in stretch.moments:
        said = clean_speech(moment.text) or moment.text
        if not is_backchannel(said):
            lines.append(f"{moment.speaker}: {said}" if moment.speaker else said)
    return "\n".join(lines)
