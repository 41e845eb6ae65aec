"""Reading stored items back: the list, one item in full, the replies the user picked."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from app.errors import HistoryError
from app.history.dates import parse_since
from app.history.files import absolute_audio
from app.history.records import (
    KINDS,
    AnswerDetail,
    ConversationDetail,
    ItemSummary,
    PickedReply,
    RecordingDetail,
    StoredDraft,
    speaker_label,
)
from app.records import ActionItem, Citation, Summary, SummaryItem, Turn
from models.types import Segment


def item_kind(db: Database, item_id) -> str:
    """The kind of an item, or a HistoryError naming the id that is not there."""
    try:
        item_id = int(item_id)
    except (TypeError, ValueError):
        raise HistoryError(
            f"'{item_id}' is not an item id; ids are the numbers `confide history list` shows."
        ) from None
    row = db.execute("SELECT kind FROM items WHERE id = ?", [item_id]).fetchone()
    if row is None:
        raise HistoryError(f"There is no item {item_id} in the history; see `confide history list`.")
    return row[0]


def require(db: Database, item_id, kind: str) -> int:
    found = item_kind(db, item_id)
    if found != kind:
        raise HistoryError(f"Item {item_id} is a {found}, not a {kind}.")
    return int(item_id)


def list_items(
    db: Database, kind: str | None = None, since=None, limit: int | None = None, offset: int = 0
) -> list[ItemSummary]:
    if kind is not None and kind not in KINDS:
        raise HistoryError(f"'{kind}' is not a kind of item; use one of: {', '.join(KINDS)}.")
    sql = "SELECT id, kind, title, created, preview FROM items WHERE 1"
    params: list[str | int] = []
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind)
    since_text = parse_since(since)
    if since_text is not None:
        sql += " AND created >= ?"
        params.append(since_text)
    sql += " ORDER BY created DESC, id DESC LIMIT ? OFFSET ?"
    params += [-1 if limit is None else int(limit), int(offset)]
    return [ItemSummary(*row) for row in db.execute(sql, params)]


def get_item(db: Database, data_root: Path, item_id) -> RecordingDetail | ConversationDetail | AnswerDetail:
    kind = item_kind(db, item_id)
    item_id = int(item_id)
    title, created = db.execute("SELECT title, created FROM items WHERE id = ?", [item_id]).fetchone()
    if kind == "recording":
        return _recording(db, data_root, item_id, title, created)
    if kind == "question":
        return _answer(db, item_id, title, created)
    return _conversation(db, item_id, title, created)


def _recording(db: Database, data_root: Path, item_id: int, title: str, created: str) -> RecordingDetail:
    audio_file, duration, language, status = db.execute(
        "SELECT audio_file, duration, language, status FROM recordings WHERE item_id = ?", [item_id]
    ).fetchone()
    segments = tuple(
        Segment(start, end, text, speaker=None if number is None else speaker_label(number, name))
        for start, end, text, number, name in db.execute(
            'SELECT g.start, g."end", g.text, s.number, s.name FROM segments g '
            "LEFT JOIN speakers s ON s.id = g.speaker_id WHERE g.recording_id = ? ORDER BY g.idx",
            [item_id],
        )
    )
    return RecordingDetail(
        id=item_id,
        title=title,
        created=created,
        status=status,
        duration=duration,
        language=language,
        audio_file=audio_file,
        audio_path=absolute_audio(data_root, audio_file),
        segments=segments,
        summary=stored_summary(db, item_id),
    )


def stored_summary(db: Database, recording_id: int) -> Summary | None:
    head = db.execute("SELECT title, overview FROM summaries WHERE recording_id = ?", [recording_id]).fetchone()
    if head is None:
        return None
    items: dict[str, list] = {"key_point": [], "decision": [], "action_item": []}
    for kind, text, owner, due, start in db.execute(
        "SELECT kind, text, owner, due, start FROM summary_items WHERE recording_id = ? ORDER BY kind, idx",
        [recording_id],
    ):
        items[kind].append(ActionItem(text, owner, due, start) if kind == "action_item" else SummaryItem(text, start))
    return Summary(head[0], head[1], tuple(items["key_point"]), tuple(items["decision"]), tuple(items["action_item"]))


def _conversation(db: Database, item_id: int, title: str, created: str) -> ConversationDetail:
    me, raw = db.execute("SELECT me, raw FROM conversations WHERE item_id = ?", [item_id]).fetchone()
    turns = tuple(
        Turn(speaker, text)
        for speaker, text in db.execute(
            "SELECT speaker, text FROM turns WHERE conversation_id = ? ORDER BY idx", [item_id]
        )
    )
    drafts = tuple(
        StoredDraft(draft_id, text, tone, length, created, picked_at is not None, final_text)
        for draft_id, text, tone, length, created, picked_at, final_text in db.execute(
            "SELECT id, text, tone, length, created, picked_at, final_text FROM drafts "
            "WHERE conversation_id = ? ORDER BY idx",
            [item_id],
        )
    )
    return ConversationDetail(id=item_id, title=title, created=created, me=me, raw=raw, turns=turns, drafts=drafts)


def _answer(db: Database, item_id: int, title: str, created: str) -> AnswerDetail:
    question, answer, found, scope_id = db.execute(
        "SELECT question, answer, found, scope_id FROM answers WHERE item_id = ?", [item_id]
    ).fetchone()
    citations = tuple(
        Citation(*row)
        for row in db.execute(
            "SELECT item_id, kind, title, start, text FROM citations WHERE answer_id = ? ORDER BY idx", [item_id]
        )
    )
    return AnswerDetail(item_id, title, created, question, answer, bool(found), scope_id, citations)


def picked_examples(db: Database, limit: int = 3) -> list[PickedReply]:
    """The replies the user picked, newest first, each with the last message of the other side."""
    out = []
    for conversation_id, text, me in db.execute(
        "SELECT d.conversation_id, coalesce(d.final_text, d.text), c.me FROM drafts d "
        "JOIN conversations c ON c.item_id = d.conversation_id "
        "WHERE d.picked_at IS NOT NULL ORDER BY d.picked_at DESC, d.id DESC LIMIT ?",
        [int(limit)],
    ).fetchall():
        row = db.execute(
            "SELECT speaker, text FROM turns WHERE conversation_id = ? AND (? IS NULL OR speaker IS NOT ?) "
            "ORDER BY idx DESC LIMIT 1",
            [conversation_id, me, me],
        ).fetchone()
        out.append(PickedReply(text, Turn(*row) if row else None, me, conversation_id))
    return out
