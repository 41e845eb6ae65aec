"""The stretch of a recording where something was discussed (confide ask).

retrieval.find_passages answers a specific question ("When is Elena sending the login
report?") with the few sentences that hold most of its words. A question about a discussion
("Summarize the discussion about the disadvantages of ATLAS", "What did F think about the XML
format?") has no such sentences: its answer is spread over minutes of talk where its words come
one or two at a time. Its passage is a stretch: the run of consecutive transcript segments, at
most STRETCH_CHARS long, that holds the most of the question's weight (each word once, rarer
words more), then the one that says its words most often. Asked about one speaker ("What did F
think"), only a stretch where that speaker says some of them, their turns counting twice. A
stretch below STRETCH_COVER is no answer: most words of a question nobody discussed are never
said near each other.

Bounded: the segments of at most STRETCH_ITEMS recordings are read per question, each scanned
once with a window of at most STRETCH_CHARS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlite_utils import Database

from app.history.question_terms import roots_in
from app.history.records import speaker_label

STRETCH_CHARS = 2400
STRETCH_ITEMS = 5
STRETCH_COVER = 0.5  # of the question's weight, somewhere in the stretch
MAX_SEGMENTS = 20000  # a recording longer than this is read up to here (about 20 hours of talk)
# "What did F think", "What did Grad D and Grad C discuss", "What did the Professor say".
ABOUT_SPEAKERS = re.compile(
    r"\bwhat (?:did|does|do|was|were) (?:the )?(?P<who>[\w .'\u2019-]{1,60}?) "
    r"(?P<verb>think|thought|say|said|feel|felt|suggest|propose|want|discuss|talk|mention|report)",
    re.IGNORECASE,
)
# The words that make a question one about a discussion rather than a fact.
ABOUT_DISCUSSION = re.compile(
    r"\b(?:summari[sz]e|discussion|discussed|discuss|talked about|was said|were said|think about|thought about)\b",
    re.IGNORECASE,
)

# Who, when, where, how much: a fact, said in a sentence or not at all.
FOR_A_FACT = re.compile(
    r"^\s*(?:who|whom|whose|when|where|how (?:much|many|long|often|soon)|which (?:day|date|time))\b", re.I
)


@dataclass(frozen=True)
class Moment:
    """One segment of a stretch: when it was said, by whom, what."""

    start: float
    speaker: str | None
    text: str


@dataclass(frozen=True)
class Stretch:
    item_id: int
    moments: tuple[Moment, ...]
    cover: float
    speakers: tuple[str, ...]  # the labels the question asks about, as the transcript writes them

    @property
    def text(self) -> str:
        """The stretch as lines of talk ("PhD F: ..."), as the model reads it."""
        return "\n".join(f"{m.speaker}: {m.text}" if m.speaker else m.text for m in self.moments)


def is_about_discussion(question: str) -> bool:
    return bool(ABOUT_DISCUSSION.search(question) or ABOUT_SPEAKERS.search(question))


def asks_for_fact(question: str) -> bool:
    return bool(FOR_A_FACT.search(question))


def asked_speakers(question: str, labels: set[str]) -> tuple[str, ...]:
    """The speaker labels a question names ("F" -> "PhD F", "the Professor" -> "Professor B",
    "Elena" -> "Elena"), in the order it names them."""
    match = ABOUT_SPEAKERS.search(question)
    if not match:
        return ()
    named = [part.strip().lower() for part in re.split(r"\band\b|,", match.group("who")) if part.strip()]
    found: list[str] = []
    for name in named:
        for label in sorted(labels):
            parts = label.lower().split()
            if (name == label.lower() or name in (parts[0], parts[-1])) and label not in found:
                found.append(label)
    return tuple(found)


def best_stretch(
    db: Database,
    question: str,
    items: list[int],
    roots: dict[str, frozenset[str]],
    weights: dict[str, float],
) -> Stretch | None:
    """The stretch of one of items (recordings, most likely first) that holds most of the
    question's weight; None when none holds STRETCH_COVER of it."""
    best: tuple[float, float, Stretch] | None = None
    for item_id in items[:STRETCH_ITEMS]:
        moments = _moments(db, item_id)
        speakers = asked_speakers(question, {m.speaker for m in moments if m.speaker})
        # The words of the speakers' labels ("Grad", "Professor") are who, not what.
        named = {r for label in speakers for r in roots_in(label)}
        topic = {w: forms for w, forms in roots.items() if forms.isdisjoint(named)}
        found = _scan(moments, topic, weights, speakers)
        if found is not None:
            cover, said, first, last = found
            if best is None or (cover, said) > best[:2]:
                best = (cover, said, Stretch(item_id, tuple(moments[first : last + 1]), round(cover, 3), speakers))
    if best is None or best[0] < STRETCH_COVER:
        return None
    return best[2]


def _moments(db: Database, item_id: int) -> list[Moment]:
    rows = db.execute(
        "SELECT g.start, g.text, s.number, s.name FROM segments g LEFT JOIN speakers s ON s.id = g.speaker_id "
        "WHERE g.recording_id = ? ORDER BY g.idx LIMIT ?",
        [item_id, MAX_SEGMENTS],
    ).fetchall()
    return [
        Moment(start, None if number is None else speaker_label(number, name), " ".join(text.split()))
        for start, text, number, name in rows
        if text.strip()
    ]


def _scan(
    moments: list[Moment], topic: dict[str, frozenset[str]], weights: dict[str, float], speakers: tuple[str, ...]
) -> tuple[float, float, int, int] | None:
    """(cover, how often its words are said, first, last) of the best window of moments, in one
    pass: the window's word counts change only at its two ends."""
    total = sum(weights[w] for w in topic)
    if not moments or not total:
        return None
    held_by = []  # the question's words each moment says
    for moment in moments:
        here = roots_in(moment.text)
        held_by.append([w for w, forms in topic.items() if not forms.isdisjoint(here)])
    weight_of = [
        sum(weights[w] for w in held) * (2 if moment.speaker in speakers else 1)
        for held, moment in zip(held_by, moments, strict=True)
    ]
    by_speaker = [bool(held) and moment.speaker in speakers for held, moment in zip(held_by, moments, strict=True)]
    counts = dict.fromkeys(topic, 0)
    said, spoken, length, last = 0.0, 0, 0, -1
    best: tuple[float, float, int, int] | None = None
    for first in range(len(moments)):
        if last < first:
            last, length = first - 1, 0
        while last + 1 < len(moments) and (last < first or length + len(moments[last + 1].text) <= STRETCH_CHARS):
            last += 1
            length += len(moments[last].text)
            for w in held_by[last]:
                counts[w] += 1
            said += weight_of[last]
            spoken += by_speaker[last]
        # A window that begins with a moment saying none of it is never better than the next.
        if held_by[first] and (spoken or not speakers):
            cover = sum(weights[w] for w, n in counts.items() if n) / total
            # At the same weight, the later window: it begins where the talk about it begins.
            if best is None or (cover, said) >= best[:2]:
                best = (cover, said, first, last)
        length -= len(moments[first].text)
        for w in held_by[first]:
            counts[w] -= 1
        said -= weight_of[first]
        spoken -= by_speaker[first]
    return best
