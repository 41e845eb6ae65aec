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
from dataclasses import dataclass
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
        talk_rows = _TalkRows(db, item_id)
        speakers = asked_speakers(question, talk_rows.labels)
        # The words of the speakers' labels ("Grad", "Professor") are who, not what.
        named = {r for label in speakers for r in roots_in(label)}
        topic = {w: forms for w, forms in roots.items() if forms.isdisjoint(named)}
        total = sum(weights[w] for w in topic)
        if not talk_rows.texts or not total:
            continue
        held_by = _words_said(talk_rows.texts, topic)
        # No stretch holds more of the question than the whole recording: one that holds too
        # little, or less than a stretch already found, is not scanned.
        most = sum(weights[w] for w in set().union(*held_by.values())) / total
        if most < max(STRETCH_COVER, best[0] if best else 0.0):
            continue
        found = _scan(talk_rows, held_by, topic, weights, speakers)
        if speakers and (found is None or found[0] < STRETCH_COVER):
            # They spoke while it was discussed, in words of their own ("What did the Professor
            # think about controlling the size of the input?": he never says "size").
            found = _scan(talk_rows, held_by, topic, weights, speakers, own_words=False)
        if found is not None:
            cover, said, first, last = found
            if best is None or (cover, said) > best[:2]:
                moments = tuple(m for m in talk_rows.moments(first, last) if m.text)
                best = (cover, said, Stretch(item_id, moments, round(cover, 3), speakers))
    if best is None or best[0] < STRETCH_COVER:
        return None
    return best[2]


class _TalkRows:
    """A recording's segments as read for a scan: their texts and lengths; a Moment is made only
    for the turns of a stretch (a long recording has thousands)."""

    def __init__(self, db: Database, item_id: int):
        self.rows = db.execute(
            "SELECT g.start, g.text, s.number, s.name FROM segments g LEFT JOIN speakers s ON s.id = g.speaker_id "
            "WHERE g.recording_id = ? ORDER BY g.idx LIMIT ?",
            [item_id, MAX_SEGMENTS],
        ).fetchall()
        self.texts = [row[1] for row in self.rows]
        self.ends = list(accumulate((len(text) for text in self.texts), initial=0))  # characters before each
        self.labels = {speaker_label(number, name) for number, name in {(r[2], r[3]) for r in self.rows} if number}

    def speaker(self, index: int) -> str | None:
        _, _, number, name = self.rows[index]
        return None if number is None else speaker_label(number, name)

    def last_within(self, first: int) -> int:
        """The last segment of a stretch that begins at first (STRETCH_CHARS of text; at least first)."""
        return max(first, bisect_right(self.ends, self.ends[first] + STRETCH_CHARS) - 2)

    def moments(self, first: int, last: int) -> list[Moment]:
        return [
            Moment(self.rows[i][0], self.speaker(i), " ".join(self.texts[i].split())) for i in range(first, last + 1)
        ]


def _words_said(texts: list[str], topic: dict[str, frozenset[str]]) -> dict[int, list[str]]:
    """The question's words each text that says any of them says, in one pass over them all: a
    word's root is always its beginning (text_tools.stem only cuts endings), so one regex finds
    the words that begin with a root, and only those are stemmed."""
    owner = {form: word for word, forms in topic.items() for form in forms}
    pattern = re.compile(
        r"(?<![^\W_])(?:" + "|".join(re.escape(f) for f in sorted(owner, key=len, reverse=True)) + r")[^\W_]*",
        re.IGNORECASE,
    )
    starts = list(accumulate((len(text) + 1 for text in texts[:-1]), initial=0))
    held_by: dict[int, list[str]] = {}
    for match in pattern.finditer(" ".join(texts)):
        word = owner.get(root(match.group().lower()))
        if word is not None:
            held = held_by.setdefault(bisect_right(starts, match.start()) - 1, [])
            if word not in held:
                held.append(word)
    return held_by


def _scan(
    talk_rows: _TalkRows,
    held_by: dict[int, list[str]],
    topic: dict[str, frozenset[str]],
    weights: dict[str, float],
    speakers: tuple[str, ...],
    own_words: bool = True,
) -> tuple[float, float, int, int] | None:
    """(cover, how often its words are said, first, last) of the best window of segments. Only
    the segments that say a word of the question count, and a window that begins with any other
    is never better than the next one: so only windows beginning at those are weighed, and the
    window's counts change only as those enter and leave it. Asked about speakers, a window
    counts only where one of them says a word of the question (own_words), else where one of
    them speaks at all."""
    total = sum(weights[w] for w in topic)
    saying = sorted(held_by)
    # How many turns of the asked speakers come before each segment (read only when it counts).
    turns_before = (
        []
        if own_words
        else list(accumulate((talk_rows.speaker(i) in speakers for i in range(len(talk_rows.texts))), initial=0))
    )
    weight_of = {}
    by_speaker = {}
    for i in saying:
        theirs = bool(speakers) and talk_rows.speaker(i) in speakers
        weight_of[i] = sum(weights[w] for w in held_by[i]) * (2 if theirs else 1)
        by_speaker[i] = theirs
    counts = dict.fromkeys(topic, 0)
    said, spoken, entered = 0.0, 0, 0
    best: tuple[float, float, int, int] | None = None
    for first in saying:
        last = talk_rows.last_within(first)
        while entered < len(saying) and saying[entered] <= last:
            i = saying[entered]
            for w in held_by[i]:
                counts[w] += 1
            said += weight_of[i]
            spoken += by_speaker[i]
            entered += 1
        if not speakers or (spoken if own_words else turns_before[last + 1] - turns_before[first]):
            cover = sum(weights[w] for w, n in counts.items() if n) / total
            # At the same weight, the later window: it begins where the talk about it begins.
            if best is None or (cover, said) >= best[:2]:
                best = (cover, said, first, last)
        for w in held_by[first]:
            counts[w] -= 1
        said -= weight_of[first]
        spoken -= by_speaker[first]
    return best
