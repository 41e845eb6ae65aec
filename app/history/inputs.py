"""What the store accepts from its callers, normalised: segments, turns, drafts, summaries.

A turn is an app.records.Turn; segments, drafts and summaries may still come as plain dicts or
the dataclasses of other modules (models.types.Segment, the assistant's Summary...), which this
module reads without importing them.
"""

from __future__ import annotations

from app.errors import HistoryError
from app.history.records import RECORDING_STATUSES
from app.records import Summary, Turn


def check_status(status: str) -> None:
    if status not in RECORDING_STATUSES:
        raise HistoryError(f"'{status}' is not a recording status; use one of: {', '.join(RECORDING_STATUSES)}.")


def _field(obj, name: str, default=None):
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def segment_row(segment) -> tuple[float, float, str]:
    start, end, text = _field(segment, "start"), _field(segment, "end"), _field(segment, "text")
    if start is None or end is None or text is None:
        raise HistoryError("A transcript segment needs a start, an end and a text.")
    return float(start), float(end), str(text).strip()


def turn_row(turn: Turn) -> tuple[str | None, str]:
    return (turn.speaker or None), turn.text.strip()


def draft_row(draft, tone, length) -> tuple[str, str | None, str | None]:
    text = draft if isinstance(draft, str) else _field(draft, "text")
    if not text or not str(text).strip():
        raise HistoryError("A reply draft needs some text.")
    if isinstance(draft, str):
        return draft.strip(), tone, length
    return str(text).strip(), _field(draft, "tone") or tone, _field(draft, "length") or length


def summary_dict(summary: Summary) -> dict:
    """A Summary's rows to store: texts stripped, empty items left out."""
    if not isinstance(summary, Summary):
        raise HistoryError("A summary must have a title, an overview and lists of points.")
    data = summary.to_json()

    def entries(key: str) -> list[dict]:
        out = []
        for entry in data.get(key) or []:
            entry = {"text": entry} if isinstance(entry, str) else dict(entry)
            if str(entry.get("text") or "").strip():
                entry["text"] = str(entry["text"]).strip()
                out.append(entry)
        return out

    return {
        "title": str(data.get("title") or ""),
        "overview": str(data.get("overview") or ""),
        "key_points": entries("key_points"),
        "decisions": entries("decisions"),
        "action_items": entries("action_items"),
    }


# Speakers a paste could not name: a title "Conversation with Them" says nothing.
UNNAMED = frozenset({"them", "me", "you", "sender", "unknown"})


def conversation_title(turns: list[tuple[str | None, str]], me: str | None, raw: str) -> str:
    others = []
    for speaker, _text in turns:
        if speaker and speaker != me and speaker not in others and speaker.strip().lower() not in UNNAMED:
            others.append(speaker)
    if others:
        shown = ", ".join(others[:3]) + (" and others" if len(others) > 3 else "")
        return f"Conversation with {shown}"
    words = " ".join((raw or (turns[0][1] if turns else "")).split())
    return (words[:48].rsplit(" ", 1)[0] + "…") if len(words) > 48 else (words or "Conversation")
