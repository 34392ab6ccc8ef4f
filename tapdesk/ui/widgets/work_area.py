"""The right-hand work area: banner, user card, then the form and the pass panel.

Form and pass sit side by side when both fit; with large text or a narrow window they stack
(the pass below the form) and the area scrolls rather than squeezing the card. The form's
column can hold more panels under it (:meth:`WorkArea.add_to_form_column`): the onboarding
checklist lives there, next to the pass it is about.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QBoxLayout, QFrame, QScrollArea, QVBoxLayout, QWidget

MARGINS = (6, 12, 12, 12)


class WorkArea(QScrollArea):
    def __init__(self, banner: QWidget, card: QWidget, form: QWidget, passes: QWidget) -> None:
        super().__init__()
        self._passes = passes
        self._form = QWidget()  # the form, and whatever joins it in its column
        self._form_column = QVBoxLayout(self._form)
        self._form_column.setContentsMargins(0, 0, 0, 0)
        self._form_column.setSpacing(12)
        self._form_column.addWidget(form, 1)
        self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.row.setSpacing(12)
        self.row.addWidget(self._form, 2)
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

    def add_to_form_column(self, widget: QWidget, stretch: int = 0) -> None:
        """A panel under the form, beside the pass (the onboarding checklist)."""
        self._form_column.addWidget(widget, stretch)

    def set_form_column_weight(self, weight: int) -> None:
        """Its share of the row against the pass's 3 (2: the form; 3: the wider checklist)."""
        self.row.setStretchFactor(self._form, weight)

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
