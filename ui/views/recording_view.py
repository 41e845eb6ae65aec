"""One recording: its transcript with times (click to play from there), its summary streaming
in, copy and export, rename and delete."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QSplitter, QVBoxLayout, QWidget

from app.tasks.events import SummarySoFar, TaskState, TranscriptPiece
from ui.format import clock, counted
from ui.views.reporting import reporting
from ui.widgets import confirm
from ui.widgets.ask_panel import AskPanel
from ui.widgets.banner import Banner
from ui.widgets.player import AudioPlayer
from ui.widgets.recording_header import RecordingHeader, rename_dialog
from ui.widgets.summary_panel import SummaryPanel
from ui.widgets.task_progress import TaskProgress
from ui.widgets.transcript_panel import TranscriptPanel

SILENT_RECORDING = (
    "No speech was detected in this recording. Keep it (close this message), or discard it and its audio?"
)
NOTHING_CHANGED = (
    "Nothing changed: the same transcript gives the same summary at this length. "
    "Choose More detail or Shorter from Summarize again for a different one."
)


class RecordingView(QWidget):
    deleted = Signal(object)
    status = Signal(str)
    title_shown = Signal(str)  # the open recording's title ("" when none is open)

    def __init__(self, services, parent=None):
        super().__init__(parent)
        self.services = services
        self.recording = None
        self._summary_handles: dict = {}
        self._summary_details: dict = {}  # recording id -> detail level of the summary shown
        self._summary_runs: dict = {}  # recording id -> (detail level, summary before) of a running one
        self._summaries_so_far: dict = {}  # recording id -> the summary a running task has streamed
        self._build()
        self.show_nothing()

    def _build(self) -> None:
        self.banner = Banner("Recording message")
        self.banner.action.connect(self._banner_action)
        self.header = RecordingHeader()
        self.header.rename_button.clicked.connect(self.rename)
        self.header.copy_button.clicked.connect(self.copy_markdown)
        self.header.export_chosen.connect(self.export)
        self.header.detail_chosen.connect(self.summarize)
        self.header.transcribe_button.clicked.connect(self.transcribe)
        self.header.delete_button.clicked.connect(self.delete)
        # the header's parts, by the names the rest of the view (and its tests) use
        self.title, self.meta = self.header.title, self.header.meta
        self.rename_button, self.copy_button = self.header.rename_button, self.header.copy_button
        self.export_button, self.summarize_button = self.header.export_button, self.header.summarize_button
        self.transcribe_button, self.delete_button = self.header.transcribe_button, self.header.delete_button
        self.detail_menu, self.detail_actions = self.header.detail_menu, self.header.detail_actions

        self.player = AudioPlayer()
        self.player.error.connect(lambda message: self.banner.show_message(message, "warning"))
        left = TranscriptPanel(self.services, self.banner)
        self.transcript, self.transcribe_progress, self.speakers = left.transcript, left.progress, left.speakers
        self.speakers.edited.connect(self._speakers_edited)
        self.speakers.status.connect(self.status)
        self.transcript.seek.connect(self.player.play_from)
        self.player.position_changed.connect(self.transcript.show_time)
        self.summary = SummaryPanel()
        self.summary.seek.connect(self.play_at)
        self.ask = AskPanel(self.services, self.banner, scope="this recording")
        self.ask.open_recording.connect(self._open_citation)
        self.progress = TaskProgress("Summary")
        self.transcribe_handle = None

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        summary_title = QLabel("Summary")
        summary_title.setObjectName("sectionTitle")
        right_layout.addWidget(summary_title)
        right_layout.addWidget(self.progress)
        right_layout.addWidget(self.summary, 1)
        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([520, 480])

        self.empty = QLabel("No recording is open. Record something or open one from History.")
        self.empty.setObjectName("hint")
        self.empty.setAlignment(Qt.AlignCenter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 22)
        layout.setSpacing(10)
        layout.addWidget(self.header)
        layout.addWidget(self.banner)
        layout.addWidget(self.player)
        layout.addWidget(self.ask)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.empty, 1)

    # --- what is shown ------------------------------------------------------------------
    def show_nothing(self) -> None:
        self.recording = None
        self.title.setText("Meeting")
        self.title_shown.emit("")
        self.meta.setText("")
        self.player.set_source(None)
        self.speakers.show(None)
        self.summary.show_empty()
        self.progress.release()
        for widget in (*self._detail_widgets(), self.transcribe_button):
            widget.setVisible(False)
        self.empty.setVisible(True)

    def _detail_widgets(self) -> tuple:
        """What shows an open recording (the empty-state text shows instead of them)."""
        return (
            self.splitter,
            self.player,
            self.ask,
            self.rename_button,
            self.copy_button,
            self.export_button,
            self.summarize_button,
            self.delete_button,
        )

    def open(self, recording_id, at: float | None = None, summarize_if_missing: bool = True) -> bool:
        with reporting(self) as call:
            recording = self.services.recording(recording_id)
        if call.failed:
            return False
        self.banner.hide()
        self.recording = recording
        for widget in self._detail_widgets():
            widget.setVisible(True)
        self.empty.setVisible(False)
        self._show_header()
        self.ask.set_scope(recording.id)
        self.player.set_source(recording.audio_path, recording.duration)
        self.speakers.show(recording)
        transcribing = self.transcribe_handle is not None and self.transcribe_handle.active
        self.transcribe_button.setVisible(not recording.segments and recording.audio_path is not None)
        self.transcribe_button.setEnabled(not transcribing)
        self.summarize_button.setVisible(bool(recording.segments))
        self._show_summary_state()
        if at is not None:
            self.transcript.show_time(at)
        if recording.summary is None and summarize_if_missing and recording.segments:
            self.summarize()
        return True

    def _show_header(self) -> None:
        recording = self.recording
        self.title.setText(recording.title or "Untitled recording")
        self.summary.set_heading(recording.title or "")
        self.title_shown.emit(recording.title or "")
        bits = [
            recording.created_text,
            clock(recording.duration) if recording.duration else "",
            counted(len(recording.segments), "line"),
            counted(len(recording.speakers), "speaker") if recording.speakers else "",
        ]
        self.meta.setText("  ·  ".join(b for b in bits if b))

    def _speakers_edited(self, recording) -> None:
        self.recording = recording  # the transcript shows the new names already
        self._show_header()

    def play_at(self, seconds: float | None) -> None:
        """The line said at seconds, shown, and the audio played from there."""
        self.transcript.show_time(seconds or 0.0)
        self.player.play_from(seconds or 0.0)

    def _open_citation(self, recording_id, seconds) -> None:
        elsewhere = self.recording is None or recording_id != self.recording.id
        if elsewhere and not self.open(recording_id, at=seconds, summarize_if_missing=False):
            return
        self.play_at(seconds)

    # --- summary ------------------------------------------------------------------------
    # Summaries run to their end even when another recording is opened meanwhile: each is
    # stored under its own recording when done, and shown while it streams if it is on screen.
    @property
    def summary_handle(self):
        """The summary task of the recording on screen (the running one, else the last one)."""
        if self.recording is None:
            return None
        return self._summary_handles.get(self.recording.id)

    def _shown(self, recording_id) -> bool:
        return self.recording is not None and self.recording.id == recording_id

    def _show_summary_state(self) -> None:
        handle = self.summary_handle
        if handle is not None and handle.active:
            self.summary.show_so_far(self._summaries_so_far.get(self.recording.id))
            self.progress.track(handle, "Summarizing…")
            self.summarize_button.setEnabled(False)
        else:
            self.progress.release()
            self.summary.set_summary(self.recording.summary, self.recording.title or "")
            self.summarize_button.setEnabled(True)
        self.detail_actions[self._summary_details.get(self.recording.id, "standard")].setChecked(True)

    def summarize(self, detail: str | None = None) -> None:
        """Summarizes the recording on screen: at detail ("shorter", "standard", "more"), by
        default at the level of the summary shown."""
        if self.recording is None or (self.summary_handle is not None and self.summary_handle.active):
            return
        recording_id = self.recording.id
        detail = detail or self._summary_details.get(recording_id, "standard")
        with reporting(self) as call:
            handle = self.services.summarize(self.recording, detail)
        if call.failed:
            return
        if self.banner.message() == NOTHING_CHANGED:
            self.banner.hide()
        self._summary_runs[recording_id] = (detail, self.recording.summary)
        self._summary_handles[recording_id] = handle
        self._summaries_so_far.pop(recording_id, None)
        handle.partial.connect(lambda event: self._summary_partial(recording_id, event))
        handle.succeeded.connect(lambda summary: self._summary_done(recording_id, summary))
        handle.failed_with.connect(lambda message: self._summary_failed(recording_id, message))
        handle.finished.connect(lambda state: self._summary_finished(recording_id, state))
        self._show_summary_state()
        self.status.emit("Summarizing…")

    def _summary_partial(self, recording_id, event) -> None:
        if not isinstance(event, SummarySoFar):
            return
        self._summaries_so_far[recording_id] = event.summary
        if self._shown(recording_id):
            self.summary.show_so_far(event.summary)

    def _summary_done(self, recording_id, summary) -> None:
        if summary is None:
            return
        detail, before = self._summary_runs.pop(recording_id, ("standard", None))
        self._summary_details[recording_id] = detail
        if summary.same_as(before):
            # The same summary again: nothing to store, and the user is told rather than left
            # wondering whether anything happened.
            if self._shown(recording_id):
                self.banner.show_message(NOTHING_CHANGED, "info")
            return
        with reporting(self, show=self._shown(recording_id)) as call:
            self.services.save_summary(recording_id, summary)
        if call.failed:
            return
        if self._shown(recording_id):
            self.recording = self.services.recording(recording_id)
            self._show_header()

    def _summary_failed(self, recording_id, message: str) -> None:
        if self._shown(recording_id):
            self.banner.show_message(message, "error")

    def _summary_finished(self, recording_id, state: str) -> None:
        self._summaries_so_far.pop(recording_id, None)
        if self._shown(recording_id):
            self._show_summary_state()
        self.status.emit(
            {TaskState.CANCELLED: "Summary cancelled", TaskState.FAILED: "The summary failed"}.get(
                state, "Summary ready"
            )
        )

    def cancel_active(self) -> bool:
        for handle in (self.summary_handle, self.transcribe_handle):
            if handle is not None and handle.active:
                handle.cancel()
                return True
        return self.speakers.cancel_active()

    # --- transcribing a recording that has no transcript (a recovered one) ---------------
    def transcribe(self) -> None:
        if self.recording is None or (self.transcribe_handle is not None and self.transcribe_handle.active):
            return
        with reporting(self) as call:
            handle = self.services.transcribe_recording(self.recording)
        if call.failed:
            return
        recording_id = self.recording.id
        self.transcribe_handle = handle
        handle.partial.connect(
            lambda event: (
                self._shown(recording_id)
                and isinstance(event, TranscriptPiece)
                and self.transcript.add_segment(event.segment)
            )
        )
        handle.succeeded.connect(lambda result: self._transcribed(recording_id, result))
        handle.failed_with.connect(lambda message: self._summary_failed(recording_id, message))
        handle.finished.connect(lambda _state: self.transcribe_button.setEnabled(True))
        self.transcribe_progress.track(handle, "Transcribing…")
        self.transcribe_button.setEnabled(False)

    def _transcribed(self, recording_id, result) -> None:
        with reporting(self) as call:
            self.services.add_transcript(recording_id, result)
        if call.failed:
            return
        if self._shown(recording_id):
            self.open(recording_id, summarize_if_missing=True)
            if result.note:
                self.banner.show_message(result.note, "info")

    # --- actions ------------------------------------------------------------------------
    def rename(self) -> None:
        if self.recording is None:
            return
        dialog = rename_dialog(self, self.recording.title or "")
        if dialog.exec() == QDialog.Accepted and dialog.textValue().strip():
            self.apply_rename(dialog.textValue().strip())

    def apply_rename(self, title: str) -> None:
        with reporting(self) as call:
            self.services.rename(self.recording.id, title)
        if call.failed:
            return
        self.recording = self.services.recording(self.recording.id)
        self._show_header()

    def copy_markdown(self) -> None:
        if self.recording is None:
            return
        with reporting(self) as call:
            text = self.services.export_text(self.recording.id, "md")
        if call.failed:
            return
        QGuiApplication.clipboard().setText(text)
        self.status.emit("Copied to the clipboard")

    def export(self, fmt: str) -> None:
        if self.recording is None:
            return
        name = f"{(self.recording.title or 'recording').strip()}.{fmt}".replace("/", "-")
        suggested = os.path.join(self.services.dialog_folder(), name)  # a bare name is the program's folder
        path, _ = QFileDialog.getSaveFileName(self, "Export recording", suggested, f"*.{fmt}")
        if path:
            self.services.remember_folder(path)
            self.export_to(path, fmt)

    def export_to(self, path: str, fmt: str) -> None:
        with reporting(self) as call:
            self.services.export_to_file(self.recording.id, fmt, path)
        if call.failed:
            return
        self.status.emit(f"Exported to {path}")

    def delete(self) -> None:
        if self.recording is None:
            return
        if confirm.ask(
            self,
            "Delete recording",
            f"Delete “{self.recording.title or 'Untitled recording'}”, its audio, transcript and "
            "summary? This cannot be undone.",
            "Delete",
        ):
            self.apply_delete()

    def offer_to_discard_silence(self) -> None:
        """A recording in which no speech was heard: say so, and let the user keep or discard it
        (dismissing the message keeps it)."""
        self.banner.show_message(SILENT_RECORDING, "info", action="Discard")

    def _banner_action(self) -> None:
        if self.banner.message() == SILENT_RECORDING and self.recording is not None:
            self.apply_delete()
            self.banner.hide()
            self.status.emit("Silent recording discarded")

    def apply_delete(self) -> None:
        recording_id = self.recording.id
        self.cancel_active()
        self.player.stop()
        self.player.set_source(None)
        with reporting(self) as call:
            self.services.delete_item(recording_id)
        if call.failed:
            return
        self.show_nothing()
        self.deleted.emit(recording_id)
        self.status.emit("Recording deleted")
