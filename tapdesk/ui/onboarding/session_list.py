"""The open sessions, under the search: several new hires at once, one click to switch."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from tapdesk.core.text import one_line
from tapdesk.ui import theme
from tapdesk.ui.onboarding.panel import STATUS_TEXT
from tapdesk.ui.text import Label, plain_tip
from tapdesk.workflows.onboarding import SessionSummary

_ICONS = {
    "waiting": "○",
    "pass issued": "◔",
    "Authenticator": "◑",
    "passkey": "◕",
    "done": "✓",
    "problem": "⚠",
}
ROLE_ID = Qt.ItemDataRole.UserRole


class SessionList(QWidget):
    session_chosen = Signal(str)  # session id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Sessions")
        self.heading = Label("Sessions")
        self.heading.setFont(theme.scaled_font(self, 1.15, bold=True))
        self.list = QListWidget()
        self.list.setAccessibleName("Sessions")
        self.list.setWordWrap(False)
        self.list.setSpacing(2)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemActivated.connect(self._chosen)
        self.list.itemClicked.connect(self._chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.heading)
        layout.addWidget(self.list)
        self._shown: tuple[list[SessionSummary], str | None] | None = None
        self.hide()

    def set_sessions(self, summaries: list[SessionSummary], current: str | None) -> None:
        """Open sessions first (oldest first), then finished ones."""
        # Asked after every change of any session (a poll's answer): rebuilt only on a change.
        if self._shown == (summaries, current):
            return
        self._shown = (list(summaries), current)
        ordered = sorted(summaries, key=lambda s: (s.closed, s.opened_at))
        self.list.blockSignals(True)
        self.list.clear()
        for summary in ordered:
            name = summary.display_name or summary.upn
            state = STATUS_TEXT[summary.status.value]
            if summary.closed and not summary.complete:
                state = "Closed"
            detail = summary.problem or (
                f"Now: {summary.active_step}" if summary.active_step else summary.flow_title
            )
            # Sessions are the tenant's: each says who started it (in full in the tooltip).
            started = f"Started by {summary.technician}" if summary.technician else ""
            by = f" · by {summary.technician.partition('@')[0]}" if summary.technician else ""
            item = QListWidgetItem(
                f"{_ICONS[summary.status.value]} {one_line(name)} · {state}\n"
                f"{one_line(detail)}{one_line(by)}"
            )
            item.setData(ROLE_ID, summary.session_id)
            lines = (summary.upn, f"{summary.flow_title}: {state}", started)
            item.setToolTip(plain_tip(*(line for line in lines if line)))
            self.list.addItem(item)
            if summary.session_id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        open_count = sum(not s.closed for s in summaries)
        self.heading.setText(f"Sessions ({open_count} open)")
        shown = min(max(self.list.count(), 1), 5)
        rows = sum(
            max(self.list.sizeHintForRow(i), 0) for i in range(min(self.list.count(), shown))
        )
        self.list.setFixedHeight(rows + 2 * self.list.frameWidth() + 4)
        self.setVisible(bool(summaries))

    def session_ids(self) -> list[str]:
        return [str(self.list.item(i).data(ROLE_ID)) for i in range(self.list.count())]

    def choose(self, session_id: str) -> None:
        for index, found in enumerate(self.session_ids()):
            if found == session_id:
                self._chosen(self.list.item(index))

    def _chosen(self, item: QListWidgetItem) -> None:
        self.session_chosen.emit(str(item.data(ROLE_ID)))
