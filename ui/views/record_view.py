"""Record: a big record button, level meter, elapsed time, pause/resume/stop, the input
device, the Speakers choice, the transcript growing live, and importing a file by button or by
dropping it."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.tasks.events import LevelReading, TaskState, TranscriptPiece
from ui.format import clock
from ui.views.reporting import reporting
from ui.views.summary_ahead import SummaryAhead
from ui.widgets.banner import Banner
from ui.widgets.device_choice import DeviceChoice
from ui.widgets.level_meter import LevelMeter
from ui.widgets.speaker_choice import SpeakerChoice
from ui.widgets.task_progress import TaskProgress
from ui.widgets.transcript_list import TranscriptList

CANCEL_QUESTION = (
    "Cancel this recording? The audio recorded so far is kept in History, without a "
    "transcript. Press Esc again to keep recording."
)

AUDIO_FILTER = "Audio or video (*.wav *.flac *.mp3 *.m4a *.aac *.ogg *.opus *.mp4 *.webm *.mkv *.mov);;All files (*)"


class RecorderState(StrEnum):
    """What the Record view is doing."""

    IDLE = "idle"
    RECORDING = "recording"
    PAUSED = "paused"
    FINISHING = "finishing"  # the transcript of a stopped recording
    IMPORTING = "importing"


class RecordView(QWidget):
    """Emits ``opened(recording_id, note)`` once a recording or an import is transcribed and stored."""

    opened = Signal(object, object)  # recording id, a note for the user (e.g. "No speech detected.") or None
    status = Signal(str)

    IDLE, RECORDING, PAUSED, FINISHING, IMPORTING = (
        RecorderState.IDLE,
        RecorderState.RECORDING,
        RecorderState.PAUSED,
        RecorderState.FINISHING,
        RecorderState.IMPORTING,
    )

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self.state = self.IDLE
        self.session = None
        self.summary_ahead = SummaryAhead(services)  # the summary, started while recording
        self.listening = False  # True once the recorder reports levels: the microphone is open
        self._import_handle = None
        self._recorded = 0.0  # seconds of audio the recorder reports (pauses excluded)
        self._build()
        self.refresh_devices()

    # --- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.banner = Banner("Microphone message")
        self.banner.action.connect(self._banner_action)
        title = QLabel("Record")
        title.setObjectName("viewTitle")
        subtitle = QLabel("Record a meeting or import a file. The audio and the transcript stay on this computer.")
        subtitle.setObjectName("muted")
        subtitle.setWordWrap(True)

        self.record_button = QPushButton("Record")
        self.record_button.setObjectName("recordButton")
        self.record_button.setAccessibleName("Start recording")
        self.record_button.setToolTip("Start recording (Ctrl+R)")
        self.record_button.setCursor(Qt.PointingHandCursor)
        self.record_button.clicked.connect(self.toggle_recording)
        self.elapsed = QLabel("0:00")
        self.elapsed.setObjectName("elapsed")
        self.elapsed.setAccessibleName("Elapsed time")
        self.state_label = QLabel("Ready to record")
        self.state_label.setObjectName("muted")
        self.pause_button = QPushButton("Pause")
        self.pause_button.setAccessibleName("Pause recording")
        self.pause_button.setToolTip("Pause or resume (Ctrl+P)")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.meter = LevelMeter()

        controls = QVBoxLayout()
        controls.setSpacing(6)
        clock_row = QHBoxLayout()
        clock_row.addWidget(self.elapsed)
        clock_row.addSpacing(12)
        clock_row.addWidget(self.state_label, 0, Qt.AlignBottom)
        clock_row.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pause_button)
        buttons.addStretch(1)
        controls.addLayout(clock_row)
        controls.addWidget(self.meter)
        controls.addLayout(buttons)

        top = QHBoxLayout()
        top.setSpacing(24)
        top.addWidget(self.record_button, 0, Qt.AlignVCenter)
        top.addLayout(controls, 1)

        self.device_combo = DeviceChoice()
        self.device_combo.chosen.connect(lambda name: self.services.update_settings(input_device=name))
        self.import_button = QPushButton("Import audio or video…")
        self.import_button.setAccessibleName("Import a file")
        self.import_button.setToolTip("Transcribe a file (Ctrl+O); you can also drop files on the window")
        self.import_button.clicked.connect(self.choose_file)
        device_row = QHBoxLayout()
        device_label = QLabel("Input:")
        device_label.setBuddy(self.device_combo)
        device_row.addWidget(device_label)
        device_row.addWidget(self.device_combo)
        device_row.addStretch(1)
        device_row.addWidget(self.import_button)

        card = QFrame()
        card.setObjectName("card")
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(20, 18, 20, 16)
        card_layout.setSpacing(14)
        card_layout.addLayout(top)
        card_layout.addLayout(device_row)
        self.speaker_choice = SpeakerChoice(self.services, self.banner)
        card_layout.addWidget(self.speaker_choice)

        self.progress = TaskProgress("Transcription")
        transcript_title = QLabel("Transcript")
        transcript_title.setObjectName("sectionTitle")
        self.transcript = TranscriptList("Live transcript")
        self.placeholder = QLabel(
            "The transcript appears here while you record. "
            "Drop an audio or video file anywhere on the window to transcribe it."
        )
        self.placeholder.setObjectName("hint")
        self.placeholder.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 22)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addWidget(self.banner)
        layout.addWidget(card)
        layout.addWidget(self.progress)
        layout.addWidget(transcript_title)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.transcript, 1)
        self._apply_state(self.IDLE)

    # --- devices ------------------------------------------------------------------------
    def refresh_devices(self) -> None:
        # an AppError from the audio layer (no PortAudio, no device) is a warning: files still import
        with reporting(self, "warning", action="Check again") as call:
            devices = self.services.input_devices()
        if call.failed:
            devices = []
        else:
            if not devices:
                self.banner.show_message(
                    "No microphone was found. Connect one and press Check again; you can still import files.",
                    "warning",
                    action="Check again",
                )
            elif self.banner.property("kind") == "warning":
                self.banner.hide()
        self.device_combo.show_devices(devices, self.services.settings.input_device)
        self.has_microphone = bool(devices)
        self._apply_state(self.state)

    # --- recording ------------------------------------------------------------------------
    def toggle_recording(self) -> None:
        if self.state in (self.RECORDING, self.PAUSED):
            self.stop_recording()
        elif self.state == self.IDLE:
            self.start_recording()

    def start_recording(self) -> None:
        if self.state != self.IDLE or not self.has_microphone:
            return
        self.banner.hide()
        self._clear_last()
        self.summary_ahead.restart()
        with reporting(self) as call:
            self.session = self.services.start_recording(self.device_combo.currentData())
        if call.failed:
            return
        handle = self.session.handle
        handle.partial.connect(self._on_partial)
        handle.progress.connect(self._on_record_progress)
        handle.succeeded.connect(self._on_recorded)
        handle.failed_with.connect(self._on_failed)
        handle.finished.connect(self._on_record_finished)
        self.listening = False
        self._apply_state(self.RECORDING)
        self.state_label.setText("Starting the microphone…")
        self.status.emit("Recording…")

    def toggle_pause(self) -> None:
        if self.state == self.RECORDING:
            self.session.pause()
            self._apply_state(self.PAUSED)
        elif self.state == self.PAUSED:
            self.session.resume()
            self._apply_state(self.RECORDING)

    def stop_recording(self) -> None:
        if self.state not in (self.RECORDING, self.PAUSED):
            return
        self.session.stop()
        self._apply_state(self.FINISHING)
        self.progress.track(self.session.handle, "Finishing the transcript…")
        self.status.emit("Finishing the transcript…")

    def cancel_active(self) -> bool:
        """Esc: during a recording it only asks (one key must not end a meeting); while the
        transcript is being finished, or during an import, it cancels."""
        if self.state in (self.RECORDING, self.PAUSED) and self.session is not None:
            if self._asking_to_cancel():
                self.banner.hide()  # Esc again: the answer is no
            else:
                self.banner.show_message(CANCEL_QUESTION, "warning", action="Cancel recording")
            return True
        if self.state == self.FINISHING and self.session is not None:
            self.session.handle.cancel()
            return True
        if self._import_handle is not None and self._import_handle.active:
            self._import_handle.cancel()
            return True
        return False

    def _asking_to_cancel(self) -> bool:
        return self.banner.message() == CANCEL_QUESTION

    def _banner_action(self) -> None:
        if self._asking_to_cancel():
            self.cancel_recording_keeping_audio()
        else:
            self.refresh_devices()

    def cancel_recording_keeping_audio(self) -> None:
        """Ends the recording at once without a transcript; its audio goes to History, where
        Transcribe makes the transcript later."""
        self.banner.hide()
        if self.state not in (self.RECORDING, self.PAUSED):
            return
        self.session.stop_without_transcript()
        self.summary_ahead.cancel()
        self._apply_state(self.FINISHING)
        self.state_label.setText("Keeping the audio…")
        self.status.emit("Recording cancelled; the audio is kept in History")

    def _show_elapsed(self) -> None:
        self.elapsed.setText(clock(self._recorded))

    def _on_partial(self, event) -> None:
        if isinstance(event, LevelReading):
            if not self.listening and self.state == self.RECORDING:
                self.listening = True  # the microphone is open: what is said now is recorded
                self.state_label.setText("Recording")
            self.meter.set_level(event.level, event.peak)
            if self.state in (self.RECORDING, self.PAUSED):
                self._recorded = event.elapsed
                self._show_elapsed()
        elif isinstance(event, TranscriptPiece):
            self._append_segment(event.segment)
            if self.session is not None and event.segment.text.strip():  # recording, not importing
                self.summary_ahead.add(event.segment)

    def _on_record_progress(self, event) -> None:
        if self.state == self.FINISHING:
            return  # the progress line shows it
        if event.message:
            self.state_label.setText(event.message)

    def _on_recorded(self, result) -> None:
        with reporting(self) as call:
            recording_id = self.services.save_recording(result)
        if call.failed:
            return
        self.opened.emit(recording_id, result.note)

    def _on_failed(self, message: str) -> None:
        self.banner.show_message(message, "error")

    def _on_record_finished(self, state: str) -> None:
        self.meter.reset()
        self.session = None
        self._apply_state(self.IDLE)
        if state == TaskState.CANCELLED:
            self.state_label.setText("Recording cancelled")
            self.status.emit("Recording cancelled")
        elif state == TaskState.DONE:
            self.status.emit("Recording saved")

    # --- importing ------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import audio or video", self.services.dialog_folder(), AUDIO_FILTER
        )
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> None:
        if self.state != self.IDLE:
            self.banner.show_message("Finish the current recording or import first.", "info")
            return
        self.banner.hide()
        self._clear_last()
        with reporting(self) as call:
            handle = self.services.transcribe_file(path)
        if call.failed:
            return
        self._import_handle = handle
        handle.partial.connect(self._on_partial)
        handle.succeeded.connect(self._on_recorded)
        handle.failed_with.connect(self._on_failed)
        handle.finished.connect(self._on_import_finished)
        self.progress.track(handle, "Transcribing the file…")
        self._apply_state(self.IMPORTING)
        self.status.emit("Transcribing…")

    def _on_import_finished(self, state: str) -> None:
        self._import_handle = None
        self._apply_state(self.IDLE)
        if state == TaskState.CANCELLED:
            self.state_label.setText("Import cancelled")
            self.status.emit("Import cancelled")

    # --- shared -------------------------------------------------------------------------
    def _clear_last(self) -> None:
        """A new recording or import starts from a clean view: no old transcript, clock or level."""
        self.transcript.clear()
        self.placeholder.show()
        self._recorded = 0.0
        self._show_elapsed()
        self.meter.reset()

    def _append_segment(self, segment) -> None:
        if not (segment.text or "").strip():
            return
        self.transcript.add_segment(segment)
        self.transcript.scrollToBottom()
        self.placeholder.hide()

    def _apply_state(self, state: RecorderState) -> None:
        self.state = state
        recording = state in (self.RECORDING, self.PAUSED)
        has_mic = getattr(self, "has_microphone", True)
        self.record_button.setText("Stop" if recording else "Record")
        self.record_button.setAccessibleName("Stop recording" if recording else "Start recording")
        self.record_button.setToolTip(
            "Stop and keep the recording (Ctrl+R)" if recording else "Start recording (Ctrl+R)"
        )
        self.record_button.setProperty("recording", "true" if recording else "false")
        self.record_button.style().unpolish(self.record_button)
        self.record_button.style().polish(self.record_button)
        self.record_button.setEnabled((state == self.IDLE and has_mic) or recording)
        self.pause_button.setEnabled(recording)
        self.pause_button.setText("Resume" if state == self.PAUSED else "Pause")
        self.pause_button.setAccessibleName("Resume recording" if state == self.PAUSED else "Pause recording")
        self.device_combo.setEnabled(state == self.IDLE and has_mic)
        self.import_button.setEnabled(state == self.IDLE)
        self.speaker_choice.setEnabled(state == self.IDLE)
        self.state_label.setText(
            {
                self.IDLE: "Ready to record" if has_mic else "No microphone",
                self.RECORDING: "Recording",
                self.PAUSED: "Paused",
                self.FINISHING: "Finishing the transcript…",
                self.IMPORTING: "Transcribing a file…",
            }[state]
        )
        if state == self.RECORDING and not self.listening:
            self.state_label.setText("Starting the microphone…")
        if state == self.IDLE:
            self.placeholder.setVisible(self.transcript.count() == 0)
        if not recording and self._asking_to_cancel():
            self.banner.hide()  # the question is moot once the recording has ended
