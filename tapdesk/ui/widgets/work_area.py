"""The right-hand work area, built around the pass.

On top, fixed: the banner (app-wide problems) and a strip naming the user being worked on.
Below, side by side: the tasks (the user card, the issue form and the checklist under it),
which scroll in their own area, and the pass panel, which never scrolls. Whatever the window's
size and however far the checklist is scrolled, the pass, its QR code and its countdown stay in
view (issue 14). The pass column's width comes from the window's width, never from what the
panel shows, so a ticking countdown cannot move the page.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QFrame, QScrollArea, QSplitter, QVBoxLayout, QWidget

MARGINS = (6, 8, 12, 8)
PASS_SHARE = {2: 0.5, 3: 0.45}  # the pass column's share beside the form (2) or checklist (3)
EMPTY_SHARE = 0.3  # with no pass on show, the tasks get most of the room
PASS_MAX = 760
FOCUS_MARGIN = 12  # room Tab leaves round the widget it scrolls to: its focus ring, some air


class WorkArea(QWidget):
    def __init__(
        self, banner: QWidget, strip: QWidget, card: QWidget, form: QWidget, passes: QWidget
    ) -> None:
        super().__init__()
        self._passes = passes
        self._weight = 2
        self._empty = True
        self._pass_least = 0  # the pass panel's least width when the columns were last set
        passes.installEventFilter(self)  # its least width changes with what it shows
        self._form_column = QVBoxLayout()
        self._form_column.setContentsMargins(0, 0, 0, 0)
        self._form_column.setSpacing(12)
        self._form_column.addWidget(form, 1)
        content = QWidget()
        content.setObjectName("tasks")
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 6, 0)
        column.setSpacing(12)
        column.addWidget(card)
        column.addLayout(self._form_column, 1)
        self._content = content
        self.tasks = QScrollArea()
        self.tasks.setAccessibleName("Tasks")
        self.tasks.setWidget(content)
        self.tasks.setWidgetResizable(True)
        self.tasks.setFrameShape(QFrame.Shape.NoFrame)
        self.tasks.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tasks)
        self.splitter.addWidget(passes)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(*MARGINS)
        outer.setSpacing(8)
        outer.addWidget(banner)
        outer.addWidget(strip)
        outer.addWidget(self.splitter, 1)

    def add_to_form_column(self, widget: QWidget, stretch: int = 0) -> None:
        """A panel under the form, in the scrolling tasks (the onboarding checklist)."""
        self._form_column.addWidget(widget, stretch)

    def set_form_column_weight(self, weight: int) -> None:
        """2: the form is beside the pass; 3: the wider checklist is, and gets more room."""
        if weight != self._weight:
            self._weight = weight
            self._fit()

    def set_pass_empty(self, empty: bool) -> None:
        """Whether the pass column has nothing on show; it widens when a pass appears."""
        if empty != self._empty:
            self._empty = empty
            # After the panel's own layout has taken the change: its least width changes too.
            QTimer.singleShot(0, self, self._fit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._passes
            and event.type() == QEvent.Type.LayoutRequest
            and self._passes.minimumSizeHint().width() != self._pass_least
        ):
            QTimer.singleShot(0, self, self._fit)  # after the panel's layout has taken it
        return False

    def reveal(self, widget: QWidget) -> None:
        """Scroll the tasks to ``widget``; the pass column is always in view already."""
        if self._content.isAncestorOf(widget):
            self.tasks.ensureWidgetVisible(widget, 0, 24)

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab from a widget in the work area. A task it lands on is scrolled into view, only
        as far as it needs (QScrollArea's own reveal then finds it in view: no 50 px jump)."""
        moved = super().focusNextPrevChild(next)
        widget = QApplication.focusWidget()
        if moved and widget is not None and self._content.isAncestorOf(widget):
            self.tasks.ensureWidgetVisible(widget, 0, FOCUS_MARGIN)
        return moved

    def shows_whole(self, widget: QWidget) -> bool:
        """Whether a task widget lies wholly inside the scrolled view (by geometry: an overlay
        such as the focus ring does not count as hiding it)."""
        viewport = self.tasks.viewport()
        if not widget.isVisible() or not self._content.isAncestorOf(widget):
            return False
        place = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
        return viewport.rect().contains(place)

    def to_top(self) -> None:
        self.tasks.verticalScrollBar().setValue(0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        total = self.splitter.width() - self.splitter.handleWidth()
        if total <= 0:
            return
        share = EMPTY_SHARE if self._empty else PASS_SHARE.get(self._weight, PASS_SHARE[2])
        least = self._passes.minimumSizeHint().width()
        self._pass_least = least
        # The tasks keep at least what they need not to be cut; the pass keeps its least.
        tasks_least = (
            self._content.minimumSizeHint().width()
            + self.tasks.verticalScrollBar().sizeHint().width()
            + 2 * self.tasks.frameWidth()
        )
        wanted = min(PASS_MAX, round(total * share), max(least, total - tasks_least))
        wanted = max(least, wanted)
        self.splitter.setSizes([max(0, total - wanted), wanted])
