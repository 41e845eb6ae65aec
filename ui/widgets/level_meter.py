"""A live input level meter drawn with the palette's colours."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget


class LevelMeter(QWidget):
    """set_level(rms 0..1, peak 0..1). Shown on a perceptual (square-root) scale."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Input level")
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self._level = 0.0
        self._peak = 0.0

    def sizeHint(self) -> QSize:
        return QSize(320, 14)

    def set_level(self, level: float, peak: float | None = None) -> None:
        level = max(0.0, min(1.0, level)) ** 0.5
        # fall back slowly, so the bar reads as a level, not a flicker
        self._level = level if level > self._level else self._level * 0.7 + level * 0.3
        self._peak = max((peak or level) ** 0.5 if peak is not None else level, self._peak * 0.95)
        self.setAccessibleDescription(f"{int(self._level * 100)} percent")
        self.update()

    def reset(self) -> None:
        self._level = self._peak = 0.0
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        palette = self.palette()
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        radius = rect.height() / 2
        groove = palette.color(QPalette.Mid)
        groove.setAlpha(70)
        painter.setPen(Qt.NoPen)
        painter.setBrush(groove)
        painter.drawRoundedRect(rect, radius, radius)
        if self._level > 0.001:
            fill = QColor("#2f9e44") if self._level < 0.85 else QColor("#e8590c")
            width = max(rect.height(), rect.width() * self._level)
            painter.setBrush(fill)
            painter.drawRoundedRect(QRectF(rect.left(), rect.top(), width, rect.height()), radius, radius)
        if self._peak > 0.01:
            x = rect.left() + rect.width() * min(1.0, self._peak)
            painter.setBrush(palette.color(QPalette.Text))
            painter.drawRect(QRectF(x - 1.5, rect.top() + 2, 3, rect.height() - 4))
        painter.end()
