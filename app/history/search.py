"""Full-text search over the history: ranked, with highlighted snippets and times to jump to.

Ranking, best first:
  1. items where the query's words appear as a phrase in one passage,
  2. items where they all appear in one passage,
  3. items where they all appear, but spread over several passages (title, transcript...),
and within the first two by bm25 of the item's best passage; the third group newest first.
FTS5's bm25 ignores word order, hence the phrase tier: "budget review" said together ranks
above a transcript that says "budget" here and "review" there. Each word also matches its
family and its compounds ("decide" finds "decision", "helpdesk" finds "help desk"): see
search_query.py.

Bounded work: each kind's matching passages are read newest first (FTS5 walks rowids
backwards and stops at the LIMIT), and at most WINDOW of them compete per kind. A query whose
words are in fewer passages than that (names, topics: nearly every real query) is ranked over
the whole history; for words said everywhere ("think", "okay") the newest WINDOW passages are
ranked, so the time a search takes does not grow with the size of the history. A phrase has a
window of its own, so an old item holding the exact phrase is not lost behind newer ones.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlite_utils import Database

from app.errors import HistoryError
from app.history.dates import parse_since
from app.history.records import KINDS, SearchHit
from app.history.search_index import item_of, item_range, kind_range
from app.history.search_query import Query, parse_query

WINDOW = 2000
SNIPPET_TOKENS = 24
HIT_OPEN, HIT_CLOSE = "\x02", "\x03"


@dataclass
class _Candidate:
    item_id: int
    kind: str
    tier: int
    score: float = 0.0  # bm25 of the best passage (lower is better)
    doc_id: int | None = None  # that passage
    phrase_doc_id: int | None = None  # the first passage holding the words as a phrase


def search(db: Database, text: str, kind: str | None = None, since=None, limit: int = 50) -> list[SearchHit]:
    if kind is not None and kind not in KINDS:
        raise HistoryError(f"'{kind}' is not a kind of item; use one of: {', '.join(KINDS)}.")
    since_text = parse_since(since)
    query = parse_query(text, indexed_words(db))
    if not query.terms or limit <= 0:
        return []
    kinds = [kind] if kind else list(KINDS)
    candidates: dict[int, _Candidate] = {}
    for each_kind in kinds:
        _rank_kind(db, query, each_kind, candidates)
    if len(query.terms) > 1 and _count_passing(db, candidates, since_text) < limit:
        for each_kind in kinds:
            for item_id in _spread_items(db, query, each_kind) - candidates.keys():
                candidates[item_id] = _Candidate(item_id, each_kind, tier=0)

    ranked = sorted(candidates.values(), key=lambda c: (-c.tier, c.score, -c.item_id))
    hits: list[SearchHit] = []
    batch_size = max(2 * limit, 100)
    # Item rows are read for the best candidates only, a batch at a time, until enough pass --since.
    for first in range(0, len(ranked), batch_size):
        batch = ranked[first : first + batch_size]
        items = _items(db, [c.item_id for c in batch], since_text)
        for candidate in batch:
            if candidate.item_id in items:
                hit = _hit(db, query, candidate, items[candidate.item_id])
                if hit is not None:
                    hits.append(hit)
                    if len(hits) >= limit:
                        return hits
    return hits


def indexed_words(db: Database):
    """indexed(word) -> whether any passage holds word (as the index stems it), remembered for
    one search."""
    seen: dict[str, bool] = {}

    def indexed(word: str) -> bool:
        if word not in seen:
            seen[word] = (
                db.execute(
                    "SELECT 1 FROM search_docs_fts WHERE search_docs_fts MATCH ? LIMIT 1", [f'"{word}"']
                ).fetchone()
                is not None
            )
        return seen[word]

    return indexed


def _count_passing(db: Database, candidates: dict[int, _Candidate], since: str | None) -> int:
    if since is None:
        return len(candidates)
    return len(_items(db, list(candidates), since))


def _rank_kind(db: Database, query: Query, kind: str, candidates: dict[int, _Candidate]) -> None:
    """Tier 1: the newest WINDOW passages of this kind holding every word, scored by bm25.
    Tier 2: the newest WINDOW passages holding the words as a phrase."""
    low, high = kind_range(kind)
    rows = db.execute(
        "SELECT rowid, bm25(search_docs_fts) FROM search_docs_fts WHERE search_docs_fts MATCH ? "
        "AND rowid BETWEEN ? AND ? ORDER BY rowid DESC LIMIT ?",
        [query.all_words, low, high, WINDOW],
    ).fetchall()
    for doc_id, score in rows:
        item_id = item_of(doc_id)
        found = candidates.get(item_id)
        if found is None:
            candidates[item_id] = _Candidate(item_id, kind, 1, score, doc_id)
        elif score < found.score:
            found.score, found.doc_id = score, doc_id
    if len(query.terms) > 1:
        # The phrase is looked for beyond the window (it is much rarer than the words): an old
        # meeting that said "budget review" still comes first. Newest first, so each item ends
        # up with its earliest passage holding the phrase.
        for (doc_id,) in db.execute(
            "SELECT rowid FROM search_docs_fts WHERE search_docs_fts MATCH ? AND rowid BETWEEN ? AND ? "
            "ORDER BY rowid DESC LIMIT ?",
            [query.phrase, low, high, WINDOW],
        ):
            item_id = item_of(doc_id)
            found = candidates.get(item_id)
            if found is None:
                # Outside the window it has no bm25: it ranks after the scored phrase hits.
                found = candidates[item_id] = _Candidate(item_id, kind, 2, 0.0, doc_id)
            found.tier, found.phrase_doc_id = 2, doc_id


def _spread_items(db: Database, query: Query, kind: str) -> set[int]:
    """Items holding every word somewhere, each word's newest WINDOW passages considered."""
    low, high = kind_range(kind)
    common: set[int] | None = None
    for term in query.terms:
        found = {
            item_of(row[0])
            for row in db.execute(
                "SELECT rowid FROM search_docs_fts WHERE search_docs_fts MATCH ? AND rowid BETWEEN ? AND ? "
                "ORDER BY rowid DESC LIMIT ?",
                [term, low, high, WINDOW],
            )
        }
        common = found if common is None else common & found
        if not common:
            return set()
    return common or set()


def _items(db: Database, ids: list[int], since: str | None) -> dict[int, tuple]:
    if not ids:
        return {}
    sql = "SELECT id, kind, title, created FROM items WHERE id IN (SELECT value FROM json_each(?))"
    params: list = [json.dumps(ids)]
    if since is not None:
        sql += " AND created >= ?"
        params.append(since)
    return {row[0]: row for row in db.execute(sql, params)}


def _hit(db: Database, query: Query, candidate: _Candidate, item: tuple) -> SearchHit | None:
    """The snippet comes from the item's best passage (tier 1), else its first passage holding
    the phrase or the words; the title only when nothing else matches (it is shown anyway)."""
    title_doc, high = item_range(candidate.item_id, candidate.kind)
    attempts = []
    if candidate.tier == 2 and candidate.phrase_doc_id != title_doc:
        attempts.append((query.phrase, candidate.phrase_doc_id, candidate.phrase_doc_id))
    if candidate.tier >= 1:
        if candidate.doc_id is not None and candidate.doc_id != title_doc:
            attempts.append((query.all_words, candidate.doc_id, candidate.doc_id))
        attempts.append((query.all_words, title_doc + 1, high))
    attempts += [(query.any_word, title_doc + 1, high), (query.any_word, title_doc, title_doc)]
    for match, low, top in attempts:
        # The first matching passage (no bm25 here: bm25 re-counts every word's rows for each
        # query, which costs more than the whole snippet on a big history).
        row = db.execute(
            "SELECT rowid, snippet(search_docs_fts, 0, char(2), char(3), '', ?) FROM search_docs_fts "
            "WHERE search_docs_fts MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid LIMIT 1",
            [SNIPPET_TOKENS, match, low, top],
        ).fetchone()
        if row is not None:
            break
    else:
        return None
    doc_id, marked = row
    source, anchors, doc_text = db.execute(
        "SELECT source, anchors, text FROM search_docs WHERE id = ?", [doc_id]
    ).fetchone()
    plain, spans, offset = _locate(marked or "", doc_text)
    lead = "…" if offset > 0 else ""
    tail = "…" if offset + len(plain) < len(doc_text) else ""
    start = _time_at(json.loads(anchors), offset + spans[0][0]) if spans else None
    shifted = tuple((a + len(lead), b + len(lead)) for a, b in spans)
    return SearchHit(
        id=candidate.item_id,
        kind=item[1],
        title=item[2],
        created=item[3],
        snippet=lead + _mark(plain, spans) + tail,
        start=start,
        source=source,
        plain_snippet=lead + plain + tail,
        highlights=shifted,
    )


def _locate(marked: str, doc_text: str) -> tuple[str, list[tuple[int, int]], int]:
    """The snippet without markers, its highlighted spans, and where it sits in the passage."""
    plain_parts, spans, position, opened = [], [], 0, None
    for part in re.split(f"([{HIT_OPEN}{HIT_CLOSE}])", marked):
        if part == HIT_OPEN:
            opened = position
        elif part == HIT_CLOSE:
            if opened is not None:
                spans.append((opened, position))
            opened = None
        else:
            plain_parts.append(part)
            position += len(part)
    plain = "".join(plain_parts)
    offset = doc_text.find(plain) if plain else 0
    return plain, spans, max(offset, 0)


def _mark(plain: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for a, b in spans:
        out += [plain[last:a], "[", plain[a:b], "]"]
        last = b
    out.append(plain[last:])
    return "".join(out)


def _time_at(anchors: list, offset: int) -> float | None:
    start = None
    for anchor_offset, anchor_start in anchors:
        if anchor_offset > offset:
            break
        start = anchor_start
    return start
