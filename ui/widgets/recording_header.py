"""The head of a recording's page: its title and facts, and the buttons that act on it
(Transcribe, Rename, Copy, Export, Summarize again, Delete); and the rename dialog."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.reflow_row import ReflowRow

SUMMARY_DETAILS = (("more", "More detail"), ("shorter", "Shorter"), ("standard", "Standard length"))
EXPORT_FORMATS = (
    ("md", "Markdown (transcript and summary)"),
    ("json", "JSON (transcript and summary)"),
    ("txt", "Plain text transcript"),
    ("srt", "Subtitles (SRT)"),
    ("vtt", "Subtitles (WebVTT)"),
)


class RecordingHeader(ReflowRow):
    """The buttons go under the title in a narrow window. ``export_chosen(fmt)`` and
    ``detail_chosen(detail)`` say which export format or summary length was picked."""

    export_chosen = Signal(str)
    detail_chosen = Signal(str)

    def __init__(self, parent=None):
        self.title = QLabel()
        self.title.setObjectName("viewTitle")
        self.title.setAccessibleName("Recording title")
        self.title.setWordWrap(True)
        self.meta = QLabel()
        self.meta.setObjectName("muted")
        self.meta.setWordWrap(True)
        self.rename_button = QPushButton("Rename")
        self.rename_button.setAccessibleName("Rename recording")
        self.rename_button.setToolTip("Rename (F2)")
        self.copy_button = QPushButton("Copy")
        self.copy_button.setAccessibleName("Copy summary and transcript")
        self.copy_button.setToolTip("Copy the summary and transcript as Markdown (Ctrl+Shift+C)")
        self.export_button = QToolButton()
        self.export_button.setText("Export")
        self.export_button.setAccessibleName("Export recording")
        self.export_button.setPopupMode(QToolButton.InstantPopup)
        # The model decodes greedily: the same length again gives the same summary, so the
        # button offers the other lengths (and the view says so when a run changed nothing).
        self.summarize_button = QPushButton("Summarize again")
        self.summarize_button.setAccessibleName("Summarize again")
        self.summarize_button.setToolTip("Summarize again with more detail or shorter")
        self.transcribe_button = QPushButton("Transcribe")
        self.transcribe_button.setAccessibleName("Transcribe recording")
        self.transcribe_button.setToolTip("Make the transcript of this recording's audio")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setObjectName("danger")
        self.delete_button.setAccessibleName("Delete recording")

        titles_box = QWidget()
        titles = QVBoxLayout(titles_box)
        titles.setContentsMargins(0, 0, 0, 0)
        titles.setSpacing(2)
        titles.addWidget(self.title)
        titles.addWidget(self.meta)
        buttons_box = QWidget()
        buttons = QHBoxLayout(buttons_box)
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (
            self.transcribe_button,
            self.rename_button,
            self.copy_button,
            self.export_button,
            self.summarize_button,
            self.delete_button,
        ):
            buttons.addWidget(button)
        super().__init__(titles_box, buttons_box, parent=parent)

        menu = QMenu(self.export_button)
        for fmt, label in EXPORT_FORMATS:
            menu.addAction(label, lambda fmt=fmt: self.export_chosen.emit(fmt))
        self.export_button.setMenu(menu)
        self.detail_menu = QMenu(self.summarize_button)
        self.detail_menu.setAccessibleName("Summary length")
        levels = QActionGroup(self.detail_menu)
        self.detail_actions = {}
        for detail, label in SUMMARY_DETAILS:
            action = self.detail_menu.addAction(label)
            action.setCheckable(True)
            levels.addAction(action)
            action.triggered.connect(lambda _checked=False, detail=detail: self.detail_chosen.emit(detail))
            self.detail_actions[detail] = action
        self.summarize_button.setMenu(self.detail_menu)


def rename_dialog(parent, title: str) -> QInputDialog:
    """Asks for a new title in a field wide enough to show the whole current one (a summary's
    title is a sentence; the stock dialog showed a third of it), within the screen's width."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("Rename recording")
    dialog.setLabelText("Title:")
    dialog.setTextValue(title)
    dialog.setInputMode(QInputDialog.TextInput)  # makes its line edit
    field = dialog.findChild(QLineEdit)
    metrics = field.fontMetrics()
    wanted = metrics.horizontalAdvance(title) + 4 * metrics.averageCharWidth() + 16
    screen = parent.screen().availableGeometry().width() if parent is not None and parent.screen() else 1024
    # the dialog's layout sizes it to its contents, so the field is what must be wide
    field.setMinimumWidth(max(360, min(wanted, int(screen * 0.8) - 40)))
    return dialog
