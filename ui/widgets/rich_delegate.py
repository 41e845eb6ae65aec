"""Paints a list item's rich text (HTML in RICH_TEXT_ROLE), wrapped to the view's width, in the
palette's colours (selected rows in the highlight colours)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

RICH_TEXT_ROLE = Qt.UserRole + 1
# What a selected row paints instead, when its colours would not read on the highlight (e.g. a
# speaker's coloured name): the same text, so the same height.
SELECTED_TEXT_ROLE = Qt.UserRole + 2
PADDING_X, PADDING_Y = 10, 7


class RichTextDelegate(QStyledItemDelegate):
    """Lays each text out once per width: list views ask for size hints very often."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._heights: dict[tuple[str, int], int] = {}
        self._documents: dict[tuple[str, int, str], QTextDocument] = {}

    def _document(self, option: QStyleOptionViewItem, html: str, width: int) -> QTextDocument:
        key = (html, width, option.font.key())
        document = self._documents.get(key)
        if document is not None:
            return document
        if len(self._documents) > 500:
            self._documents.clear()
        document = QTextDocument()
        self._documents[key] = document
        document.setDefaultFont(option.font)
        document.setDocumentMargin(0)
        document.setHtml(html)
        document.setTextWidth(max(50, width - 2 * PADDING_X))
        return document

    def paint(self, painter, option, index) -> None:
        html = index.data(RICH_TEXT_ROLE)
        if html is None:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        text, option.text = option.text, ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.CE_ItemViewItem, option, painter, option.widget)
        option.text = text
        selected = bool(option.state & QStyle.State_Selected)
        if selected and index.data(SELECTED_TEXT_ROLE) is not None:
            html = index.data(SELECTED_TEXT_ROLE)
        document = self._document(option, html, option.rect.width())
        context = QAbstractTextDocumentLayout.PaintContext()
        role = QPalette.HighlightedText if selected else QPalette.Text
        context.palette.setColor(QPalette.Text, option.palette.color(role))
        painter.save()
        painter.translate(option.rect.left() + PADDING_X, option.rect.top() + PADDING_Y)
        painter.setClipRect(QRectF(0, 0, option.rect.width() - PADDING_X, option.rect.height()))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        html = index.data(RICH_TEXT_ROLE)
        if html is None:
            return super().sizeHint(option, index)
        view = option.widget
        width = view.viewport().width() if view is not None else option.rect.width()
        key = (html, width)
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) > 4000:
                self._heights.clear()
            height = int(self._document(option, html, width).size().height()) + 2 * PADDING_Y
            self._heights[key] = height
        return QSize(width, height)
