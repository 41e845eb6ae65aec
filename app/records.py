"""Records that several parts of app/ and the window share, defined once here, below all of
them: a conversation's Turn is what the parser reads from a paste, what the reply drafter
answers, what the history stores and gives back, and what the window shows; a meeting's
Summary (with its items) is what the summarizer streams and returns, what the history stores
and gives back, what exports and the window render, and its JSON is `summarize --json`'s
shape (docs/cli.md). An answer's Citation is what `confide ask` cites, what a saved answer
keeps and what the Ask panel links. A transcript's Segment is models.types.Segment, lower
still."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Turn:
    """One message of a conversation. speaker: None when neither the paste nor the history
    says who wrote it; time: as pasted ("6:02 PM") when the format carries one; signature: an
    e-mail's contact block (name, title, company), taken out of text. The history keeps the
    speaker and the text."""

    speaker: str | None
    text: str
    time: str | None = None
    signature: str = ""


@dataclass(frozen=True)
class Citation:
    """A passage an answer about the history rests on: the item it is from (None once a saved
    answer's source is deleted: the words stay, the link goes), its kind and title, the time
    it was said in a recording, and its words."""

    item_id: int | None
    kind: str
    title: str
    start: float | None
    text: str

    def to_json(self) -> dict:
        return {"id": self.item_id, "kind": self.kind, "title": self.title, "start": self.start, "text": self.text}


@dataclass(frozen=True)
class SummaryItem:
    """A key point or a decision; start is the time (s) of the segment it comes from, or None."""

    text: str
    start: float | None = None


@dataclass(frozen=True)
class ActionItem:
    text: str
    owner: str | None = None
    due: str | None = None  # as it was said ("by Friday"), never a date the model made up
    start: float | None = None


@dataclass(frozen=True)
class Summary:
    title: str
    overview: str
    key_points: tuple[SummaryItem, ...] = field(default=())
    decisions: tuple[SummaryItem, ...] = field(default=())
    action_items: tuple[ActionItem, ...] = field(default=())

    def is_empty(self) -> bool:
        return not (self.overview.strip() or self.key_points or self.decisions or self.action_items)

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "overview": self.overview,
            "key_points": [{"text": p.text, "start": _seconds(p.start)} for p in self.key_points],
            "decisions": [{"text": d.text, "start": _seconds(d.start)} for d in self.decisions],
            "action_items": [
                {"text": a.text, "owner": a.owner, "due": a.due, "start": _seconds(a.start)} for a in self.action_items
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> Summary:
        return cls(
            title=data.get("title", ""),
            overview=data.get("overview", ""),
            key_points=tuple(SummaryItem(p["text"], p.get("start")) for p in data.get("key_points", [])),
            decisions=tuple(SummaryItem(d["text"], d.get("start")) for d in data.get("decisions", [])),
            action_items=tuple(
                ActionItem(a["text"], a.get("owner"), a.get("due"), a.get("start"))
                for a in data.get("action_items", [])
            ),
        )

    def same_as(self, other: Summary | None) -> bool:
        """True when other says exactly what this one says, spacing aside (the history stores
        texts stripped): how "Summarize again" tells that nothing changed."""
        return other is not None and _spaced(self.to_json()) == _spaced(other.to_json())

    def to_plain_text(self) -> str:
        """Everything a reader would read, as sentences (what the quality benchmark scores)."""
        parts = [self.overview]
        parts += [p.text for p in self.key_points]
        parts += [d.text for d in self.decisions]
        parts += [a.text for a in self.action_items]
        return "\n".join(_sentence(p) for p in parts if p.strip())


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _spaced(value):
    """value with every string's spacing normalized, in dicts and lists too."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, dict):
        return {key: _spaced(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_spaced(item) for item in value]
    return value
