""" "Before you start": a flow's preconditions and its caveats, above the steps.

Open until the pass is issued (that is when they matter), folded after it; one click on the
heading opens or folds it, and that choice holds until the session or its pass changes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton, QVBoxLayout, QWidget

from tapdesk.core.flow_text import TextFacts, render
from tapdesk.core.flows import Flow
from tapdesk.ui import theme
from tapdesk.ui.onboarding.sources import Marked, Marker, SourcedLabel

HEADING = "Before you start"


def before_marked(flow: Flow, facts: TextFacts) -> Marked:
    """Preconditions (•) then the flow's caveats (⚠), in one label's markup."""
    marker = Marker()
    lines = marker.lines(render(flow.preconditions, facts), "• ")
    lines += marker.lines(render(flow.caveats, facts), "⚠ ")
    return marker.done("<br>".join(lines)) if lines else Marked()


class BeforeYouStart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(HEADING)
        self.toggle = QToolButton()
        self.toggle.setText(HEADING)
        self.toggle.setAccessibleName(HEADING)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.clicked.connect(self._flip)
        self.text = SourcedLabel()
        self.text.setAccessibleName(HEADING)
        self._opened: bool | None = None  # the technician's choice; None: follow the pass
        self._issued = False
        self._key: tuple[str, bool] | None = None  # (session, issued) the choice was made for
        self._shown: tuple[Flow, TextFacts] | None = None
        # Kept hidden while the checklist is drawn a part per turn (ChecklistPanel._reveal):
        # showing rich text lays it out at once.
        self._held = False
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.text)
        theme.follow_palette(self, self._style)
        self.hide()

    @property
    def opened(self) -> bool:
        return not self.text.isHidden()

    def show_flow(self, session_id: str, flow: Flow, facts: TextFacts, *, issued: bool) -> None:
        if (session_id, issued) != self._key:
            self._key, self._opened = (session_id, issued), None
        self._issued = issued
        shown = self._shown
        # The flow by identity: comparing two flows field by field on every refresh is waste.
        if shown is None or shown[0] is not flow or shown[1] != facts:
            self._shown = (flow, facts)
            self.text.show_marked(before_marked(flow, facts))
        self.setVisible(bool(self.text.marked.html) and not self._held)
        self._show_body()

    def hold(self) -> None:
        """Stay hidden until :meth:`release` (the text is still kept up to date)."""
        self._held = True
        self.hide()

    def measure(self) -> None:
        """Lay the notes out while held (QLabel keeps their size until the text changes)."""
        self.text.ensurePolished()
        self.text.sizeHint()

    def release(self) -> None:
        self._held = False
        self.setVisible(bool(self.text.marked.html))

    def _flip(self) -> None:
        self._opened = not self.opened
        self._show_body()

    def _show_body(self) -> None:
        opened = not self._issued if self._opened is None else self._opened
        self.text.setVisible(opened)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if opened else Qt.ArrowType.RightArrow)
        self.toggle.setToolTip("Fold these notes" if opened else "Show what to check first")

    def _style(self) -> None:
        self.toggle.setFont(theme.scaled_font(self, 1.0, bold=True))
        self.text.setFont(theme.scaled_font(self, 0.95))
        if self._shown is not None:  # the marks' colour is in the markup
            flow, facts = self._shown
            self.text.show_marked(before_marked(flow, facts))
