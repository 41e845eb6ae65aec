"""What the store accepts from its callers, normalised: segments, turns, drafts, summaries.

A turn is an app.records.Turn; segments, drafts and summaries may still come as plain dicts or
the dataclasses of other modules (models.types.Segment, the assistant's Summary...), which this
module reads without importing them.
"""

from __future__ import annotations

import re
import unicodedata

from app.errors import HistoryError
from app.history.records import RECORDING_STATUSES
from app.records import Summary, Turn


def check_status(status: str) -> None:
    if status not in RECORDING_STATUSES:
        raise HistoryError(f"'{status}' is not a recording status; use one of: {', '.join(RECORDING_STATUSES)}.")


def _field(obj, name: str, default=None):
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def segment_row(segment) -> tuple[float, float, str, str | None]:
    """(start, end, text, speaker): speaker is the name shown for who said it, or None."""
    start, end, text = _field(segment, "start"), _field(segment, "end"), _field(segment, "text")
    if start is None or end is None or text is None:
        raise HistoryError("A transcript segment needs a start, an end and a text.")
    speaker = _field(segment, "speaker")
    return float(start), float(end), str(text).strip(), None if speaker is None else speaker_name(str(speaker))


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


# --- names of speakers and voices ----------------------------------------------------------------

NAME_CHARS = 100
UNNAMED_SPEAKER = re.compile(r"speaker (\d+)", re.IGNORECASE)


def speaker_name(name: str) -> str | None:
    """A speaker's or voice's name with its spaces tidied; None when it is blank. A name is
    shown on one line of a transcript and a terminal: no control characters, not too long."""
    name = " ".join((name or "").split())
    if not name:
        return None
    if len(name) > NAME_CHARS:
        raise HistoryError(f"A speaker's name is at most {NAME_CHARS} characters; '{name[:40]}…' is longer.")
    if any(unicodedata.category(char) == "Cc" for char in name):
        raise HistoryError("A speaker's name cannot hold control characters; type it again.")
    return name


def unnamed_number(name: str) -> int | None:
    """N for "Speaker N", the label of a speaker nobody has named; None for a person's name."""
    match = UNNAMED_SPEAKER.fullmatch(name)
    return int(match.group(1)) if match else None


def person_name(name: str, what: str = "A speaker's name") -> str:
    """A name the user gives (a speaker's, a voice's): not blank, and not a bare number, which
    would read as a speaker's number."""
    tidy = speaker_name(name)
    if tidy is None:
        raise HistoryError(f"{what} cannot be empty; give the person's name.")
    if tidy.isdigit():
        raise HistoryError(f"{what} cannot be just a number ('{tidy}'); give the person's name.")
    return tidy


def voice_name(name: str) -> str:
    """The name a voice is remembered by: a person's name, which its speakers will be shown by."""
    tidy = person_name(name, "A voice's name")
    if unnamed_number(tidy) is not None:
        raise HistoryError(f"'{tidy}' is how Confide shows a speaker nobody has named; give the person's name.")
    return tidy
