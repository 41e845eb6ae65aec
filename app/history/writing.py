"""The writes the store's methods share, each inside the caller's transaction: a recording's
row, its transcript and summary, drafts, an item with its title, and the list's preview."""

from __future__ import annotations

from datetime import datetime

from app.history import search_index
from app.history.dates import local_label, to_stored

PREVIEW_CHARS = 160


def insert_recording(db, title: str | None, relative: str | None, created: datetime | None,
                     duration: float | None, language: str | None, status: str) -> int:
    created_text = to_stored(created)
    auto = not (title and title.strip())
    title = title.strip() if not auto else f"Recording {local_label(created_text)}"
    item_id = new_item(db, "recording", title, auto, created_text)
    db.execute("INSERT INTO recordings (item_id, audio_file, duration, language, status) "
               "VALUES (?, ?, ?, ?, ?)", [item_id, relative, duration, language, status])
    return item_id


def append_segments(db, recording_id: int, rows: list, *, replace: bool) -> None:
    if replace:
        db.execute("DELETE FROM segments WHERE recording_id = ?", [recording_id])
        search_index.drop(db, recording_id, "transcript")
    top = db.execute("SELECT max(idx) FROM segments WHERE recording_id = ?",
                     [recording_id]).fetchone()[0]
    first = 0 if top is None else top + 1
    db.conn.executemany(
        'INSERT INTO segments (recording_id, idx, start, "end", text) VALUES (?, ?, ?, ?, ?)',
        [(recording_id, first + offset, start, end, text) for offset, (start, end, text) in enumerate(rows)])
    search_index.extend_transcript(db, recording_id, first)


def write_summary(db, recording_id: int, data: dict, *, retitle: bool) -> None:
    db.execute("DELETE FROM summaries WHERE recording_id = ?", [recording_id])
    db.execute("INSERT INTO summaries (recording_id, title, overview, created) VALUES (?, ?, ?, ?)",
               [recording_id, data["title"], data["overview"], to_stored()])
    for kind, key in (("key_point", "key_points"), ("decision", "decisions"),
                      ("action_item", "action_items")):
        for idx, entry in enumerate(data[key]):
            db.execute(
                "INSERT INTO summary_items (recording_id, kind, idx, text, owner, due, start) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [recording_id, kind, idx, entry["text"], entry.get("owner"), entry.get("due"),
                 entry.get("start")])
    search_index.index_summary(db, recording_id)
    if retitle and data["title"].strip():
        set_title(db, recording_id, data["title"].strip(), auto=True, only_if_auto=True)


def insert_drafts(db, conversation_id: int, rows: list) -> list[int]:
    top = db.execute("SELECT max(idx) FROM drafts WHERE conversation_id = ?",
                     [conversation_id]).fetchone()[0]
    first = 0 if top is None else top + 1
    created = to_stored()
    ids = []
    for offset, (text, draft_tone, draft_length) in enumerate(rows):
        cursor = db.execute(
            "INSERT INTO drafts (conversation_id, idx, text, tone, length, created) VALUES (?, ?, ?, ?, ?, ?)",
            [conversation_id, first + offset, text, draft_tone, draft_length, created])
        ids.append(cursor.lastrowid)
        search_index.index_draft(db, conversation_id, cursor.lastrowid)
    return ids


def new_item(db, kind: str, title: str, auto: bool, created: str) -> int:
    cursor = db.execute("INSERT INTO items (kind, title, title_is_auto, created) VALUES (?, ?, ?, ?)",
                        [kind, title, int(auto), created])
    item_id = cursor.lastrowid
    search_index.index_title(db, item_id, title, kind)
    return item_id


def set_title(db, item_id: int, title: str, *, auto: bool, only_if_auto: bool = False) -> None:
    sql = "UPDATE items SET title = ?, title_is_auto = ? WHERE id = ?"
    if only_if_auto:
        sql += " AND title_is_auto = 1"
    if db.execute(sql, [title, int(auto), item_id]).rowcount:
        kind = db.execute("SELECT kind FROM items WHERE id = ?", [item_id]).fetchone()[0]
        search_index.index_title(db, item_id, title, kind)


def refresh_preview(db, item_id: int) -> None:
    """The list's snippet: a summary's overview, else the transcript's or conversation's start."""
    row = db.execute("SELECT overview FROM summaries WHERE recording_id = ?", [item_id]).fetchone()
    text = row[0] if row and row[0].strip() else ""
    if not text:
        pieces = db.execute(
            "SELECT text FROM search_docs WHERE item_id = ? AND source IN ('transcript', 'conversation') "
            "ORDER BY id LIMIT 1", [item_id]).fetchone()
        text = pieces[0] if pieces else ""
    text = " ".join(text.split())
    if len(text) > PREVIEW_CHARS:
        text = text[:PREVIEW_CHARS].rsplit(" ", 1)[0] + "…"
    db.execute("UPDATE items SET preview = ? WHERE id = ?", [text, item_id])
