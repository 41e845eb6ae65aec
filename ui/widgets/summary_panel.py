"""The summary of a recording, shown as it is made: title, overview, key points, decisions and
action items (owner, due), each with a clickable time that plays the audio from there."""

from __future__ import annotations

import contextlib
import html

from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QTextBrowser

from app.records import Summary
from ui.format import clock

NO_SUMMARY = Summary("", "")


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
        self.shown = NO_SUMMARY  # the summary on screen, finished or as far as it is written
        self.working = False
        self.heading = ""  # the recording's own title, which a rename changes
        self.show_empty()

    def show_empty(self, message: str = "No summary yet.") -> None:
        self.shown = NO_SUMMARY
        self.working = False
        self.setHtml(f"<p><i>{html.escape(message)}</i></p>")

    def show_so_far(self, summary: Summary | None) -> None:
        """A summary being written: as far as it is (the task's SummarySoFar), or nothing yet."""
        self.shown = summary or NO_SUMMARY
        self.working = True
        self.render()

    def set_summary(self, summary: Summary | None, heading: str = "") -> None:
        """A finished summary, under ``heading`` (the recording's title) when given."""
        self.shown = summary or NO_SUMMARY
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
        if not self.working and _has_content(self.shown):
            self.render()

    def _clicked(self, url: QUrl) -> None:
        if url.scheme() == "seek":
            with contextlib.suppress(ValueError):  # a malformed link seeks nowhere
                self.seek.emit(float(url.path()))

    def render(self) -> None:
        heading = None if self.working else self.heading
        self.setHtml(summary_html(self.shown, self.working, self._link_colour(), heading))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.PaletteChange and _has_content(self.shown):
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
    return (
        f" <a href='seek:{float(start):.2f}' style='text-decoration:none'>"
        f"<span style='color:{colour}'>[{clock(start)}]</span></a>"
    )


def _items(title: str, items, colour: str, with_owner: bool = False) -> str:
    if not items:
        return ""
    rows = []
    for item in items:
        extra = ""
        if with_owner:
            who = html.escape(item.owner) if item.owner else ""
            due = html.escape(item.due) if item.due else ""
            bits = [f"<b>{who}</b>" if who else "", f"due {due}" if due else ""]
            bits = [b for b in bits if b]
            if bits:
                extra = " &mdash; " + ", ".join(bits)
        rows.append(f"<li>{html.escape(item.text)}{extra}{_time_link(item.start, colour)}</li>")
    return f"<h3>{html.escape(title)}</h3><ul>{''.join(rows)}</ul>"


def _has_content(summary: Summary) -> bool:
    return bool(summary.title or not summary.is_empty())


def summary_html(summary: Summary, working: bool, link_colour: str = "#1c54c4", heading: str | None = None) -> str:
    parts = []
    title = heading or summary.title
    if title:
        parts.append(f"<h2>{html.escape(title)}</h2>")
    if summary.overview:
        parts.append(f"<p>{html.escape(summary.overview)}</p>")
    parts.append(_items("Key points", summary.key_points, link_colour))
    parts.append(_items("Decisions", summary.decisions, link_colour))
    parts.append(_items("Action items", summary.action_items, link_colour, with_owner=True))
    if working:
        parts.append("<p><i>Writing the summary…</i></p>")
    return "".join(parts)
