"""Ask: a question about the history (or one recording), answered on the language worker, with
its citations as links that open the recording at that moment and play it.

The passages are found here, on the GUI thread, as a search is (bounded: app.history.retrieval
reads at most 40 of them); only the model's answer runs on the worker. A follow-up keeps the
questions and answers before it; Clear forgets them. Nothing asked is stored unless the user
saves it (Save: an item of its own in the history, found by search); a saved one opened from
the list is shown here again."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.assistant.ask_history import AskTask, HistoryAnswer
from app.kinds import ItemKind
from app.tasks.events import AnswerSoFar
from ui.format import clock
from ui.views.reporting import reporting
from ui.widgets.task_progress import TaskProgress

FOLLOW_UPS = 2  # earlier questions and answers given with a new one


class AskPanel(QWidget):
    open_recording = Signal(object, object)  # id, start seconds (play from there)
    open_conversation = Signal(object)
    saved = Signal(object)  # the id of the item a saved answer became

    def __init__(self, services, banner, *, scope: str = "your history", parent=None):
        super().__init__(parent)
        self.services = services
        self.banner = banner
        self.item_id: int | None = None  # None: the whole history
        self.previous: list[tuple[str, str]] = []
        self.answer: HistoryAnswer | None = None
        self._handle = None
        self._saved_id: int | None = None  # the shown answer is already in the history as this item
        self.question = QLineEdit()
        self.question.setAccessibleName("Ask a question")
        self.question.setPlaceholderText(f"Ask {scope} a question…  (say: what did we decide about the budget?)")
        self.question.setClearButtonEnabled(True)
        self.question.returnPressed.connect(self.ask)
        self.ask_button = QPushButton("Ask")
        self.ask_button.setAccessibleName("Ask")
        self.ask_button.clicked.connect(self.ask)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setAccessibleName("Clear the answer")
        self.clear_button.setToolTip("Forget the questions asked so far (a new question starts afresh)")
        self.clear_button.clicked.connect(self.clear)
        self.save_button = QPushButton("Save")
        self.save_button.setAccessibleName("Save the answer")
        self.save_button.setToolTip("Keep this question and its answer in your history (nothing is kept otherwise)")
        self.save_button.clicked.connect(self.save)
        self.progress = TaskProgress("Answer")
        self.reply = QLabel()
        self.reply.setObjectName("answer")
        self.reply.setAccessibleName("Answer")
        self.reply.setWordWrap(True)
        self.reply.setTextFormat(Qt.RichText)
        self.reply.setTextInteractionFlags(Qt.TextBrowserInteraction)
        self.reply.linkActivated.connect(self._open_citation)
        self.reply.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.question, 1)
        row.addWidget(self.ask_button)
        row.addWidget(self.save_button)
        row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.reply)
        self._update_buttons()

    @property
    def busy(self) -> bool:
        return self._handle is not None and self._handle.active

    def set_scope(self, item_id: int | None) -> None:
        """Ask one item (a recording's page) or, with None, the whole history."""
        if item_id != self.item_id:
            self.cancel()
            self.item_id = item_id
            self.clear()

    def ask(self) -> None:
        question = " ".join(self.question.text().split())
        if not question or self.busy:
            return
        task = AskTask(question, self.item_id, previous=tuple(self.previous[-FOLLOW_UPS:]))
        passages: list = []
        with reporting(self, banner=self.banner) as call:
            passages = self.services.passages(task)
            handle = self.services.answer(task, passages)
        if call.failed:
            return
        self._handle = handle
        handle.partial.connect(lambda event: self._answer_so_far(handle, event))
        handle.succeeded.connect(lambda answer: self._answered(handle, answer))
        handle.failed_with.connect(lambda message: self.banner.show_message(message, "error"))
        handle.finished.connect(lambda _state: self._update_buttons())
        self.progress.track(handle, "Reading what was said…")
        self._update_buttons()

    def save(self) -> None:
        """The answer shown, kept in the history as an item of its own (once)."""
        if self.answer is None or self._saved_id is not None or self.busy:
            return
        with reporting(self, banner=self.banner) as call:
            saved = self.services.save_answer(self.answer, self.item_id)
        if call.failed:
            return
        self._saved_id = saved
        self._update_buttons()
        self.saved.emit(saved)  # first: the list it refreshes clears the banner
        self.banner.show_message("Saved in your history: search for it, or show Questions in the list.", "info")

    def show_saved(self, item_id) -> None:
        """A saved question and its answer, opened from the history list, shown as when asked."""
        answer = None
        with reporting(self, banner=self.banner) as call:
            answer = self.services.saved_answer(item_id)
        if call.failed:
            return
        self.cancel()
        self.previous = [(answer.question, answer.text)]
        self.question.setText(answer.question)
        self._show(answer)
        self._saved_id = int(item_id)
        self._update_buttons()

    def cancel(self) -> None:
        if self.busy:
            self._handle.cancel()

    def clear(self) -> None:
        self.cancel()
        self.previous.clear()
        self.answer = None
        self._saved_id = None
        self.reply.clear()
        self.reply.hide()
        self._update_buttons()

    def _answer_so_far(self, handle, event) -> None:
        """The sentences checked so far, while the rest is written (Done replaces them)."""
        if handle is not self._handle or not isinstance(event, AnswerSoFar):
            return
        self.reply.setText(answer_html(event.answer) + "<p style='color: gray'>…</p>")
        self.reply.show()

    def _answered(self, handle, answer: HistoryAnswer) -> None:
        if handle is not self._handle:
            return
        self.previous.append((answer.question, answer.text))
        self._show(answer)
        self._saved_id = None
        self.question.selectAll()
        self._update_buttons()

    def _show(self, answer: HistoryAnswer) -> None:
        self.answer = answer
        self.reply.setText(answer_html(answer))
        self.reply.show()

    def _update_buttons(self) -> None:
        self.ask_button.setEnabled(not self.busy)
        self.clear_button.setEnabled(bool(self.previous) or self.busy)
        self.save_button.setEnabled(self.answer is not None and self._saved_id is None and not self.busy)
        self.save_button.setText("Saved" if self._saved_id is not None else "Save")

    def _open_citation(self, link: str) -> None:
        if self.answer is None or not link.startswith("cite:"):
            return
        number = int(link.removeprefix("cite:"))
        if not 0 <= number < len(self.answer.citations):
            return
        citation = self.answer.citations[number]
        if citation.item_id is None:  # a saved answer's source, deleted since
            return
        if citation.kind == ItemKind.RECORDING:
            self.open_recording.emit(citation.item_id, citation.start)
        else:
            self.open_conversation.emit(citation.item_id)


def answer_html(answer: HistoryAnswer) -> str:
    """The answer, then each citation as a link: its title, the time, and what was said."""
    parts = [f"<p>{html.escape(answer.text)}</p>"]
    for number, citation in enumerate(answer.citations):
        at = f" · {clock(citation.start)}" if citation.start is not None else ""
        where = f"[{number + 1}] {html.escape(citation.title or 'Untitled')}{at}"
        link = f"<a href='cite:{number}'>{where}</a>" if citation.item_id is not None else f"{where} (deleted since)"
        parts.append(
            f"<p style='margin-top: 2px'>{link}<br><span style='color: gray'>{html.escape(citation.text)}</span></p>"
        )
    return "".join(parts)
