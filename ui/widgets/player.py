"""A compact audio player (QtMultimedia) for a recording: play/pause, position, and seek.

The media player is made on first use: QtMultimedia's backend takes a moment to start and
talks to the sound server, which a window that never plays anything does not need."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from ui.format import clock


class AudioPlayer(QWidget):
    position_changed = Signal(float)  # seconds
    error = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.player = None
        self._source: Path | None = None
        self._pending_seek: float | None = None
        self.play_button = QPushButton("Play")
        self.play_button.setAccessibleName("Play recording")
        self.play_button.setToolTip("Play or pause (Space)")
        self.play_button.clicked.connect(self.toggle)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setAccessibleName("Playback position")
        self.slider.sliderMoved.connect(self._slider_moved)
        self.time = QLabel("0:00")
        self.time.setObjectName("muted")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.play_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.time)
        self.set_source(None)

    def _ensure_player(self):
        if self.player is None:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

            self.player = QMediaPlayer(self)
            self.output = QAudioOutput(self)
            self.player.setAudioOutput(self.output)
            self.player.positionChanged.connect(self._position)
            self.player.durationChanged.connect(self._duration)
            self.player.playbackStateChanged.connect(self._state)
            self.player.errorOccurred.connect(self._error)
            self.player.mediaStatusChanged.connect(self._status)
        if self._source is not None and self.player.source().isEmpty():
            self.player.setSource(QUrl.fromLocalFile(str(self._source)))
        return self.player

    def set_source(self, path: Path | None, duration: float | None = None) -> None:
        if self.player is not None:
            self.player.stop()
            self.player.setSource(QUrl())
        self._pending_seek = None
        available = path is not None and Path(path).is_file()
        self._source = Path(path) if available else None
        self.slider.setValue(0)
        self.slider.setRange(0, int((duration or 0) * 1000))
        self.time.setText(f"0:00 / {clock(duration)}" if duration else "0:00")
        self.setEnabled(available)
        self.setToolTip("" if available else "The audio file of this recording is not available.")

    @property
    def playing(self) -> bool:
        if self.player is None:
            return False
        from PySide6.QtMultimedia import QMediaPlayer

        return self.player.playbackState() == QMediaPlayer.PlayingState

    def toggle(self) -> None:
        if not self.isEnabled():
            return
        if self.playing:
            self.player.pause()
        else:
            self._ensure_player().play()

    def play_from(self, seconds: float) -> None:
        if not self.isEnabled():
            return
        from PySide6.QtMultimedia import QMediaPlayer

        player = self._ensure_player()
        if player.mediaStatus() in (QMediaPlayer.LoadedMedia, QMediaPlayer.BufferedMedia, QMediaPlayer.EndOfMedia):
            player.setPosition(int(seconds * 1000))
        else:
            self._pending_seek = seconds
        player.play()

    def stop(self) -> None:
        if self.player is not None:
            self.player.stop()

    def _slider_moved(self, ms: int) -> None:
        if self.isEnabled():
            self._ensure_player().setPosition(ms)

    def _status(self, status) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if self._pending_seek is not None and status in (QMediaPlayer.LoadedMedia, QMediaPlayer.BufferedMedia):
            self.player.setPosition(int(self._pending_seek * 1000))
            self._pending_seek = None

    def _position(self, ms: int) -> None:
        if not self.slider.isSliderDown():
            self.slider.setValue(ms)
        self.time.setText(f"{clock(ms / 1000)} / {clock(self.player.duration() / 1000)}")
        self.position_changed.emit(ms / 1000.0)

    def _duration(self, ms: int) -> None:
        if ms > 0:
            self.slider.setRange(0, ms)
            self.time.setText(f"{clock(self.player.position() / 1000)} / {clock(ms / 1000)}")

    def _state(self, _state) -> None:
        playing = self.playing
        self.play_button.setText("Pause" if playing else "Play")
        self.play_button.setAccessibleName("Pause playback" if playing else "Play recording")

    def _error(self, _error, message: str) -> None:
        self.error.emit(f"The recording cannot be played ({message or 'unknown error'}).")
