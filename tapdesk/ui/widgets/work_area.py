"""The right-hand work area: banner, user card, then the form and the pass panel.

Form and pass sit side by side when both fit; with large text or a narrow window they stack
(the pass below the form) and the area scrolls rather than squeezing the card.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QBoxLayout, QFrame, QScrollArea, QVBoxLayout, QWidget

MARGINS = (6, 12, 12, 12)


class WorkArea(QScrollArea):
    def __init__(self, banner: QWidget, card: QWidget, form: QWidget, passes: QWidget) -> None:
        super().__init__()
        self._form = form
        self._passes = passes
        self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.row.setSpacing(12)
        self.row.addWidget(form, 2)
        self.row.addWidget(passes, 3)
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(*MARGINS)
        column.setSpacing(12)
        column.addWidget(banner)
        column.addWidget(card)
        column.addLayout(self.row, 1)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().installEventFilter(self)
        content.installEventFilter(self)

    @property
    def stacked(self) -> bool:
        return self.row.direction() is QBoxLayout.Direction.TopToBottom

    def reveal(self, widget: QWidget) -> None:
        self.ensureWidgetVisible(widget, 0, 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if (watched is self.viewport() and kind == QEvent.Type.Resize) or (
            watched is self.widget() and kind == QEvent.Type.LayoutRequest
        ):
            self._fit(self.viewport().width())
        return super().eventFilter(watched, event)

    def _fit(self, available: int) -> None:
        needed = (
            self._form.minimumSizeHint().width()
            + self._passes.minimumSizeHint().width()
            + self.row.spacing()
            + MARGINS[0]
            + MARGINS[2]
        )
        wanted = (
            QBoxLayout.Direction.LeftToRight
            if needed <= available
            else QBoxLayout.Direction.TopToBottom
        )
        if self.row.direction() != wanted:
            self.row.setDirection(wanted)
