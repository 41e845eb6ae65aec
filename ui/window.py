"""The main window: a sidebar of the five views, the views, a status bar with the engines'
state and the offline badge, keyboard shortcuts, and files dropped anywhere to import them."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.bridge import LANGUAGE, SPEECH
from app.tasks.events import TaskState
from app.tasks.transcribe import NO_SPEECH_MESSAGE
from ui.views import VIEWS
from ui.views.history_view import HistoryView
from ui.views.record_view import RecordView
from ui.views.recording_view import RecordingView
from ui.views.replies_view import RepliesView
from ui.views.reporting import reporting
from ui.views.settings_view import SettingsView
from ui.widgets.offline_badge import OFFLINE_TEXT, OfflineBadge

QUIT_TIMEOUT_S = 4.0
# Modules the GUI thread needs for its first summary, replies or search. Imported one per idle
# turn of the event loop after the window shows, rather than in the middle of the user's first
# action (importing them all takes ~0.2 s here).
GUI_SIDE_MODULES = (
    "app.history",
    "app.assistant.transcript_input",
    "app.assistant.conversation_parse",
    "app.assistant.summarize",
    "app.assistant.replies",
)


class MainWindow(QMainWindow):
    """``closed(clean)`` is emitted once the window is closed and every worker thread has
    finished (clean=True) or the bounded wait ran out (clean=False)."""

    closed = Signal(bool)

    def __init__(self, services):
        super().__init__()
        self.services = services
        self.bridge = services.start_bridge(self)
        self._closing = False
        self._close_done = False
        self.setWindowTitle("Confide")
        self.setAcceptDrops(True)
        self.setMinimumSize(800, 600)  # every view fits (tests/ui/test_window_layout.py)
        self.resize(1280, 760)
        self._build()
        self._shortcuts()
        self._engine_timer = QTimer(self)
        self._engine_timer.setInterval(300)
        self._engine_timer.timeout.connect(self._show_engines)
        self._engine_timer.start()
        self.show_view("record")
        QTimer.singleShot(0, self, self._recover_interrupted)
        self._preload = list(GUI_SIDE_MODULES)
        QTimer.singleShot(250, self, self._preload_next)

    # --- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.record_view = RecordView(self.services)
        self.recording_view = RecordingView(self.services)
        self.replies_view = RepliesView(self.services)
        self.history_view = HistoryView(self.services)
        self.settings_view = SettingsView(self.services)
        self.views = {name: getattr(self, f"{name}_view") for name in VIEWS}  # in sidebar order
        self.stack = QStackedWidget()
        for view in self.views.values():
            self.stack.addWidget(view)

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setAccessibleName("Views")
        for index, (name, label) in enumerate(VIEWS.items()):
            item = QListWidgetItem(label)
            item.setToolTip(f"{label} (Ctrl+{index + 1})")
            item.setData(Qt.UserRole, name)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(lambda row: self.show_view(list(VIEWS)[row]) if row >= 0 else None)
        app_name = QLabel("Confide")
        app_name.setObjectName("appName")
        tagline = QLabel("Private notes and replies")
        tagline.setObjectName("muted")
        tagline.setContentsMargins(16, 0, 16, 10)
        self.offline_badge = OfflineBadge("Offline · nothing leaves this computer")
        sidebar = QWidget()
        sidebar.setObjectName("sidebar")
        sidebar.setAttribute(Qt.WA_StyledBackground, True)
        sidebar.setMinimumWidth(168)  # gives up a little width in a narrow window
        sidebar.setMaximumWidth(200)
        side = QVBoxLayout(sidebar)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(0)
        side.addWidget(app_name)
        side.addWidget(tagline)
        side.addWidget(self.nav, 1)
        side.addWidget(self.offline_badge)
        side.addSpacing(10)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.engine_label = QLabel()
        self.engine_label.setAccessibleName("Engines")
        status_offline = QLabel("No network connections")
        status_offline.setToolTip(OFFLINE_TEXT)
        self.statusBar().addPermanentWidget(self.engine_label)
        self.statusBar().addPermanentWidget(status_offline)
        self._show_engines()

        self.record_view.opened.connect(self.open_new_recording)
        self.history_view.open_recording.connect(self.open_recording)
        self.history_view.play_recording.connect(self.play_recording)
        self.history_view.open_conversation.connect(self.open_conversation)
        self.recording_view.deleted.connect(lambda _id: self.history_view.refresh())
        self.recording_view.title_shown.connect(self._name_meeting)
        self.settings_view.data_wiped.connect(self._after_wipe)
        # the Record view's microphone list follows a change made in Settings at once
        self.settings_view.input_device_changed.connect(lambda _name: self.record_view.refresh_devices())
        for view in self.views.values():
            if hasattr(view, "status"):
                view.status.connect(lambda text: self.statusBar().showMessage(text, 5000))

    def _shortcuts(self) -> None:
        def add(keys, action, context=Qt.WindowShortcut, widget=None):
            shortcut = QShortcut(QKeySequence(keys), widget or self)
            shortcut.setContext(context)
            shortcut.activated.connect(action)
            return shortcut

        for index, name in enumerate(VIEWS):
            add(f"Ctrl+{index + 1}", lambda name=name: self.show_view(name))
        add("Ctrl+R", self._toggle_record)
        add("Ctrl+P", self.record_view.toggle_pause)
        add("Ctrl+O", self._import)
        add("Ctrl+F", self._search)
        add("Ctrl+,", lambda: self.show_view("settings"))
        add("Escape", self.cancel_current)
        add("Ctrl+Q", self.close)
        local = Qt.WidgetWithChildrenShortcut
        add("Ctrl+Return", self.replies_view.draft, local, self.replies_view)
        add("Ctrl+Shift+Return", self.replies_view.draft, local, self.replies_view)
        # Tab leaves the conversation box; a tab character, should one be wanted, is Ctrl+Tab
        add(
            "Ctrl+Tab",
            lambda: self.replies_view.paste.insertPlainText("\t"),
            Qt.WidgetShortcut,
            self.replies_view.paste,
        )
        for index in range(3):
            add(f"Ctrl+Shift+{index + 1}", lambda i=index: self.replies_view.copy_draft(i), local, self.replies_view)
        add("F2", self.recording_view.rename, local, self.recording_view)
        add("Ctrl+Shift+C", self.recording_view.copy_markdown, local, self.recording_view)
        add("Ctrl+Space", self.recording_view.player.toggle, local, self.recording_view)
        self._space = add("Space", self.recording_view.player.toggle)
        QApplication.instance().focusChanged.connect(self._update_space)
        self._update_space()

    def _update_space(self, _old=None, _new=None) -> None:
        """Space plays or pauses on the recording's page, unless the focused control uses Space
        itself: a button presses, a text field types a space, a combo box opens."""
        focus = QApplication.focusWidget()
        editable = isinstance(focus, (QTextEdit, QPlainTextEdit)) and not focus.isReadOnly()
        uses_space = editable or isinstance(focus, (QAbstractButton, QLineEdit, QAbstractSpinBox, QComboBox))
        self._space.setEnabled(self.current_view() == "recording" and not uses_space)

    def _name_meeting(self, title: str) -> None:
        """The Meeting entry's tooltip names the recording it holds."""
        index = list(VIEWS).index("recording")
        label = f"{VIEWS['recording']}: {title}" if title else VIEWS["recording"]
        self.nav.item(index).setToolTip(f"{label} (Ctrl+{index + 1})")

    def _recover_interrupted(self) -> None:
        with reporting(self, banner=self.record_view.banner) as call:
            recovered = self.services.recover_interrupted()
        if call.failed:
            return
        if recovered:
            count = len(recovered)
            self.record_view.banner.show_message(
                f"{count} recording{'s were' if count > 1 else ' was'} interrupted last time and "
                f"{'have' if count > 1 else 'has'} been kept; find {'them' if count > 1 else 'it'} in History.",
                "info",
            )

    def _preload_next(self) -> None:
        if self._preload and not self._closing:
            import importlib

            with contextlib.suppress(ImportError):  # a missing part says so when it is used
                importlib.import_module(self._preload.pop(0))
            QTimer.singleShot(0, self, self._preload_next)

    # --- navigation ---------------------------------------------------------------------
    def show_view(self, name: str) -> None:
        index = list(VIEWS).index(name)
        if self.nav.currentRow() != index:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(index)
            self.nav.blockSignals(False)
        self.stack.setCurrentIndex(index)
        if hasattr(self, "_space"):
            self._update_space()
        if name == "history":
            self.history_view.refresh()
        elif name == "recording" and self.recording_view.recording is None:
            newest = self._newest_recording()
            if newest is not None:
                self.recording_view.open(newest, summarize_if_missing=False)
        elif name == "settings":
            self.settings_view.refresh()

    def current_view(self) -> str:
        return list(VIEWS)[self.stack.currentIndex()]

    def _newest_recording(self):
        with reporting(self, show=False):  # none to show: the view says it has no recording
            return self.services.newest_recording_id()
        return None

    def open_new_recording(self, recording_id, note: str | None = None) -> None:
        """A recording or import was just stored: show it, and summarize it."""
        self.show_view("recording")
        self.recording_view.open(recording_id, summarize_if_missing=True)
        if note == NO_SPEECH_MESSAGE:
            self.recording_view.offer_to_discard_silence()
        elif note:
            self.recording_view.banner.show_message(note, "info")

    def open_recording(self, recording_id, at=None) -> None:
        self.show_view("recording")
        self.recording_view.open(recording_id, at=at, summarize_if_missing=False)

    def play_recording(self, recording_id, at=None) -> None:
        """A recording opened at a moment and played from there (an answer's citation)."""
        self.show_view("recording")
        if self.recording_view.open(recording_id, at=at, summarize_if_missing=False):
            self.recording_view.play_at(at)

    def open_conversation(self, conversation_id) -> None:
        with reporting(self, banner=self.history_view.banner) as call:
            conversation = self.services.conversation(conversation_id)
        if call.failed:
            return
        self.show_view("replies")
        self.replies_view.show_conversation(conversation)

    def show_newest_conversation(self) -> bool:
        """Replies with the newest stored conversation and its drafts (for --screenshot)."""
        newest = []
        with reporting(self, show=False):
            newest = self.services.list_items("conversation")
        if newest:
            self.open_conversation(newest[0].id)
        return bool(newest)

    def _after_wipe(self) -> None:
        self.recording_view.show_nothing()
        self.history_view.refresh()

    def _toggle_record(self) -> None:
        self.show_view("record")
        self.record_view.toggle_recording()

    def _import(self) -> None:
        self.show_view("record")
        self.record_view.choose_file()

    def _search(self) -> None:
        self.show_view("history")
        self.history_view.focus_search()

    def cancel_current(self) -> None:
        """Esc: cancels the long task of the view on screen, if it has one."""
        view = self.views[self.current_view()]
        if hasattr(view, "cancel_active"):
            view.cancel_active()

    def _show_engines(self) -> None:
        def state(engine: str) -> str:
            handles = self.bridge.active_handles(engine)
            if any(h.state == TaskState.RUNNING for h in handles):
                return "working"
            if self.bridge.worker_busy(engine):
                return "stopping"  # a cancelled task ends at its next check
            return "queued" if handles else "idle"

        self.engine_label.setText(f"Speech: {state(SPEECH)}   ·   Language model: {state(LANGUAGE)}")

    # --- files dropped on the window ----------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    def import_files(self, paths: list[str]) -> None:
        self.show_view("record")
        self.record_view.import_file(paths[0])
        if len(paths) > 1:
            self.statusBar().showMessage("Importing the first file; drop the others once it is done.", 8000)

    # --- quitting -----------------------------------------------------------------------
    def closeEvent(self, event) -> None:
        """Hides at once, cancels every task and lets the threads finish; the window closes for
        good (``closed``) when they have, or after QUIT_TIMEOUT_S. Never blocks the GUI thread."""
        if self._close_done:
            event.accept()
            return
        event.ignore()
        if self._closing:
            return
        self._closing = True
        self._engine_timer.stop()
        self.recording_view.player.stop()
        self.hide()
        self.bridge.stopped.connect(self._finish_close)
        self.bridge.shutdown(timeout_s=QUIT_TIMEOUT_S)

    def _finish_close(self, clean: bool) -> None:
        self._close_done = True
        self.services.close_history()
        self.close()
        self.closed.emit(clean)
