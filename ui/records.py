"""What the views show, as plain data: the services turn the store's and the tasks' results
into these, so the widgets do not depend on the shape of the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.kinds import ItemKind
from app.records import Turn


@dataclass(frozen=True)
class Device:
    name: str
    is_default: bool = False


@dataclass(frozen=True)
class Speaker:
    """One of a recording's speakers: number (1.. in order of first speaking, kept through
    renames, so it keeps their colour); label: the name shown ("Speaker 2" until named)."""

    number: int
    label: str
    named: bool
    lines: int = 0


@dataclass(frozen=True)
class Voice:
    """A voice the user chose to have recognised in later recordings."""

    id: Any
    name: str
    created_text: str


@dataclass(frozen=True)
class RecordingDetails:
    id: Any
    title: str
    created_text: str
    duration: float | None
    audio_path: Path | None
    segments: tuple = ()  # objects with start, end, text (and maybe speaker)
    summary: Any = None  # app.records.Summary or None
    speakers: tuple[Speaker, ...] = ()  # empty when the voices were not told apart


@dataclass(frozen=True)
class Hit:
    id: Any
    kind: ItemKind
    title: str
    created_text: str
    snippet: str = ""
    start: float | None = None


@dataclass(frozen=True)
class ParsedConversation:
    raw: str
    turns: tuple[Turn, ...]
    speakers: tuple[str, ...]
    me: str | None
    source: Any = field(default=None, compare=False)  # the assistant's own parse result


@dataclass(frozen=True)
class ConversationDetails:
    id: Any
    raw: str
    me: str | None
    drafts: tuple[str, ...]
    picked: int | None  # index into drafts
    draft_ids: tuple = ()  # the store's ids of the drafts, for "Use this"
    shown: tuple[str, ...] = ()  # every draft ever made for it, oldest first (Regenerate avoids them)
    title: str = ""
