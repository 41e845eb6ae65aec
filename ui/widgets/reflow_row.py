"""A heading beside its buttons when the view is wide enough, the buttons under the heading when
it is not: the row needs only the width of the wider of the two, so the window can shrink."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QBoxLayout, QWidget


class ReflowRow(QWidget):
    def __init__(self, lead: QWidget, trailing: QWidget, lead_width: int = 260, parent=None):
        """``lead_width``: the room the lead keeps beside the buttons before they move under it."""
        super().__init__(parent)
        self.lead, self.trailing, self.lead_width = lead, trailing, lead_width
        self.box = QBoxLayout(QBoxLayout.LeftToRight, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(10)
        self.box.addWidget(lead, 1)
        self.box.addWidget(trailing, 0, Qt.AlignTop)

    @property
    def stacked(self) -> bool:
        return self.box.direction() == QBoxLayout.TopToBottom

    def wide_enough(self, width: int) -> bool:
        needed = (
            max(self.lead_width, self.lead.minimumSizeHint().width())
            + self.box.spacing()
            + self.trailing.sizeHint().width()
        )
        return width >= needed

    def minimumSizeHint(self) -> QSize:
        lead, trailing = self.lead.minimumSizeHint(), self.trailing.minimumSizeHint()
        width = max(lead.width(), trailing.width())
        if self.stacked:
            return QSize(width, lead.height() + self.box.spacing() + trailing.height())
        return QSize(width, max(lead.height(), trailing.height()))

    def resizeEvent(self, event) -> None:
        direction = QBoxLayout.LeftToRight if self.wide_enough(event.size().width()) else QBoxLayout.TopToBottom
        if direction != self.box.direction():
            self.box.setDirection(direction)
            self.box.setAlignment(self.trailing, Qt.AlignTop if direction == QBoxLayout.LeftToRight else Qt.AlignLeft)
            self.updateGeometry()  # the height it needs changed
        super().resizeEvent(event)
