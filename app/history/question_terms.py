"""The words of a question about the history, as a passage would say them (confide ask).

A question's content words (no question words, no stopwords), each with its family and its
numbers written both ways ("twelve" and "12"), and each weighed by how rare it is in the history
(a name or "login" counts, "meeting" hardly). retrieval.py finds the few sentences that hold most
of that weight; stretches.py the minutes of talk that do.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from sqlite_utils import Database

from app.assistant.text_tools import STOPWORDS, stem
from app.history.search_query import parse_query, word_forms

MAX_WORDS = 12
QUESTION_WORDS = frozenset(
    """what when who whom whose which where why how did does do tell said say says talk talked talking
    mention mentioned discuss discussed discussion discussions summarize summarise summary details detail
    think thought thinks opinion view views anyone someone somebody anybody everyone ever last recording
    recordings meeting meetings conversation conversations chat call team""".split()
)
NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
# Words that frame a question rather than name its topic: a question asks for "the
# disadvantages of ATLAS" or "the advantage of using Noisy-ORs", and the talk that answers it
# says "the problem with ATLAS is ..." or "Noisy-ORs are a way to deal with this", rarely
# "disadvantage" or "using". With a word of its topic beside them they are left out of what a
# passage must hold (else the rarest of them, said once in another meeting, outweighs the topic
# and nothing is found); alone they are the topic.
FRAMING_WORDS = frozenset(
    """advantage advantages disadvantage disadvantages benefit benefits drawback drawbacks downside
    downsides upside upsides pros cons option options alternative alternatives choices problem problems
    issue issues concern concerns idea ideas suggestion suggestions proposal proposals reason reasons
    point points question questions challenge challenges difficulty difficulties risk risks solution
    solutions approach approaches possibility possibilities aspect aspects feedback use uses used using""".split()
)
DIGITS_TO_WORDS = {str(value): word for word, value in NUMBER_WORDS.items()}
WORD = re.compile(r"[^\W_]+", re.UNICODE)


def question_words(question: str) -> list[str]:
    """The words of a question that a passage answering it would say."""
    seen: list[str] = []
    for word in WORD.findall(question.lower()):
        if word in STOPWORDS or word in QUESTION_WORDS or len(word) < 2 and not word.isdigit():
            continue
        if word not in seen:
            seen.append(word)
    topic = [word for word in seen if word not in FRAMING_WORDS]
    return (topic or seen)[:MAX_WORDS]


def variants(word: str) -> list[str]:
    """The ways a passage may write word: its family ('decide', 'decision'), its number in
    digits or in words."""
    if word in NUMBER_WORDS:
        return [word, str(NUMBER_WORDS[word])]
    if word in DIGITS_TO_WORDS:
        return [word, DIGITS_TO_WORDS[word]]
    return word_forms(word)


@lru_cache(maxsize=65536)  # the words of passages repeat: each is worked out once
def root(word: str) -> str:
    """'decided', 'decide' -> 'decid'; 'hiring', 'hire' -> 'hir' (enough to tell a sentence
    holds the word; FTS5's porter stemmer already found the passage)."""
    root = stem(word)
    return root[:-1] if len(root) >= 4 and root.endswith("e") else root


def word_roots(asked: list[str]) -> dict[str, frozenset[str]]:
    """Each word of the question as the roots a sentence may hold it by (worked out once)."""
    return {word: frozenset(root(v) for v in variants(word)) for word in asked}


@dataclass(frozen=True)
class Weighed:
    """How much each word of the question counts (the rarer in the history, the more: idf), and
    the words no passage of the history holds."""

    weights: dict[str, float]
    unsaid: frozenset[str]


def word_weights(db: Database, asked: list[str], indexed) -> Weighed:
    documents = db.execute("SELECT count(*) FROM search_docs").fetchone()[0] or 1
    weights, unsaid = {}, set()
    for word in asked:
        units = [u for v in variants(word) for u in parse_query(v, indexed).units]
        holding = db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM search_docs_fts WHERE search_docs_fts MATCH ? LIMIT ?)",
            [" OR ".join(units), documents],
        ).fetchone()[0]
        weights[word] = math.log(1 + documents / (1 + holding))
        if not holding:
            unsaid.add(word)
    return Weighed(weights, frozenset(unsaid))


def roots_in(text: str) -> set[str]:
    """The roots of every word of text (what a question's word_roots are looked up in)."""
    return {root(token) for token in WORD.findall(text.lower())}
