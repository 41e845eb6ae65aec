"""The passages of the history that may answer a question (confide ask).

A question is not a search: "When is Elena sending the login report?" should find "Elena
will send the login report on Thursday" though "when" and "sending" are not said. So:

- the question's words (question_terms.py: its family and numbers both ways, each weighed by
  how rare it is in the history), any of them through FTS5's bm25 over the passages the index
  already holds (search_index.py);
- each matching passage is narrowed to the few sentences around the words (a passage is up to
  1,200 characters; a prompt needs the part that answers), with the time it was said;
- a passage counts only if it holds most of the question's weight (a name or "login" counts,
  "meeting" hardly): below MIN_COVER it is not an answer, whatever its rank. That is what lets
  "not found" be said;
- a question about a discussion ("Summarize the discussion about...", "What did F think
  about...") is answered from a stretch of talk instead (stretches.py).

Bounded work: at most CANDIDATES passages are read per question, whatever the history's size.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass

from sqlite_utils import Database

from app.history.dates import parse_since
from app.history.question_terms import question_words, roots_in, variants, word_roots, word_weights
from app.history.search import indexed_words
from app.history.search_index import item_range
from app.history.search_query import parse_query
from app.history.stretches import Moment, asks_for_fact, best_stretch, is_about_discussion

CANDIDATES = 40
MIN_COVER = 0.6  # of the question's weight, in one passage
WINDOW_SENTENCES = 3
WINDOW_CHARS = 600
SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")


@dataclass(frozen=True)
class Passage:
    """A few sentences of one item that bear on the question. start: when they were said (a
    recording's transcript or summary item), else None. cover: the share of the question's
    weight they hold (0..1)."""

    item_id: int
    kind: str  # "recording" or "conversation"
    source: str  # "transcript", "summary", "conversation", "reply" or "title"
    title: str
    created: str
    start: float | None
    text: str  # the sentences that hold the question's words, with one of context each side
    quote: str  # those sentences alone
    cover: float
    # A stretch of talk (stretches.py): its segments, for the moment each sentence of an answer rests on.
    moments: tuple[Moment, ...] = ()


def find_passages(db: Database, question: str, item_id: int | None = None, since=None, limit: int = 6) -> list[Passage]:
    """The passages that answer question best, best first; [] when none holds enough of it."""
    asked = question_words(question)
    if not asked:
        return []
    indexed = indexed_words(db)
    units: list[str] = []
    for word in asked:
        for variant in variants(word):
            query = parse_query(variant, indexed)
            units.extend(query.units)
    match = " OR ".join(units)
    where: list[str] = ["search_docs_fts MATCH ?"]
    params: list[str | int] = [match]
    if item_id is not None:
        for kind in ("recording", "conversation"):
            low, high = item_range(item_id, kind)
            if db.execute("SELECT 1 FROM search_docs WHERE id BETWEEN ? AND ? LIMIT 1", [low, high]).fetchone():
                where.append("search_docs_fts.rowid BETWEEN ? AND ?")
                params += [low, high]
                break
        else:
            return []
    else:
        # Saved answers (the negative ids, search_index.KIND_CODES) are the model's words, not
        # what was said: an answer never rests on an earlier answer.
        where.append("search_docs_fts.rowid >= 0")
    since_text = parse_since(since)
    # FTS5 ranks on its own (a join first would rank every match: twice the time); an item
    # filter by date is applied after, so more candidates are read for it.
    limit_read = CANDIDATES * (3 if since_text is not None else 1)
    ranked = db.execute(
        "SELECT search_docs_fts.rowid, bm25(search_docs_fts) FROM search_docs_fts WHERE "
        + " AND ".join(where)
        + " ORDER BY bm25(search_docs_fts) LIMIT ?",
        [*params, limit_read],
    ).fetchall()
    rank_of = dict(ranked)
    details = db.execute(
        "SELECT d.id, d.item_id, d.source, d.anchors, d.text, i.kind, i.title, i.created FROM search_docs d "
        f"JOIN items i ON i.id = d.item_id WHERE d.id IN ({','.join('?' * len(rank_of))})",
        list(rank_of),
    ).fetchall()
    rows = [
        (*row[1:], rank_of[row[0]])
        for row in details
        # A title says what an item is about, not what was said in it: never a passage.
        if row[2] != "title" and (since_text is None or row[7] >= since_text)
    ]
    weighed = word_weights(db, asked, indexed)
    weights = weighed.weights
    total = sum(weights.values())
    roots = word_roots(asked)
    found: list[tuple[float, float, Passage]] = []
    said_in: dict[int, float] = defaultdict(float)  # how much of the question each item's candidates hold, summed
    for item, source, anchors, text, kind, title, created, rank in rows:
        offset, window, quote, cover = _best_window(text, roots, weights, total)
        said_in[item] += cover
        if cover < MIN_COVER:
            continue
        start = _time_at(json.loads(anchors or "[]"), offset) if kind == "recording" else None
        found.append((cover, rank, Passage(item, kind, source, title, created, start, window, quote, round(cover, 3))))
    # At the same cover, the item that says it most often first (the meeting where it was
    # discussed, not one that mentions it in passing), and what was said before what a model
    # wrote of it (a summary).
    found.sort(key=lambda entry: (-entry[0], -said_in[entry[2].item_id], entry[2].source == "summary", entry[1]))
    # A question about a discussion is answered by the minutes of talk where its words are said,
    # and so is a question about what was said that no few sentences answer; never a question
    # with a word nobody said (of ten unanswered questions, eight have one), nor one for a fact
    # (who, when, how much: a sentence says it or nothing does).
    if (is_about_discussion(question) or not found) and not weighed.unsaid and not asks_for_fact(question):
        recordings = sorted({row[0] for row in rows if row[4] == "recording"}, key=lambda item: -said_in[item])
        stretch = best_stretch(db, question, recordings, roots, weights)
        if stretch is not None:
            return [_stretch_passage(db, stretch)]
    kept: list[Passage] = []
    for _, _, passage in found:
        if any(p.item_id == passage.item_id and p.text == passage.text for p in kept):
            continue
        kept.append(passage)
        if len(kept) == limit:
            break
    return kept


def _stretch_passage(db: Database, stretch) -> Passage:
    title, created = db.execute("SELECT title, created FROM items WHERE id = ?", [stretch.item_id]).fetchone()
    first = stretch.moments[0]
    return Passage(
        stretch.item_id, "recording", "transcript", title, created, first.start, stretch.text, first.text,
        stretch.cover, stretch.moments,
    )  # fmt: skip


def _best_window(
    text: str, roots: dict[str, frozenset[str]], weights: dict[str, float], total: float
) -> tuple[int, str, str, float]:
    """(offset, text, quote, cover): the fewest sentences (up to WINDOW_SENTENCES) that hold most of
    the question's weight, with a sentence of context on each side; offset is where the
    holding sentences start (the moment a citation points at)."""
    sentences = [
        (m.start() + len(m.group()) - len(m.group().lstrip()), m.group().strip())
        for m in SENTENCE.finditer(text)
        if m.group().strip()
    ]
    if not sentences:
        return 0, text[:WINDOW_CHARS], text[:WINDOW_CHARS], 0.0
    words_in = [roots_in(s) for _, s in sentences]
    best = (-1.0, 0, 0)
    for first in range(len(sentences)):
        held: set[str] = set()
        for last in range(first, min(first + WINDOW_SENTENCES, len(sentences))):
            held |= {w for w, forms in roots.items() if not forms.isdisjoint(words_in[last])}
            cover = sum(weights[w] for w in held) / total if total else 0.0
            if cover > best[0] + 1e-9 or (abs(cover - best[0]) <= 1e-9 and last - first < best[2] - best[1]):
                best = (cover, first, last)
    cover, first, last = best
    shown = sentences[max(0, first - 1) : last + 2]
    quote = " ".join(s for _, s in sentences[first : last + 1])[:WINDOW_CHARS]
    return sentences[first][0], " ".join(s for _, s in shown)[:WINDOW_CHARS], quote, cover


def _time_at(anchors: list, offset: int) -> float | None:
    """The time of the piece that the character at offset belongs to."""
    start = None
    for at, seconds in anchors:
        if at > offset:
            break
        if seconds is not None:
            start = seconds
    return start
