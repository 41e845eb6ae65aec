"""The summary of a recording, shown as it is made: title, overview, key points, decisions and
action items (owner, due), each with a clickable time that plays the audio from there."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QTextBrowser

from ui.format import clock


class SummaryDraft:
    """The summary so far, filled from streamed Partial events or set whole from a Summary."""

    def __init__(self):
        self.title = ""
        self.overview = ""
        self.key_points: list = []
        self.decisions: list = []
        self.action_items: list = []

    @classmethod
    def of(cls, summary) -> "SummaryDraft":
        draft = cls()
        if summary is not None:
            draft.title = summary.title or ""
            draft.overview = summary.overview or ""
            draft.key_points = list(summary.key_points)
            draft.decisions = list(summary.decisions)
            draft.action_items = list(summary.action_items)
        return draft

    def apply(self, event) -> None:
        """One Partial of the summarizer (kinds: summary, key_point, decision, action_item,
        overview, title)."""
        kind = event.kind
        if kind == "summary" and event.segment is not None:
            whole = event.segment
            self.title = whole.title or self.title
            self.overview = whole.overview or self.overview
            for name in ("key_points", "decisions", "action_items"):
                items = list(getattr(whole, name, ()) or ())
                if items:
                    setattr(self, name, items)
        elif kind == "key_point" and event.segment is not None:
            self._add(self.key_points, event.segment)
        elif kind == "decision" and event.segment is not None:
            self._add(self.decisions, event.segment)
        elif kind == "action_item" and event.segment is not None:
            self._add(self.action_items, event.segment)
        elif kind == "overview":
            self.overview = event.text
        elif kind == "title":
            self.title = event.text

    @staticmethod
    def _add(items: list, item) -> None:
        if all(existing.text != item.text for existing in items):
            items.append(item)

    def is_empty(self) -> bool:
        return not (self.title or self.overview or self.key_points or self.decisions or self.action_items)


class SummaryPanel(QTextBrowser):
    """Emits ``seek(seconds)`` when a time is clicked."""

    seek = Signal(float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Summary")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._clicked)
        self.document().setDocumentMargin(12)
        self.draft = SummaryDraft()
        self.working = False
        self.heading = ""  # the recording's own title, which a rename changes
        self.show_empty()

    def show_empty(self, message: str = "No summary yet.") -> None:
        self.draft = SummaryDraft()
        self.working = False
        self.setHtml(f"<p><i>{html.escape(message)}</i></p>")

    def show_draft(self, draft: SummaryDraft, working: bool) -> None:
        """Shows a summary being made (``draft`` is shared with whoever fills it)."""
        self.draft = draft
        self.working = working
        if working or not draft.is_empty():
            self.render()
        else:
            self.show_empty()

    def set_summary(self, summary, heading: str = "") -> None:
        """A finished summary, under ``heading`` (the recording's title) when given."""
        self.draft = SummaryDraft.of(summary)
        self.working = False
        self.heading = heading
        if summary is None:
            self.show_empty()
        else:
            self.render()

    def set_heading(self, heading: str) -> None:
        """After a rename: a finished summary is headed by the recording's new title (a summary
        being written keeps the title it streams)."""
        self.heading = heading
        if not self.working and not self.draft.is_empty():
            self.render()

    def _clicked(self, url: QUrl) -> None:
        if url.scheme() == "seek":
            try:
                self.seek.emit(float(url.path()))
            except ValueError:
                pass

    def render(self) -> None:
        heading = None if self.working else self.heading
        self.setHtml(summary_html(self.draft, self.working, self._link_colour(), heading))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.PaletteChange and not self.draft.is_empty():
            self.render()  # the desktop switched between light and dark

    def _link_colour(self) -> str:
        """The palette's link colour, unless it would not read on the background (some dark
        themes leave the light theme's dark blue)."""
        palette = self.palette()
        link, base = palette.color(QPalette.Link), palette.color(QPalette.Base)
        if _contrast(link, base) < 3.0:
            link = QColor("#74a7ff") if _luminance(base) < 0.3 else QColor("#1c54c4")
        return link.name()


def _luminance(colour: QColor) -> float:
    """WCAG relative luminance."""
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def _contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _time_link(start, colour: str) -> str:
    if start is None:
        return ""
    return (f" <a href='seek:{float(start):.2f}' style='text-decoration:none'>"
            f"<span style='color:{colour}'>[{clock(start)}]</span></a>")


def _items(title: str, items, colour: str, with_owner: bool = False) -> str:
    if not items:
        return ""
    rows = []
    for item in items:
        extra = ""
        if with_owner:
            who = html.escape(item.owner) if getattr(item, "owner", None) else ""
            due = html.escape(item.due) if getattr(item, "due", None) else ""
            bits = [f"<b>{who}</b>" if who else "", f"due {due}" if due else ""]
            bits = [b for b in bits if b]
            if bits:
                extra = " &mdash; " + ", ".join(bits)
        rows.append(f"<li>{html.escape(item.text)}{extra}{_time_link(getattr(item, 'start', None), colour)}</li>")
    return f"<h3>{html.escape(title)}</h3><ul>{''.join(rows)}</ul>"


def summary_html(draft: SummaryDraft, working: bool, link_colour: str = "#1c54c4", heading: str | None = None) -> str:
    parts = []
    title = heading or draft.title
    if title:
        parts.append(f"<h2>{html.escape(title)}</h2>")
    if draft.overview:
        parts.append(f"<p>{html.escape(draft.overview)}</p>")
    parts.append(_items("Key points", draft.key_points, link_colour))
    parts.append(_items("Decisions", draft.decisions, link_colour))
    parts.append(_items("Action items", draft.action_items, link_colour, with_owner=True))
    if working:
        parts.append("<p><i>Writing the summary…</i></p>")
    return "".join(parts)
