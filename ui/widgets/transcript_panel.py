"""The transcript side of a meeting's page: its title, the progress of a transcription made
after the fact, the lines, and their speakers' menu (ui.widgets.speaker_menu)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.widgets.speaker_menu import SpeakerEditor
from ui.widgets.task_progress import TaskProgress
from ui.widgets.transcript_list import TranscriptList


class TranscriptPanel(QWidget):
    def __init__(self, services, banner, parent=None):
        super().__init__(parent)
        self.progress = TaskProgress("Transcription")
        self.transcript = TranscriptList("Transcript")
        self.speakers = SpeakerEditor(services, self.transcript, banner)
        title = QLabel("Transcript")
        title.setObjectName("sectionTitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.progress)
        layout.addWidget(self.transcript, 1)
