"""History: one search box over everything, ranked results with highlighted snippets; a result
opens the recording at the hit, or the conversation. Below it, Ask: a question answered from
the whole history, its citations opening the recording where it was said; a saved question
opened from the list is shown there again."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.kinds import ItemKind
from ui.format import clock
from ui.views.reporting import reporting
from ui.widgets.ask_panel import AskPanel
from ui.widgets.banner import Banner
from ui.widgets.rich_delegate import RICH_TEXT_ROLE, RichTextDelegate

KINDS = (
    ("All", None),
    ("Recordings", ItemKind.RECORDING),
    ("Conversations", ItemKind.CONVERSATION),
    ("Questions", ItemKind.QUESTION),
)
KIND_LABELS = {ItemKind.RECORDING: "Recording", ItemKind.CONVERSATION: "Conversation", ItemKind.QUESTION: "Question"}


def snippet_html(snippet: str, query: str) -> str:
    """The store marks hits with [ ] or <b></b>; everything else is escaped. Without marks,
    the query's words are highlighted here."""
    if not snippet:
        return ""
    marked = snippet.replace("<b>", "\x01").replace("</b>", "\x02").replace("[", "\x01").replace("]", "\x02")
    if "\x01" not in marked:
        words = [re.escape(w) for w in re.findall(r"\w+", query) if len(w) > 1]
        if words:
            marked = re.sub(r"\b(" + "|".join(words) + r")", "\x01\\1\x02", marked, flags=re.IGNORECASE)
    escaped = html.escape(marked)
    return escaped.replace("\x01", "<b style='background-color: rgba(250, 176, 5, 0.45)'>").replace("\x02", "</b>")


def hit_html(hit, kind: str, at: str, query: str) -> str:
    return (
        f"<div style='margin-bottom: 3px'><b>{html.escape(hit.title or 'Untitled')}</b>"
        f"<span style='color: gray'>&nbsp;&nbsp;&nbsp;{kind} · {html.escape(hit.created_text)}{at}</span></div>"
        f"<div>{snippet_html(hit.snippet or '', query)}</div>"
    )


class HistoryView(QWidget):
    open_recording = Signal(object, object)  # id, start seconds or None
    play_recording = Signal(object, object)  # id, start seconds: an answer's citation
    open_conversation = Signal(object)

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self._build()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh)

    def _build(self) -> None:
        title = QLabel("History")
        title.setObjectName("viewTitle")
        self.banner = Banner("History message")
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setAccessibleName("Search history")
        self.search.setPlaceholderText("Search transcripts, summaries, conversations, replies, questions…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda: self._debounce.start())
        self.search.returnPressed.connect(self.open_current)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Show")
        for label, value in KINDS:
            self.kind.addItem(label, value)
        self.kind.currentIndexChanged.connect(self.refresh)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.kind)
        self.results = QListWidget()
        self.results.setObjectName("results")
        self.results.setAccessibleName("Results")
        self.results.setWordWrap(True)
        self.results.setResizeMode(QListView.Adjust)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.results.setItemDelegate(RichTextDelegate(self.results))
        self.results.itemActivated.connect(self._activate)
        self.results.itemClicked.connect(self._activate)
        self.ask = AskPanel(self.services, self.banner)
        self.ask.open_recording.connect(self.play_recording)
        self.ask.open_conversation.connect(self.open_conversation)
        self.ask.saved.connect(lambda _id: self.refresh())
        self.count = QLabel()
        self.count.setObjectName("muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 22)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.banner)
        layout.addLayout(row)
        layout.addWidget(self.ask)
        layout.addWidget(self.count)
        layout.addWidget(self.results, 1)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def refresh(self) -> None:
        query = self.search.text().strip()
        kind = self.kind.currentData()
        items = []
        with reporting(self) as call:
            items = self.services.search(query, kind) if query else self.services.list_items(kind)
        if not call.failed:
            self.banner.hide()
        self.results.clear()
        for hit in items:
            self._add(hit, query)
        if query:
            self.count.setText(
                f"{len(items)} result{'s' if len(items) != 1 else ''} for “{query}”"
                if items
                else f"Nothing found for “{query}”."
            )
        else:
            self.count.setText(
                "Everything you recorded or pasted, newest first."
                if items
                else "Nothing here yet. Recordings and conversations appear here."
            )

    def _add(self, hit, query: str) -> None:
        kind = KIND_LABELS.get(hit.kind, "Conversation")
        start = hit.start
        at = f" · at {clock(start)}" if start is not None else ""
        item = QListWidgetItem(f"{kind}: {hit.title or 'Untitled'}")  # what screen readers say
        item.setData(Qt.UserRole, (hit.kind, hit.id, start))
        item.setData(RICH_TEXT_ROLE, hit_html(hit, kind, at, query))
        self.results.addItem(item)

    def open_current(self) -> None:
        item = self.results.currentItem() or (self.results.item(0) if self.results.count() else None)
        if item is not None:
            self._activate(item)

    def _activate(self, item: QListWidgetItem) -> None:
        kind, item_id, start = item.data(Qt.UserRole)
        if kind == ItemKind.RECORDING:
            self.open_recording.emit(item_id, start)
        elif kind == ItemKind.QUESTION:
            self.ask.show_saved(item_id)
        else:
            self.open_conversation.emit(item_id)
