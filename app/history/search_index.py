"""What the full-text index holds: one `search_docs` row per searchable passage.

- FTS5 (porter stemming, diacritics folded) over search_docs.text, made by sqlite-utils'
  enable_fts with its triggers, so every insert, update and delete of a row (including the
  ones ON DELETE CASCADE makes) is mirrored in search_docs_fts in the same transaction.
- A row's id packs (kind, item id, n): kind << 62 | item id << 16 | n (kind -1, saved
  questions, makes negative ids; the arithmetic is the same). The item a hit belongs
  to is read from the rowid alone, one item's rows are one rowid range, and so is each kind:
  FTS5 honours rowid ranges and rowid order, which is what keeps search fast on a big history
  (a kind filter is a range; the newest passages come first, see search.py). n = 0 is the title.
- Long texts (transcripts, long pastes) are cut into passages of about PASSAGE_CHARS: snippets
  are computed on a passage, never on a whole hour of transcript. `anchors` maps character
  offsets in the passage to times in the recording ([[offset, start], ...]), so a hit knows
  where to jump.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from app.errors import HistoryError
from app.history.records import speaker_label

ITEM_SHIFT = 16
KIND_SHIFT = 62
ITEM_MASK = (1 << (KIND_SHIFT - ITEM_SHIFT)) - 1
# Saved questions came after the first two kinds had the positive ids (a third code would pass
# 2**63): theirs are the negative range, -2**62 to -1, so no stored id had to change.
KIND_CODES = {"recording": 0, "conversation": 1, "question": -1}
PASSAGE_CHARS = 1200
TOKENIZER = "porter unicode61 remove_diacritics 2"


@dataclass(frozen=True)
class Piece:
    """A piece of text to index: a segment, a turn, a summary item. ref: its segment index."""

    text: str
    start: float | None = None
    ref: int | None = None


@dataclass(frozen=True)
class Passage:
    text: str
    anchors: list
    ref: int | None


def kind_range(kind: str) -> tuple[int, int]:
    code = KIND_CODES[kind]
    return code << KIND_SHIFT, ((code + 1) << KIND_SHIFT) - 1


def item_range(item_id: int, kind: str) -> tuple[int, int]:
    """The ids of an item's rows; the first one is its title."""
    low = KIND_CODES[kind] << KIND_SHIFT | item_id << ITEM_SHIFT
    return low, low + (1 << ITEM_SHIFT) - 1


def item_of(doc_id: int) -> int:
    return (doc_id >> ITEM_SHIFT) & ITEM_MASK


def create_tables(db: Database) -> None:
    db.executescript("""
        CREATE TABLE search_docs (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
            source TEXT NOT NULL,
            ref INTEGER,
            anchors TEXT NOT NULL DEFAULT '[]',
            text TEXT NOT NULL
        );
        CREATE INDEX search_docs_by_item ON search_docs (item_id, source, ref);
    """)
    db.table("search_docs").enable_fts(["text"], tokenize=TOKENIZER, create_triggers=True)


def build_passages(pieces: Iterable[Piece], limit: int = PASSAGE_CHARS) -> list[Passage]:
    """Joins pieces with spaces into passages of at most ~limit characters (a longer piece is
    cut at spaces); each passage remembers where each piece starts and its first piece's ref."""
    passages: list[Passage] = []
    text, ref = "", None
    anchors: list = []
    for piece in pieces:
        for chunk in _chunks(" ".join(piece.text.split()), limit):
            if text and len(text) + 1 + len(chunk) > limit:
                passages.append(Passage(text, anchors, ref))
                text, anchors, ref = "", [], None
            if not text:
                ref = piece.ref
            else:
                text += " "
            anchors.append([len(text), None if piece.start is None else round(piece.start, 2)])
            text += chunk
    if text:
        passages.append(Passage(text, anchors, ref))
    return passages


def _chunks(text: str, limit: int) -> list[str]:
    if len(text) <= limit:
        return [text] if text else []
    out, rest = [], text
    while len(rest) > limit:
        cut = rest.rfind(" ", 0, limit)
        cut = cut if cut > 0 else limit
        out.append(rest[:cut])
        rest = rest[cut:].lstrip()
    if rest:
        out.append(rest)
    return out


def _next_id(db: Database, item_id: int, kind: str) -> int:
    low, high = item_range(item_id, kind)
    top = db.execute("SELECT max(id) FROM search_docs WHERE id BETWEEN ? AND ?", [low, high]).fetchone()[0]
    doc_id = low + 1 if top is None else top + 1
    if doc_id > high:
        raise HistoryError(f"Item {item_id} holds too much text to index; split it into smaller items.")
    return doc_id


SOURCE_KIND = {
    "transcript": "recording",
    "summary": "recording",
    "conversation": "conversation",
    "reply": "conversation",
    "answer": "question",
}


def _insert(db: Database, item_id: int, source: str, passages: list[Passage], ref: int | None = None) -> None:
    kind = SOURCE_KIND[source]
    for passage in passages:
        db.execute(
            "INSERT INTO search_docs (id, item_id, source, ref, anchors, text) VALUES (?, ?, ?, ?, ?, ?)",
            [
                _next_id(db, item_id, kind),
                item_id,
                source,
                passage.ref if ref is None else ref,
                json.dumps(passage.anchors, separators=(",", ":")),
                passage.text,
            ],
        )


def drop(db: Database, item_id: int, source: str, ref: int | None = None) -> None:
    if ref is None:
        db.execute("DELETE FROM search_docs WHERE item_id = ? AND source = ?", [item_id, source])
    else:
        db.execute("DELETE FROM search_docs WHERE item_id = ? AND source = ? AND ref = ?", [item_id, source, ref])


def index_title(db: Database, item_id: int, title: str, kind: str) -> None:
    """The title has the item's first id (n = 0) and is updated in place on rename."""
    doc_id = item_range(item_id, kind)[0]
    updated = db.execute("UPDATE search_docs SET text = ? WHERE id = ?", [title, doc_id]).rowcount
    if not updated:
        db.execute(
            "INSERT INTO search_docs (id, item_id, source, text) VALUES (?, ?, 'title', ?)", [doc_id, item_id, title]
        )


def extend_transcript(db: Database, recording_id: int, first_new_idx: int, *, speakers: bool = True) -> None:
    """Indexes segments from first_new_idx on, each as "Name: text" when its speaker is known;
    a last passage with room is rebuilt to take them. speakers=False: for m002, which runs on
    databases from before the speakers table."""
    last = db.execute(
        "SELECT id, ref, length(text) FROM search_docs WHERE item_id = ? AND source = 'transcript' "
        "ORDER BY id DESC LIMIT 1",
        [recording_id],
    ).fetchone()
    from_idx = first_new_idx
    if last is not None and last[2] < PASSAGE_CHARS and last[1] is not None:
        db.execute("DELETE FROM search_docs WHERE id = ?", [last[0]])
        from_idx = min(from_idx, last[1])
    if speakers:
        sql = (
            "SELECT g.idx, g.start, g.text, s.number, s.name FROM segments g LEFT JOIN speakers s "
            "ON s.id = g.speaker_id WHERE g.recording_id = ? AND g.idx >= ? ORDER BY g.idx"
        )
    else:
        sql = "SELECT idx, start, text, NULL, NULL FROM segments WHERE recording_id = ? AND idx >= ? ORDER BY idx"
    pieces = (
        Piece(text if number is None else f"{speaker_label(number, name)}: {text}", start, idx)
        for idx, start, text, number, name in db.execute(sql, [recording_id, from_idx]).fetchall()
    )
    _insert(db, recording_id, "transcript", build_passages(pieces))


def reindex_transcript(db: Database, recording_id: int) -> None:
    """The transcript's passages made again (its speakers' names changed)."""
    drop(db, recording_id, "transcript")
    extend_transcript(db, recording_id, 0)


def index_summary(db: Database, recording_id: int) -> None:
    drop(db, recording_id, "summary")
    head = db.execute("SELECT title, overview FROM summaries WHERE recording_id = ?", [recording_id]).fetchone()
    if head is None:
        return
    pieces = [Piece(head[0]), Piece(head[1])]
    for text, owner, due, start in db.execute(
        "SELECT text, owner, due, start FROM summary_items WHERE recording_id = ? ORDER BY "
        "CASE kind WHEN 'key_point' THEN 0 WHEN 'decision' THEN 1 ELSE 2 END, idx",
        [recording_id],
    ).fetchall():
        extras = " ".join(part for part in (owner or "", due or "") if part)
        pieces.append(Piece(f"{text} {extras}".strip(), start))
    _insert(db, recording_id, "summary", build_passages(pieces))


def index_conversation(db: Database, conversation_id: int) -> None:
    drop(db, conversation_id, "conversation")
    rows = db.execute(
        "SELECT speaker, text FROM turns WHERE conversation_id = ? ORDER BY idx", [conversation_id]
    ).fetchall()
    pieces = [Piece(f"{speaker}: {text}" if speaker else text) for speaker, text in rows]
    if not pieces:
        raw = db.execute("SELECT raw FROM conversations WHERE item_id = ?", [conversation_id]).fetchone()
        pieces = [Piece(raw[0])] if raw else []
    _insert(db, conversation_id, "conversation", build_passages(pieces))


def index_draft(db: Database, conversation_id: int, draft_id: int) -> None:
    drop(db, conversation_id, "reply", draft_id)
    row = db.execute("SELECT text, final_text FROM drafts WHERE id = ?", [draft_id]).fetchone()
    pieces = [Piece(row[0])]
    if row[1] and row[1] != row[0]:
        pieces.append(Piece(row[1]))
    _insert(db, conversation_id, "reply", build_passages(pieces), ref=draft_id)


def index_everything(db: Database) -> None:
    """Indexes what the tables already hold (used when the index is first added)."""
    for item_id, kind, title in db.execute("SELECT id, kind, title FROM items ORDER BY id").fetchall():
        index_title(db, item_id, title, kind)
        if kind == "recording":
            extend_transcript(db, item_id, 0, speakers=False)
            index_summary(db, item_id)
        else:
            index_conversation(db, item_id)
            for (draft_id,) in db.execute(
                "SELECT id FROM drafts WHERE conversation_id = ? ORDER BY idx", [item_id]
            ).fetchall():
                index_draft(db, item_id, draft_id)


def purge_deleted(db: Database) -> None:
    """Merges the index so that the entries of deleted rows are gone from it, not just masked."""
    db.table("search_docs").optimize()


def index_answer(db: Database, answer_id: int) -> None:
    """A saved answer is found by its question and its answer (the passages it cites are
    already indexed where they were said)."""
    drop(db, answer_id, "answer")
    question, answer = db.execute("SELECT question, answer FROM answers WHERE item_id = ?", [answer_id]).fetchone()
    _insert(db, answer_id, "answer", build_passages([Piece(question), Piece(answer)]))
