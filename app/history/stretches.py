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
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import accumulate

from sqlite_utils import Database

from app.history.question_terms import root, roots_in
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
        return talk(self.moments)


def talk(moments: Sequence[Moment]) -> str:
    """Moments as lines of talk ("PhD F: ..."), as a stretch's passage holds them."""
    return "\n".join(f"{m.speaker}: {m.text}" if m.speaker else m.text for m in moments)


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
        total = sum(weights[w] for w in topic)
        if not moments or not total:
            continue
        held_by = _words_said(moments, topic)
        # No stretch holds more of the question than the whole recording: one that holds too
        # little, or less than a stretch already found, is not scanned.
        most = sum(weights[w] for w in set().union(*held_by)) / total
        if most < max(STRETCH_COVER, best[0] if best else 0.0):
            continue
        found = _scan(moments, held_by, topic, weights, speakers)
        if found is not None:
            cover, said, first, last = found
            if best is None or (cover, said) > best[:2]:
                window = tuple(replace(m, text=" ".join(m.text.split())) for m in moments[first : last + 1])
                best = (cover, said, Stretch(item_id, tuple(m for m in window if m.text), round(cover, 3), speakers))
    if best is None or best[0] < STRETCH_COVER:
        return None
    return best[2]


def _moments(db: Database, item_id: int) -> list[Moment]:
    """Every segment of a recording, as said (its spaces are tidied only once it is in a stretch)."""
    rows = db.execute(
        "SELECT g.start, g.text, s.number, s.name FROM segments g LEFT JOIN speakers s ON s.id = g.speaker_id "
        "WHERE g.recording_id = ? ORDER BY g.idx LIMIT ?",
        [item_id, MAX_SEGMENTS],
    ).fetchall()
    return [
        Moment(start, None if number is None else speaker_label(number, name), text)
        for start, text, number, name in rows
    ]


def _words_said(moments: list[Moment], topic: dict[str, frozenset[str]]) -> list[list[str]]:
    """The question's words each moment says, in one pass over the recording's text: a word's
    root is always its beginning (text_tools.stem only cuts endings), so one regex finds the
    words that begin with a root, and only those are stemmed."""
    owner = {form: word for word, forms in topic.items() for form in forms}
    pattern = re.compile(
        r"(?<![^\W_])(?:" + "|".join(re.escape(f) for f in sorted(owner, key=len, reverse=True)) + r")[^\W_]*",
        re.IGNORECASE,
    )
    starts = list(accumulate((len(m.text) + 1 for m in moments[:-1]), initial=0))
    held_by: list[list[str]] = [[] for _ in moments]
    for match in pattern.finditer(" ".join(m.text for m in moments)):
        word = owner.get(root(match.group().lower()))
        held = held_by[bisect_right(starts, match.start()) - 1]
        if word is not None and word not in held:
            held.append(word)
    return held_by


def _scan(
    moments: list[Moment],
    held_by: list[list[str]],
    topic: dict[str, frozenset[str]],
    weights: dict[str, float],
    speakers: tuple[str, ...],
) -> tuple[float, float, int, int] | None:
    """(cover, how often its words are said, first, last) of the best window of moments, in one
    pass: the window's word counts change only at its two ends."""
    total = sum(weights[w] for w in topic)
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
