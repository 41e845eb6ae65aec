"""The store's writes, each inside the caller's transaction: a recording's row, its
transcript and summary, a conversation and its drafts, a pick, a saved answer, an item with
its title, the list's preview, and deletions (the rows only: the store finishes the files)."""

from __future__ import annotations

import json
from datetime import datetime

from app.history import inputs, search_index, speakers
from app.history.dates import local_label, to_stored

PREVIEW_CHARS = 160
TITLE_CHARS = 120  # a saved question is its own title, cut to a line of the list


def insert_recording(
    db,
    title: str | None,
    relative: str | None,
    created: datetime | None,
    duration: float | None,
    language: str | None,
    status: str,
) -> int:
    created_text = to_stored(created)
    given = (title or "").strip()
    item_id = new_item(db, "recording", given or f"Recording {local_label(created_text)}", not given, created_text)
    db.execute(
        "INSERT INTO recordings (item_id, audio_file, duration, language, status) VALUES (?, ?, ?, ?, ?)",
        [item_id, relative, duration, language, status],
    )
    return item_id


def mark_transcribed(db, recording_id: int, duration: float | None, language: str | None) -> None:
    """A transcript made after the fact: the recording is done ('recovered' stays)."""
    db.execute(
        "UPDATE recordings SET status = CASE status WHEN 'recording' THEN 'done' ELSE status END, "
        "duration = coalesce(?, duration), language = coalesce(?, language) WHERE item_id = ?",
        [duration, language, recording_id],
    )


def finish_recording(
    db, recording_id: int, status: str, duration: float | None, relative: str | None, language: str | None
) -> str | None:
    """The recording's final state; returns its audio file (relative), the new one or the one it had."""
    db.execute(
        "UPDATE recordings SET status = ?, duration = coalesce(?, duration), "
        "audio_file = coalesce(?, audio_file), language = coalesce(?, language) WHERE item_id = ?",
        [status, duration, relative, language, recording_id],
    )
    return db.execute("SELECT audio_file FROM recordings WHERE item_id = ?", [recording_id]).fetchone()[0]


def mark_recovered(db) -> list[int]:
    """Recordings left 'recording' by a crash become 'recovered'; returns their ids."""
    ids = [
        row[0]
        for row in db.execute("SELECT item_id FROM recordings WHERE status = 'recording' ORDER BY item_id").fetchall()
    ]
    db.execute("UPDATE recordings SET status = 'recovered' WHERE status = 'recording'")
    return ids


def append_segments(db, recording_id: int, rows: list, *, replace: bool) -> None:
    """rows: inputs.segment_row()s; their speakers are created as they first appear."""
    if replace:
        db.execute("DELETE FROM segments WHERE recording_id = ?", [recording_id])
        speakers.drop_all(db, recording_id)
        search_index.drop(db, recording_id, "transcript")
    top = db.execute("SELECT max(idx) FROM segments WHERE recording_id = ?", [recording_id]).fetchone()[0]
    first = 0 if top is None else top + 1
    speaker_ids = speakers.link(db, recording_id, [row[3] for row in rows])
    db.conn.executemany(
        'INSERT INTO segments (recording_id, idx, start, "end", text, speaker_id) VALUES (?, ?, ?, ?, ?, ?)',
        [
            (recording_id, first + offset, start, end, text, speaker_id)
            for offset, ((start, end, text, _name), speaker_id) in enumerate(zip(rows, speaker_ids, strict=True))
        ],
    )
    search_index.extend_transcript(db, recording_id, first)


def write_summary(db, recording_id: int, data: dict, *, retitle: bool) -> None:
    db.execute("DELETE FROM summaries WHERE recording_id = ?", [recording_id])
    db.execute(
        "INSERT INTO summaries (recording_id, title, overview, created) VALUES (?, ?, ?, ?)",
        [recording_id, data["title"], data["overview"], to_stored()],
    )
    for kind, key in (("key_point", "key_points"), ("decision", "decisions"), ("action_item", "action_items")):
        for idx, entry in enumerate(data[key]):
            db.execute(
                "INSERT INTO summary_items (recording_id, kind, idx, text, owner, due, start) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [recording_id, kind, idx, entry["text"], entry.get("owner"), entry.get("due"), entry.get("start")],
            )
    search_index.index_summary(db, recording_id)
    if retitle and data["title"].strip():
        set_title(db, recording_id, data["title"].strip(), auto=True, only_if_auto=True)


def insert_conversation(
    db, raw: str, turn_rows: list, me: str | None, title: str, created: str, draft_rows: list
) -> int:
    """title: the user's, or empty for one named after the other participants."""
    auto = not title
    title = title or inputs.conversation_title(turn_rows, me, raw)
    item_id = new_item(db, "conversation", title, auto, created)
    db.execute("INSERT INTO conversations (item_id, me, raw) VALUES (?, ?, ?)", [item_id, me, raw or ""])
    for idx, (speaker, text) in enumerate(turn_rows):
        db.execute(
            "INSERT INTO turns (conversation_id, idx, speaker, text) VALUES (?, ?, ?, ?)", [item_id, idx, speaker, text]
        )
    search_index.index_conversation(db, item_id)
    insert_drafts(db, item_id, draft_rows)
    refresh_preview(db, item_id)
    return item_id


def insert_answer(db, question: str, answer: str, found: bool, scope_id: int | None, citation_rows: list) -> int:
    """A saved question and answer; citation_rows: (item id, kind, title, start, text). A
    citation of an item deleted in the meantime keeps its words without the link."""
    title = question if len(question) <= TITLE_CHARS else question[: TITLE_CHARS - 1].rstrip() + "…"
    item_id = new_item(db, "question", title, True, to_stored())
    db.execute(
        "INSERT INTO answers (item_id, question, answer, found, scope_id) VALUES (?, ?, ?, ?, "
        "(SELECT id FROM items WHERE id = ?))",
        [item_id, question, answer, int(found), scope_id],
    )
    for idx, (cited, kind, cited_title, start, text) in enumerate(citation_rows):
        db.execute(
            "INSERT INTO citations (answer_id, idx, item_id, kind, title, start, text) "
            "VALUES (?, ?, (SELECT id FROM items WHERE id = ?), ?, ?, ?, ?)",
            [item_id, idx, cited, kind, cited_title, start, text],
        )
    search_index.index_answer(db, item_id)
    refresh_preview(db, item_id)
    return item_id


def set_conversation_me(db, conversation_id: int, me: str | None) -> None:
    """Who the user is; a title the user never set follows (it names the others)."""
    turn_rows = [
        tuple(row)
        for row in db.execute(
            "SELECT speaker, text FROM turns WHERE conversation_id = ? ORDER BY idx", [conversation_id]
        )
    ]
    raw = db.execute("SELECT raw FROM conversations WHERE item_id = ?", [conversation_id]).fetchone()[0]
    db.execute("UPDATE conversations SET me = ? WHERE item_id = ?", [me, conversation_id])
    set_title(db, conversation_id, inputs.conversation_title(turn_rows, me, raw), auto=True, only_if_auto=True)


def pick_draft(db, conversation_id: int, draft_id: int, final_text: str | None) -> None:
    """Marks one draft as the user's pick, undoing any earlier pick of the conversation."""
    previous = [
        row[0]
        for row in db.execute(
            "SELECT id FROM drafts WHERE conversation_id = ? AND picked_at IS NOT NULL AND id != ?",
            [conversation_id, draft_id],
        ).fetchall()
    ]
    db.execute(
        "UPDATE drafts SET picked_at = NULL, final_text = NULL WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(previous)],
    )
    db.execute("UPDATE drafts SET picked_at = ?, final_text = ? WHERE id = ?", [to_stored(), final_text, draft_id])
    for changed in previous + [draft_id]:
        search_index.index_draft(db, conversation_id, changed)


def insert_drafts(db, conversation_id: int, rows: list) -> list[int]:
    top = db.execute("SELECT max(idx) FROM drafts WHERE conversation_id = ?", [conversation_id]).fetchone()[0]
    first = 0 if top is None else top + 1
    created = to_stored()
    ids = []
    for offset, (text, draft_tone, draft_length) in enumerate(rows):
        cursor = db.execute(
            "INSERT INTO drafts (conversation_id, idx, text, tone, length, created) VALUES (?, ?, ?, ?, ?, ?)",
            [conversation_id, first + offset, text, draft_tone, draft_length, created],
        )
        ids.append(cursor.lastrowid)
        search_index.index_draft(db, conversation_id, cursor.lastrowid)
    return ids


def new_item(db, kind: str, title: str, auto: bool, created: str) -> int:
    cursor = db.execute(
        "INSERT INTO items (kind, title, title_is_auto, created) VALUES (?, ?, ?, ?)", [kind, title, int(auto), created]
    )
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
    """The list's snippet: a summary's overview, a saved question's answer, else the
    transcript's or conversation's start."""
    row = db.execute(
        "SELECT overview FROM summaries WHERE recording_id = ? UNION ALL SELECT answer FROM answers WHERE item_id = ?",
        [item_id, item_id],
    ).fetchone()
    text = row[0] if row and row[0].strip() else ""
    if not text:
        pieces = db.execute(
            "SELECT text FROM search_docs WHERE item_id = ? AND source IN ('transcript', 'conversation') "
            "ORDER BY id LIMIT 1",
            [item_id],
        ).fetchone()
        text = pieces[0] if pieces else ""
    text = " ".join(text.split())
    if len(text) > PREVIEW_CHARS:
        text = text[:PREVIEW_CHARS].rsplit(" ", 1)[0] + "…"
    db.execute("UPDATE items SET preview = ? WHERE id = ?", [text, item_id])


def delete_item(db, item_id: int) -> str | None:
    """Deletes an item and, by cascade, everything of it; returns its audio file (relative), if any."""
    row = db.execute("SELECT audio_file FROM recordings WHERE item_id = ?", [item_id]).fetchone()
    db.execute("DELETE FROM items WHERE id = ?", [item_id])
    return row[0] if row else None


def delete_everything(db) -> list[str | None]:
    """Deletes every item and remembered voice and empties the search index; returns the audio
    files (relative)."""
    audio = [row[0] for row in db.execute("SELECT audio_file FROM recordings WHERE audio_file IS NOT NULL")]
    db.execute("DELETE FROM items")
    db.execute("DELETE FROM voices")
    db.execute("INSERT INTO search_docs_fts (search_docs_fts) VALUES ('delete-all')")
    return audio
