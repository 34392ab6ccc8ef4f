"""A small busy indicator that sits next to the control that waits."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from tapdesk.ui.text import plain_tip


class Spinner(QWidget):
    """A turning arc in the palette's highlight colour; keeps its space when idle."""

    def __init__(
        self, parent: QWidget | None = None, *, size: int = 18, name: str = "Working"
    ) -> None:
        super().__init__(parent)
        self._size = size
        self._angle = 0
        self._timer = QTimer(self)
        self._timer.setInterval(60)
        self._timer.timeout.connect(self._advance)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(name)
        self.setToolTip(plain_tip(name + "…"))
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.hide()

    def sizeHint(self) -> QSize:
        return QSize(self._size, self._size)

    @property
    def spinning(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        self.show()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self.hide()

    def _advance(self) -> None:
        self._angle = (self._angle + 30) % 360
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            width = max(2.0, self._size / 8)
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), width)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            inset = width
            rect = QRectF(inset, inset, self.width() - 2 * inset, self.height() - 2 * inset)
            painter.drawArc(rect, -self._angle * 16, 270 * 16)
        finally:
            painter.end()
