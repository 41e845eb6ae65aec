"""What the history takes and hands out: plain, frozen dataclasses (those it hands out with
their JSON shapes, docs/cli.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.kinds import ItemKind, RecordingStatus
from app.records import Citation, Summary, Turn
from models.types import Segment

if TYPE_CHECKING:
    import numpy as np

KINDS = tuple(ItemKind)  # for `in` checks and lists of choices (strings compare equal to members)
RECORDING_STATUSES = tuple(RecordingStatus)


def _typed(record, **types) -> None:
    """A frozen record's fields read from the database as strings, made their StrEnums (an
    unknown value raises ValueError: the database holds only these)."""
    for name, kind in types.items():
        object.__setattr__(record, name, kind(getattr(record, name)))


@dataclass(frozen=True)
class ItemSummary:
    """A line of `history list`: snippet is the start of the summary, transcript or conversation."""

    id: int
    kind: ItemKind
    title: str
    created: str
    snippet: str

    def __post_init__(self) -> None:
        _typed(self, kind=ItemKind)

    def to_json(self) -> dict:
        return {"id": self.id, "kind": self.kind, "title": self.title, "created": self.created, "snippet": self.snippet}


@dataclass(frozen=True)
class SearchHit:
    """A search result: the best passage of an item.

    snippet marks the matched words with [ ]; plain_snippet + highlights (character spans in
    it) are the same without markers, for a GUI that styles them itself. start: seconds into
    the recording of the hit (transcript or timed summary item), else None. source: which text
    matched (title, transcript, summary, conversation, reply).
    """

    id: int
    kind: ItemKind
    title: str
    created: str
    snippet: str
    start: float | None
    source: str
    plain_snippet: str = ""
    highlights: tuple[tuple[int, int], ...] = field(default=())

    def __post_init__(self) -> None:
        _typed(self, kind=ItemKind)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "created": self.created,
            "snippet": self.snippet,
            "start": self.start,
        }


@dataclass(frozen=True)
class RecordingDetail:
    id: int
    title: str
    created: str
    status: RecordingStatus
    duration: float | None
    language: str | None
    audio_file: str | None  # relative to the data folder
    audio_path: Path | None  # absolute, for playing it back
    segments: tuple[Segment, ...]
    summary: Summary | None
    kind: ItemKind = ItemKind.RECORDING

    def __post_init__(self) -> None:
        _typed(self, status=RecordingStatus)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "created": self.created,
            "status": self.status,
            "duration": self.duration,
            "language": self.language,
            "audio_file": self.audio_file,
            "segments": [{"start": s.start, "end": s.end, "text": s.text, "speaker": s.speaker} for s in self.segments],
            "summary": self.summary.to_json() if self.summary is not None else None,
        }


def speaker_label(number: int, name: str | None) -> str:
    """The name a speaker is shown by: the user's, else "Speaker N"."""
    return name or f"Speaker {number}"


@dataclass(frozen=True)
class SpeakerSummary:
    """A speaker of a recording: number (1.. in order of first appearance, never reused while
    the speaker is there), the user's name (None until named), how much they said."""

    number: int
    name: str | None
    segments: int
    seconds: float

    @property
    def label(self) -> str:
        return speaker_label(self.number, self.name)

    def to_json(self) -> dict:
        return {
            "number": self.number,
            "name": self.name,
            "label": self.label,
            "segments": self.segments,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class VoiceProfile:
    """A voice the user chose to have recognised: a speaker encoder's embedding (float32, 256
    values, read back checked) under the name its speaker is given."""

    id: int
    name: str
    created: str
    embedding: np.ndarray = field(compare=False, repr=False)

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "created": self.created}


@dataclass(frozen=True)
class StoredDraft:
    id: int
    text: str
    tone: str | None
    length: str | None
    created: str
    picked: bool
    final_text: str | None  # what the user sent, when they edited the draft

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "text": self.text,
            "tone": self.tone,
            "length": self.length,
            "picked": self.picked,
            "final_text": self.final_text,
        }


@dataclass(frozen=True)
class ConversationDetail:
    id: int
    title: str
    created: str
    me: str | None
    raw: str
    turns: tuple[Turn, ...]
    drafts: tuple[StoredDraft, ...]
    kind: ItemKind = ItemKind.CONVERSATION

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "created": self.created,
            "me": self.me,
            "raw": self.raw,
            "turns": [{"speaker": t.speaker, "text": t.text} for t in self.turns],
            "drafts": [d.to_json() for d in self.drafts],
        }


@dataclass(frozen=True)
class AnswerDetail:
    """A question asked of the history (of one item: scope_id) and its answer, as saved."""

    id: int
    title: str
    created: str
    question: str
    answer: str
    found: bool
    scope_id: int | None
    citations: tuple[Citation, ...]  # a deleted source's item_id is None
    kind: ItemKind = ItemKind.QUESTION

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "created": self.created,
            "question": self.question,
            "answer": self.answer,
            "found": self.found,
            "scope": self.scope_id,
            "citations": [c.to_json() for c in self.citations],
        }


@dataclass(frozen=True)
class PickedReply:
    """A reply the user chose (their words when edited), with the message it answered."""

    text: str
    replied_to: Turn | None
    me: str | None
    conversation_id: int


# --- what the store takes ------------------------------------------------------------------------


@dataclass(frozen=True)
class NewRecording:
    """A recording to store, with its transcript and summary if it has them (one transaction).
    audio_file: already in the data folder; import_from: a file outside it, copied in first."""

    title: str | None = None  # None: named by its date until a summary names it
    audio_file: str | Path | None = None
    import_from: Path | None = None
    segments: tuple[Segment, ...] = ()
    summary: Summary | None = None
    created: datetime | None = None
    duration: float | None = None
    language: str | None = None
    status: RecordingStatus = RecordingStatus.DONE


@dataclass(frozen=True)
class NewConversation:
    """A pasted conversation with its parsed turns and its first drafts (one transaction)."""

    raw: str
    turns: tuple[Turn, ...]
    me: str | None = None
    title: str | None = None  # None: named after the other participants
    created: datetime | None = None
    drafts: tuple[str, ...] = ()
    tone: str | None = None
    length: str | None = None
