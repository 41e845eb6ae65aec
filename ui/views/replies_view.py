"""Replies: paste a conversation, see who said what (and pick which speaker is you), choose tone
and length, and get three drafts streaming in, each with Copy and "Use this".

One pasted conversation is one History entry: every Draft and Regenerate adds its drafts to it
(also when the same text is pasted again after a restart), and Regenerate never brings back a
draft shown for it before. Pasting another conversation clears the drafts of the last one."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from app.tasks.events import DraftReady, DraftTyping, TaskState
from ui.format import counted
from ui.views.reporting import reporting
from ui.widgets import confirm
from ui.widgets.banner import Banner
from ui.widgets.draft_card import DraftCard
from ui.widgets.reply_options import MessagesList, ReplyOptions
from ui.widgets.task_progress import TaskProgress

DRAFTS = 3


class RepliesView(QWidget):
    status = Signal(str)

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self.parsed = None
        self.handle = None
        self.saved = None  # ConversationDetails of the History entry of the conversation on screen
        self.drafts: list[str] = []  # the three on the cards
        self.shown: list[str] = []  # every draft shown for this conversation: Regenerate avoids them
        self._drafts_for = None  # the turns the drafts on screen answer
        self._asked = None  # (parsed, me, tone, length) of the running task
        self._build()
        self._reparse = QTimer(self)
        self._reparse.setSingleShot(True)
        self._reparse.setInterval(250)
        self._reparse.timeout.connect(self.parse)

    def _build(self) -> None:
        title = QLabel("Replies")
        title.setObjectName("viewTitle")
        subtitle = QLabel("Paste a conversation and get three drafts to answer it, written on this computer.")
        subtitle.setObjectName("muted")
        self.banner = Banner("Replies message")

        self.paste = QPlainTextEdit()
        self.paste.setAccessibleName("Conversation")
        self.paste.setTabChangesFocus(True)  # Tab leaves the box (keyboard users); Ctrl+Tab types a tab
        self.paste.setPlaceholderText(
            "Paste a chat, an e-mail thread or a WhatsApp export here.\n\n"
            "Anna: Are we still on for Friday?\nMe: I think so, let me check."
        )
        self.paste.textChanged.connect(lambda: self._reparse.start())
        self.turns_list = MessagesList()
        self.turns_label = QLabel("")
        self.turns_label.setObjectName("muted")
        self.turns_label.setWordWrap(True)
        self.options = ReplyOptions()
        self.options.me_changed.connect(self._show_turns)
        self.me_combo, self.tone_group = self.options.me_combo, self.options.tone_group
        self.draft_button = QPushButton("Draft replies")
        self.draft_button.setObjectName("primary")
        self.draft_button.setAccessibleName("Draft replies")
        self.draft_button.setToolTip("Draft three replies (Ctrl+Return)")
        self.draft_button.clicked.connect(self.draft)
        self.progress = TaskProgress("Drafts")

        left = QVBoxLayout()
        paste_title = QLabel("Conversation")
        paste_title.setObjectName("sectionTitle")
        left.addWidget(paste_title)
        left.addWidget(self.paste, 3)
        left.addWidget(self.turns_label)
        left.addWidget(self.turns_list, 2)
        left.addWidget(self.options)
        draft_row = QHBoxLayout()
        draft_row.addStretch(1)
        draft_row.addWidget(self.draft_button)
        left.addLayout(draft_row)

        self.cards = [DraftCard(i) for i in range(DRAFTS)]
        self.typed: set[int] = set()
        for card in self.cards:
            card.copy_requested.connect(self.copy_draft)
            card.use_requested.connect(self.use_draft)
        self.regenerate_button = QPushButton("Regenerate")
        self.regenerate_button.setAccessibleName("Regenerate drafts")
        self.regenerate_button.setToolTip("Three new drafts (Ctrl+Shift+Return)")
        self.regenerate_button.clicked.connect(self.regenerate)
        self.regenerate_button.setEnabled(False)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setAccessibleName("Delete conversation")
        self.delete_button.setToolTip("Delete this conversation and its drafts from History")
        self.delete_button.clicked.connect(self.delete_conversation)
        self.delete_button.setEnabled(False)
        self.saved_label = QLabel("")
        self.saved_label.setObjectName("muted")
        self.saved_label.setWordWrap(True)
        right = QVBoxLayout()
        right.setSpacing(10)  # not the columns' 20: the three cards then fit a window 600 pixels high
        drafts_title = QLabel("Drafts")
        drafts_title.setObjectName("sectionTitle")
        head = QHBoxLayout()
        head.addWidget(drafts_title)
        head.addStretch(1)
        head.addWidget(self.regenerate_button)
        head.addWidget(self.delete_button)
        right.addLayout(head)
        right.addWidget(self.saved_label)
        right.addWidget(self.progress)
        for card in self.cards:
            right.addWidget(card, 1)

        columns = QHBoxLayout()
        columns.setSpacing(20)
        columns.addLayout(left, 5)
        columns.addLayout(right, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 22)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addWidget(self.banner)
        layout.addLayout(columns, 1)
        self.parse()

    # --- the pasted conversation --------------------------------------------------------
    def set_conversation(self, text: str) -> None:
        self.paste.setPlainText(text)
        self.parse()

    def parse(self) -> None:
        text = self.paste.toPlainText()
        parsed = None
        # a paste that cannot be read says why where its messages would be
        with reporting(self, show=False) as call:
            parsed = self.services.parse_conversation(text) if text.strip() else None
        self.parsed = parsed
        if parsed is None:
            self.options.set_speakers([], None)
            self.turns_list.clear()
            self.turns_label.setText(call.message)
            self.draft_button.setEnabled(False)
            self._forget_drafts()
            return
        if self._drafts_for is not None and self._drafts_for != self.parsed.turns:
            self._forget_drafts()  # another conversation: the drafts on screen answered the last one
        speakers = list(self.parsed.speakers)
        self.options.set_speakers(speakers, self.parsed.me)
        count = len(self.parsed.turns)
        self.turns_label.setText(
            f"{counted(count, 'message')} from {', '.join(speakers) if speakers else 'nobody'}. "
            "“(you)” marks your own; change it with “I am”."
        )
        self._show_turns()
        self.draft_button.setEnabled(count > 0 and not self.busy)

    def _show_turns(self) -> None:
        self.turns_list.show_turns(self.parsed.turns if self.parsed is not None else (), self.me())

    @property
    def busy(self) -> bool:
        return self.handle is not None and self.handle.active

    def tone(self) -> str:
        return self.options.tone()

    def length(self) -> str:
        return self.options.length()

    def me(self) -> str | None:
        return self.options.me()

    def _forget_drafts(self) -> None:
        """A new conversation: no drafts, no History entry yet; a task still drafting for the
        last one is cancelled (its drafts would answer the wrong messages)."""
        if self.busy:
            self.handle.cancel()
        self.handle = None
        self.saved = None
        self.drafts = []
        self.shown = []
        self._drafts_for = None
        for card in self.cards:
            card.set_text("")
            card.set_chosen(False)
        self.regenerate_button.setEnabled(False)
        self._show_saved()

    def _show_saved(self) -> None:
        saved = self.saved
        self.delete_button.setEnabled(saved is not None and not self.busy)
        self.saved_label.setText(
            f"In History as “{saved.title}”, {counted(len(saved.shown), 'draft')} so far."
            if saved is not None and saved.title
            else ""
        )

    # --- drafting -----------------------------------------------------------------------
    def regenerate(self) -> None:
        """Three new drafts: sampled afresh, same tone and length, none of those shown before."""
        self.draft(regenerate=True)

    def draft(self, regenerate: bool = False) -> None:
        if self.busy or self.parsed is None or not self.parsed.turns:
            return
        self.banner.hide()
        if self.saved is None:  # drafted before (maybe before a restart): the same entry
            with reporting(self, "warning"):  # a history that cannot be read does not stop the drafts
                self.saved = self.services.find_conversation(self.parsed.raw)
            self.shown = list(self.saved.shown) if self.saved is not None else self.shown
        # Drafting a conversation again gives new drafts too: greedy ones would repeat.
        fresh = regenerate or bool(self.shown)
        with reporting(self) as call:
            handle = self.services.draft_replies(
                self.parsed, self.me(), self.tone(), self.length(), fresh=fresh, shown=tuple(self.shown)
            )
        if call.failed:
            return
        self.handle = handle
        self.drafts = []
        self._drafts_for = self.parsed.turns
        self._asked = (self.parsed, self.me(), self.tone(), self.length())
        self.typed: set[int] = set()  # cards showing text the model is still writing
        for card in self.cards:
            card.set_text("")
            card.set_chosen(False)
        handle.partial.connect(lambda event, h=handle: self._on_partial(event) if h is self.handle else None)
        handle.succeeded.connect(lambda result, h=handle: self._on_done(result) if h is self.handle else None)
        handle.failed_with.connect(
            lambda message, h=handle: self.banner.show_message(message, "error") if h is self.handle else None
        )
        handle.finished.connect(lambda state, h=handle: self._on_finished(state) if h is self.handle else None)
        self.progress.track(handle, "Drafting replies…")
        self.draft_button.setEnabled(False)
        self.regenerate_button.setEnabled(False)
        self.delete_button.setEnabled(False)
        self.status.emit("Drafting replies…")

    def _on_partial(self, event) -> None:
        """The first draft shows as the model writes it; each draft then arrives whole, cleaned
        and checked, as soon as it is ready (the typed text gives way to it)."""
        if isinstance(event, DraftTyping) and 0 <= event.index < DRAFTS:
            self.cards[event.index].set_text(event.text)
            self.typed.add(event.index)
        elif isinstance(event, DraftReady) and 0 <= event.index < DRAFTS:
            self.cards[event.index].set_text(event.text)
            self.typed.discard(event.index)

    def _on_done(self, result) -> None:
        drafts = self.services.draft_texts(result)
        self.drafts = drafts
        self.shown += drafts
        for card, text in zip(self.cards, (drafts + [""] * DRAFTS)[:DRAFTS], strict=True):
            card.set_text(text, final=True)
        parsed, me, tone, length = self._asked
        with reporting(self):
            self.saved = self.services.save_conversation(
                parsed, me, result, tone, length, conversation_id=self.saved.id if self.saved else None
            )

    def _on_finished(self, state: str) -> None:
        self.draft_button.setEnabled(self.parsed is not None and bool(self.parsed.turns))
        self.regenerate_button.setEnabled(bool(self.drafts) or state != TaskState.DONE)
        self._show_saved()
        if state == TaskState.CANCELLED:
            for card in self.cards:  # text the model was still writing was never checked: not kept
                card.set_text("" if card.index in self.typed else card.text(), final=False)
            self.status.emit("Drafting cancelled")
        elif state == TaskState.DONE:
            self.status.emit("Drafts ready")

    def cancel_active(self) -> bool:
        if self.busy:
            self.handle.cancel()
            return True
        return False

    def copy_draft(self, index: int) -> None:
        if index < len(self.drafts):
            QGuiApplication.clipboard().setText(self.drafts[index])
            self.status.emit(f"Draft {index + 1} copied")

    def use_draft(self, index: int) -> None:
        if index >= len(self.drafts):
            return
        self.copy_draft(index)
        problem = self.services.not_my_voice(
            self.drafts[index], self.parsed, self.me(), self.services.settings.user_name
        )
        if problem:  # never an example of the user's style
            self.banner.show_message(
                f"Draft {index + 1} was copied but not remembered as your style: {problem}.", "warning"
            )
            return
        with reporting(self) as call:
            if self.saved is not None and index < len(self.saved.draft_ids):
                self.services.pick_draft(self.saved.draft_ids[index])
        if call.failed:
            return
        for card in self.cards:
            card.set_chosen(card.index == index)
        self.status.emit(f"Draft {index + 1} copied and remembered")

    def delete_conversation(self) -> None:
        """Deletes the conversation on screen, its drafts and picks, from History (asked first)."""
        if self.saved is None or self.busy:
            return
        title = self.saved.title or "this conversation"
        if not confirm.ask(
            self,
            "Delete conversation",
            f"Delete “{title}” and its drafts from History? This cannot be undone.",
            "Delete",
        ):
            return
        with reporting(self) as call:
            self.services.delete_item(self.saved.id)
        if call.failed:
            return
        self.saved = None
        self.paste.clear()
        self.parse()
        self.status.emit("Conversation deleted")

    def show_conversation(self, conversation) -> None:
        """Opens a stored conversation from History: its paste and its drafts."""
        self.paste.setPlainText(conversation.raw)
        self.parse()
        self.options.choose_me(conversation.me)
        self.saved = conversation
        self.drafts = list(conversation.drafts)
        self.shown = list(conversation.shown or conversation.drafts)
        self._drafts_for = self.parsed.turns if self.parsed is not None else None
        for card, text in zip(self.cards, (self.drafts + [""] * DRAFTS)[:DRAFTS], strict=True):
            card.set_text(text, final=True)
            card.set_chosen(conversation.picked == card.index)
        self.regenerate_button.setEnabled(True)
        self._show_saved()
