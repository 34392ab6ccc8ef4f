"""The audit trail for a date range: who issued, revoked, refused, confirmed, overrode or
completed what, and when.

Dates are the technician's local days (default: today); times are shown in local time and
exported in UTC (the CSV says so in its header). Reading and exporting run through the task
runner; a store error (locked, disk full, a folder that cannot be written) shows inline and
the dialog stays usable. Each time it is opened again it reads the records anew.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tapdesk.core.audit import AuditEvent, AuditKind
from tapdesk.core.text import one_line
from tapdesk.errors import TapdeskError
from tapdesk.ui import theme
from tapdesk.ui.operations import Operations
from tapdesk.ui.text import Label, plain_tip
from tapdesk.ui.theme import Tone
from tapdesk.ui.widgets.banner import Banner
from tapdesk.workflows.audit import day_range

PathChooser = Callable[[QWidget, Path], Path | None]
HEADERS = (
    "Time",
    "Technician",
    "Action",
    "Target",
    "Step",
    "Pass id",
    "Lifetime",
    "One-time",
    "Detail",
)
ACTIONS = {
    AuditKind.ISSUE: "Issued pass",
    AuditKind.REVOKE: "Revoked pass",
    AuditKind.REFUSE: "Refused",
    AuditKind.CONFIRM: "Confirmed step",
    AuditKind.OVERRIDE: "Overrode step",
    AuditKind.SKIP: "Skipped step",
    AuditKind.COMPLETE: "Completed",
    AuditKind.ABANDON: "Abandoned",
}
_TONES = {
    AuditKind.REFUSE: Tone.WARNING,
    AuditKind.OVERRIDE: Tone.WARNING,
    AuditKind.ABANDON: Tone.WARNING,
    AuditKind.CONFIRM: Tone.OK,
}
_ACTION = HEADERS.index("Action")
_MAX_WIDTH = 300  # a long UPN is elided; the tooltip has it whole
_PASS_ID_WIDTH = 170  # pass ids are for matching, rarely read whole: the tooltip has them


def choose_export_path(parent: QWidget, suggested: Path) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(
        parent, "Export the audit trail", str(suggested), "CSV files (*.csv)"
    )
    if not name:
        return None
    path = Path(name)
    return path if path.suffix else path.with_suffix(".csv")


def detail_text(event: AuditEvent) -> str:
    """The free text, then what only some records carry: a replacement's old pass, a refusal's
    code and Graph's request-id (columns of their own would not fit a 1024-px screen)."""
    parts = [
        event.detail,
        f"replaces {event.replaces_pass_id}" if event.replaces_pass_id else "",
        f"code {event.error_code}" if event.error_code else "",
        f"request-id {event.request_id}" if event.request_id else "",
    ]
    return " · ".join(part for part in parts if part)


def row_texts(event: AuditEvent) -> list[str]:
    once = "" if event.usable_once is None else ("yes" if event.usable_once else "no")
    texts = [
        event.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
        event.technician,
        ACTIONS.get(event.kind, event.kind.value),
        event.target_upn or event.target_id,
        event.step_id,
        event.pass_id,
        f"{event.lifetime_minutes} min" if event.lifetime_minutes is not None else "",
        once,
        detail_text(event),
    ]
    return [one_line(text) for text in texts]


class AuditDialog(QDialog):
    def __init__(
        self,
        ops: Operations,
        *,
        choose_path: PathChooser = choose_export_path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # The records of this tenant only (the CLI's --tenant all shows every tenant's).
        tenant = one_line(ops.backend.settings.tenant_name)
        self.setWindowTitle(
            f"tapdesk: audit trail · {tenant}" if tenant else "tapdesk: audit trail"
        )
        self.setAccessibleName("Audit trail")
        self.setSizeGripEnabled(True)
        self.resize(1000, 620)  # fits a 1024-px screen; the table scrolls sideways
        self._ops = ops
        self._clock = ops.clock
        self.choose_path = choose_path
        self.events: list[AuditEvent] = []
        self._build()
        today = self._opened_on = self._today()
        for edit in (self.from_date, self.to_date):
            edit.setDate(QDate(today.year, today.month, today.day))
        self.from_date.dateChanged.connect(self._on_dates)
        self.to_date.dateChanged.connect(self._on_dates)
        self.reload()
        self.table.setFocus()

    # -- construction ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.from_date = _date_edit("From")
        self.to_date = _date_edit("To")
        self.count = Label()
        self.count.setAccessibleName("Number of records")
        theme.mute(self.count)
        self.today_button = QPushButton("Today")
        self.today_button.setAccessibleName("Show today")
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setAccessibleName("Export to CSV")
        self.export_button.setToolTip("Save these records as a CSV file (times in UTC)")
        self.close_button = QPushButton("Close")
        self.close_button.setAccessibleName("Close")
        self.today_button.clicked.connect(self.show_today)
        self.export_button.clicked.connect(self.export)
        self.close_button.clicked.connect(self.close)
        title = Label("Audit trail")
        title.setFont(theme.scaled_font(self, 1.35, bold=True))
        zone = datetime.now().astimezone().strftime("%Z") or "local time"
        times = (
            "Times in UTC, here and in the CSV export."
            if zone == "UTC"
            else f"Times in {zone}; the CSV export is in UTC."
        )
        about = Label(
            "Every pass issued, refused and revoked, every confirmed, overridden or skipped step, "
            f"every completion. {times}"
        )
        about.setWordWrap(True)
        theme.mute(about)
        heading = QHBoxLayout()
        heading.setSpacing(12)
        heading.addWidget(title)
        heading.addWidget(about, 1)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        for text, edit in (("From", self.from_date), ("to", self.to_date)):
            label = Label(text)
            label.setBuddy(edit)
            bar.addWidget(label)
            bar.addWidget(edit)
        bar.addWidget(self.today_button)
        bar.addSpacing(12)
        bar.addWidget(self.count, 1)
        bar.addWidget(self.export_button)

        self.banner = Banner()
        self.export_note = Label()
        self.export_note.setAccessibleName("Export result")
        self.export_note.setWordWrap(True)
        self.export_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        theme.styled(
            self.export_note, lambda: f"color: {theme.css(theme.ink(theme.palette(), Tone.OK))};"
        )
        self.export_note.hide()

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setAccessibleName("Audit records")
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        rows = self.table.verticalHeader()
        rows.setDefaultSectionSize(rows.fontMetrics().height() + 10)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(heading)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.export_note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    # -- the range ------------------------------------------------------------------------------
    def _today(self) -> date:
        return self._clock.now().astimezone().date()

    def reopen(self) -> None:
        """Opened again: read anew, since records were written while it was closed; a range
        still on the day it was opened moves to today if the day has turned since."""
        today, opened_on = self._today(), self._opened_on
        self._opened_on = today
        if opened_on != today and self.range_dates() == (opened_on, opened_on):
            self.show_today()
        else:
            self.reload()

    def show_today(self) -> None:
        self.set_range(self._today(), self._today())

    def set_range(self, first: date, last: date) -> None:
        for edit, day in ((self.from_date, first), (self.to_date, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
        self.reload()

    def _on_dates(self) -> None:
        first, last = self.range_dates()
        if first > last:  # keep the range the right way round: the other end follows
            moved = self.sender()
            follow = self.to_date if moved is self.from_date else self.from_date
            follow.blockSignals(True)
            follow.setDate(
                self.from_date.date() if moved is self.from_date else self.to_date.date()
            )
            follow.blockSignals(False)
        self.reload()

    def range_dates(self) -> tuple[date, date]:
        return self.from_date.date().toPython(), self.to_date.date().toPython()  # type: ignore[return-value]

    # -- reading --------------------------------------------------------------------------------
    def reload(self) -> None:
        start, end = day_range(*self.range_dates())
        self.banner.dismiss()
        self.count.setText("Reading…")
        self._ops.audit_events(start, end, self._show, self._failed, channel="audit.read")

    def _show(self, events: list[AuditEvent]) -> None:
        self.events = events
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(events))
        self.table.horizontalHeader().setStretchLastSection(False)
        for row, event in enumerate(events):
            for column, text in enumerate(row_texts(event)):
                item = QTableWidgetItem(text)
                item.setToolTip(plain_tip(text) if len(text) > 24 else "")
                self.table.setItem(row, column, item)
        theme.follow_palette(self.table, self._colour_actions)
        self.table.resizeColumnsToContents()
        for column in range(self.table.columnCount() - 1):
            width = self.table.columnWidth(column) + 12
            cap = _PASS_ID_WIDTH if HEADERS[column] == "Pass id" else _MAX_WIDTH
            self.table.setColumnWidth(column, min(width, cap))
        self.table.horizontalHeader().setStretchLastSection(True)
        first, last = self.range_dates()
        span = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
        count = len(events)
        self.count.setText(f"{count} {'record' if count == 1 else 'records'}, {span}")
        self.export_button.setEnabled(True)

    def _colour_actions(self) -> None:
        """The Action column in its event's tone (issued, refused, revoked...)."""
        palette = theme.palette()
        for row, event in enumerate(self.events):
            tone = _TONES.get(event.kind)
            item = self.table.item(row, _ACTION)
            if tone is not None and item is not None:
                item.setForeground(theme.ink(palette, tone))

    def _failed(self, error: TapdeskError) -> None:
        self.count.setText("")
        self.banner.show_error(error)

    # -- export ---------------------------------------------------------------------------------
    def export(self) -> None:
        first, last = self.range_dates()
        span = first.isoformat() if first == last else f"{first.isoformat()}_{last.isoformat()}"
        target = self.choose_path(self, Path.home() / f"tapdesk-audit-{span}.csv")
        if target is None:
            return
        start, end = day_range(first, last)
        self.banner.dismiss()
        self.export_note.hide()
        self.export_button.setEnabled(False)
        self._ops.export_audit(
            start,
            end,
            target,
            lambda rows: self._exported(rows, target),
            self._export_failed,
            channel="audit.export",
        )

    def _exported(self, rows: int, target: Path) -> None:
        self.export_button.setEnabled(True)
        self.export_note.setText(
            f"✓ Exported {rows} {'record' if rows == 1 else 'records'} to {target}"
        )
        self.export_note.show()

    def _export_failed(self, error: TapdeskError) -> None:
        self.export_button.setEnabled(True)
        self.banner.show_error(error)


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setAccessibleName(f"{name} date")
    return edit
