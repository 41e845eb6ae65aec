"""A compact audio player (QtMultimedia) for a recording: play/pause, position, and seek.

The media player is made on first use: QtMultimedia's backend takes a moment to start and
talks to the sound server, which a window that never plays anything does not need.

Every call that changes the player's state (source, play, pause, stop, position) is queued
through Qt's meta-object system instead of made from Python. PySide holds the GIL through a
call into C++, and QtMultimedia's FFmpeg backend tears down its audio renderer on its own
thread, where destroying it asks PySide (and so the GIL) whether our QAudioOutput overrides a
virtual. A pause made from Python could then wait on a lock the renderer's thread holds while
that thread waits for the GIL: the window froze for good (caught in CI, and 1 in 16 runs of
the keyboard test here; gdb showed both threads). Queued, the call runs from the event loop,
which holds no GIL."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Q_ARG, QMetaObject, Qt, QUrl, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from ui.format import clock

NO_SOUND_OUTPUT = "This computer has no sound output, so the recording cannot be played."


def has_sound_output() -> bool:
    from PySide6.QtMultimedia import QMediaDevices

    return bool(QMediaDevices.audioOutputs())


class AudioPlayer(QWidget):
    position_changed = Signal(float)  # seconds
    error = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.player = None
        self._source: Path | None = None
        self._loaded: Path | None = None  # the file the player was last asked to load
        self._ready = False  # the player has _loaded open and can seek in it
        self._pending_seek: float | None = None
        self._requested_playing: bool | None = None  # asked for, not yet reported back
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

    def _queue(self, method: str, *args) -> None:
        """Run one of the media player's slots from the event loop (see the module's docstring)."""
        QMetaObject.invokeMethod(self.player, method, Qt.QueuedConnection, *args)

    def _ensure_player(self):
        """The media player, made on first use; None (and one clear message) when this computer
        has no sound output: QtMultimedia's FFmpeg backend, left with no device, crashed on its
        own thread when the player was destroyed (3 runs in 6 of the player's tests without a
        sound server)."""
        if self.player is None:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

            if not has_sound_output():
                self.error.emit(NO_SOUND_OUTPUT)
                return None

            self.player = QMediaPlayer(self)
            self.output = QAudioOutput(self)
            self.player.setAudioOutput(self.output)
            self.player.positionChanged.connect(self._position)
            self.player.durationChanged.connect(self._duration)
            self.player.playbackStateChanged.connect(self._state)
            self.player.errorOccurred.connect(self._error)
            self.player.mediaStatusChanged.connect(self._status)
        if self._source is not None and self._loaded != self._source:
            self._loaded = self._source
            self._ready = False
            self._queue("setSource", Q_ARG(QUrl, QUrl.fromLocalFile(str(self._source))))
        return self.player

    def set_source(self, path: Path | None, duration: float | None = None) -> None:
        if self.player is not None and self._loaded is not None:
            self._queue("stop")
            self._queue("setSource", Q_ARG(QUrl, QUrl()))
        self._loaded = None
        self._ready = False
        self._pending_seek = None
        self._requested_playing = None
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
        playing = self.playing if self._requested_playing is None else self._requested_playing
        if playing:
            self._pause()
        else:
            self._play()

    def play_from(self, seconds: float) -> None:
        if not self.isEnabled() or self._ensure_player() is None:  # no sound output: said once
            return
        self._seek(seconds)
        self._play()

    def stop(self) -> None:
        if self.player is not None:
            self._requested_playing = False
            self._queue("stop")

    def _play(self) -> None:
        if self._ensure_player() is None:
            return
        self._requested_playing = True
        self._queue("play")

    def _pause(self) -> None:
        if self.player is None:
            return
        self._requested_playing = False
        self._queue("pause")

    def _seek(self, seconds: float) -> None:
        if self._ensure_player() is None:
            return
        if self._ready:
            self._queue("setPosition", Q_ARG("qint64", int(seconds * 1000)))
        else:
            self._pending_seek = seconds

    def _slider_moved(self, ms: int) -> None:
        if self.isEnabled():
            self._seek(ms / 1000)

    def _status(self, status) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        open_statuses = (QMediaPlayer.LoadedMedia, QMediaPlayer.BufferedMedia, QMediaPlayer.EndOfMedia)
        current = self._loaded is not None and self.player.source() == QUrl.fromLocalFile(str(self._loaded))
        self._ready = current and status in open_statuses
        if self._ready and self._pending_seek is not None:
            self._queue("setPosition", Q_ARG("qint64", int(self._pending_seek * 1000)))
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
        self._requested_playing = None
        playing = self.playing
        self.play_button.setText("Pause" if playing else "Play")
        self.play_button.setAccessibleName("Pause playback" if playing else "Play recording")

    def _error(self, _error, message: str) -> None:
        self.error.emit(f"The recording cannot be played ({message or 'unknown error'}).")
