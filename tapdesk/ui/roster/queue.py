"""The queue: one row per person on the roster, with their status and what the pre-check found.

A row's status comes from today's session for that person (:func:`queue_status`), or
"problem" when the pre-check found something Entra would refuse and no session has started.
Once a session is under way Graph has accepted a pass, so the session's own state is the
fresher word and wins over an old pre-check objection.

The cells are worked out when their row changes and kept in Qt's own items: a paint of the
table then reads them in C++. Answering a paint from Python took some three thousand calls per
paint (``data``, ``rowCount``, ``columnCount``), each taking the GIL back from the pre-check's
workers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QHelpEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QStyledItemDelegate, QStyleOptionViewItem, QToolTip

from tapdesk.core.checklist import ChecklistSnapshot
from tapdesk.core.flows import Flow
from tapdesk.core.readiness import Finding, Severity, summary, worst
from tapdesk.core.roster import RosterEntry, RosterStatus, queue_status
from tapdesk.core.text import one_line
from tapdesk.ui import theme
from tapdesk.ui.text import plain_tip
from tapdesk.ui.theme import Tone
from tapdesk.workflows.precheck import Precheck

_Index = QModelIndex | QPersistentModelIndex
# Rows whose cells are written in one turn (some 4 ms): more than a full-height table shows, so
# a roster of 200 paints its top at once and fills the rest in the next turns.
ROWS_PER_TURN = 60
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


_DISPLAY = int(Qt.ItemDataRole.DisplayRole)  # a screen reader reads it too (Qt falls back)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_SORT = int(SORT_ROLE)
# Read-only cells, as a table model's are (a standard item is editable and draggable).
_FLAGS = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren


class Col(IntEnum):
    START = 0
    NAME = 1
    UPN = 2
    DEVICE = 3
    STATUS = 4
    PRECHECK = 5
    NOTES = 6


HEADERS = {
    Col.START: "Start",
    Col.NAME: "Name",
    Col.UPN: "Sign-in name (UPN)",
    Col.DEVICE: "Device",
    Col.STATUS: "Status",
    Col.PRECHECK: "Pre-check",
    Col.NOTES: "Notes",
}
STATUS_ORDER = list(RosterStatus)
STATUS_TONES = {
    RosterStatus.PASS_ISSUED: Tone.INFO,
    RosterStatus.AUTHENTICATOR: Tone.INFO,
    RosterStatus.PASSKEY: Tone.OK,
    RosterStatus.DONE: Tone.OK,
    RosterStatus.PROBLEM: Tone.ERROR,
}


def status_label(status: RosterStatus) -> str:
    return status.value[:1].upper() + status.value[1:]


@dataclass
class QueueRow:
    entry: RosterEntry
    precheck: Precheck | None = None
    checking: bool = False
    session: ChecklistSnapshot | None = None
    status: RosterStatus = RosterStatus.WAITING
    order: str = ""  # the sort key of the start column, computed once (sorting asks often)

    def __post_init__(self) -> None:
        entry = self.entry
        day = entry.start_date.isoformat() if entry.start_date else "9999-12-31"
        clock = entry.start_time.strftime("%H:%M:%S") if entry.start_time else "99"
        self.order = f"{day} {clock} {entry.line:07d}"

    @property
    def upn(self) -> str:
        return self.entry.upn

    @property
    def name(self) -> str:
        user = self.precheck.user if self.precheck else None
        return self.entry.name or (user.display_name if user else "")

    def restate(self, flows: dict[str, Flow]) -> bool:
        """Recompute the status; True when it changed."""
        objection = self.precheck is not None and self.precheck.problem and self.session is None
        flow = flows.get(self.session.flow_id) if self.session else None
        status = queue_status(self.session, flow, problem=objection)
        changed = status is not self.status
        self.status = status
        return changed

    @property
    def findings(self) -> tuple[Finding, ...]:
        """What the pre-check found, less what the session has made stale (its own pass)."""
        if self.precheck is None:
            return ()
        facts = self.session.pass_facts if self.session else None
        return self.precheck.about_own_pass(facts.id) if facts else self.precheck.findings

    def precheck_text(self, signed_in: bool = True) -> str:
        if self.precheck is not None:
            return summary(self.findings)
        if self.checking:
            return "Checking…"
        return "Not checked yet" if signed_in else "Sign in to check"

    def start_text(self) -> str:
        entry = self.entry
        parts = []
        if entry.start_date is not None:
            parts.append(entry.start_date.isoformat())
        if entry.start_time is not None:
            parts.append(entry.start_time.strftime("%H:%M"))
        return " ".join(parts)


def start_key(row: QueueRow) -> str:
    """Queue order: by start, people without a start time last, then by line."""
    return row.order


class QueueModel(QStandardItemModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(0, len(Col), parent)
        self.setHorizontalHeaderLabels([HEADERS[col] for col in Col])
        prototype = QStandardItem()
        prototype.setFlags(_FLAGS)
        self.setItemPrototype(prototype)  # the cells Qt makes as they are first written
        self._rows: list[QueueRow] = []
        self._by_line: dict[int, int] = {}
        self._sessions: dict[str, ChecklistSnapshot] = {}
        self._flows: dict[str, Flow] = {}
        self.signed_in = True
        self._unwritten: set[int] = set()  # rows whose cells wait for a later turn
        self._more = QTimer(self)
        self._more.setSingleShot(True)
        self._more.setInterval(0)
        self._more.timeout.connect(self._write_more)

    # -- filling --------------------------------------------------------------------------------
    def set_entries(self, entries: tuple[RosterEntry, ...]) -> None:
        # Kept in queue order, so the view shows it unsorted (sorting 200 rows through Qt's
        # proxy asks for the sort keys thousands of times); a header click sorts through it.
        rows = sorted((QueueRow(entry) for entry in entries), key=start_key)
        for row in rows:
            row.session = self._sessions.get(row.upn.lower())
            row.restate(self._flows)
        self.beginResetModel()
        blocked = self.blockSignals(True)  # one reset, not a signal per row made
        try:
            self.setRowCount(0)
            self._rows = rows
            self._by_line = {row.entry.line: n for n, row in enumerate(rows)}
            self.setRowCount(len(rows))
        finally:
            self.blockSignals(blocked)
        self.endResetModel()
        self._unwritten.clear()  # row numbers waiting from the roster before mean nothing now
        self._changed(*range(len(rows)))

    def set_checking(self, lines: set[int]) -> None:
        changed = []
        for line in lines:
            n = self._by_line.get(line)
            if n is not None:
                self._rows[n].checking = True
                changed.append(n)
        self._changed(*changed)

    def clear_checking(self) -> None:
        """The pre-check stopped: rows it had started and not answered are "not checked"."""
        changed = []
        for n, row in enumerate(self._rows):
            if row.checking:
                row.checking = False
                changed.append(n)
        self._changed(*changed)

    def set_precheck(self, line: int, result: Precheck | None) -> None:
        n = self._by_line.get(line)
        if n is None:
            return
        row = self._rows[n]
        row.precheck, row.checking = result, False
        row.restate(self._flows)
        self._changed(n)

    def set_sessions(self, by_upn: dict[str, ChecklistSnapshot], flows: dict[str, Flow]) -> None:
        """Today's sessions (key: UPN in lower case); only rows that changed are rewritten."""
        self._sessions, self._flows = by_upn, flows
        changed = []
        for n, row in enumerate(self._rows):
            session = by_upn.get(row.upn.lower())
            before = row.session
            row.session = session
            if row.restate(flows) or session != before:
                changed.append(n)
        self._changed(*changed)

    def set_signed_in(self, signed_in: bool) -> None:
        if signed_in != self.signed_in:  # "Sign in to check" or "Not checked yet"
            self.signed_in = signed_in
            self._changed(*(n for n, row in enumerate(self._rows) if row.precheck is None))

    def recolour(self) -> None:
        """The palette changed: every row's tones again."""
        self._changed(*range(len(self._rows)))

    def _changed(self, *rows: int) -> None:
        """Rewrite ``rows``: up to :data:`ROWS_PER_TURN` now, the rest in the turns after. Only
        these: a slot that changes a row (a pre-check sent or answered) is not made to pay
        for a backlog too."""
        ordered = sorted(set(rows))  # the top of the queue first
        self._unwritten.update(ordered[ROWS_PER_TURN:])
        self._write_rows(ordered[:ROWS_PER_TURN])

    def _write_more(self) -> None:
        self._write_rows(sorted(self._unwritten)[:ROWS_PER_TURN])

    def _write_rows(self, rows: list[int]) -> None:
        """One dataChanged per run of neighbouring rows written, not one per cell: today's
        sessions restate all 200 rows at once, and the view takes each signal."""
        self._unwritten.difference_update(rows)
        last = len(Col) - 1
        for first, end in _runs(rows):
            blocked = self.blockSignals(True)
            try:
                self._write(range(first, end + 1))
            finally:
                self.blockSignals(blocked)
            self.dataChanged.emit(self.index(first, 0), self.index(end, last))
        if self._unwritten:
            self._more.start()

    def _write(self, numbers: range) -> None:
        inks: dict[Tone, QColor] = {}  # one colour per tone, from the palette of the moment
        for n in numbers:
            row = self._rows[n]
            for col in Col:
                self.setItemData(self.index(n, col), self._cell(row, col, inks))

    def _cell(self, row: QueueRow, col: Col, inks: dict[Tone, QColor]) -> dict[int, Any]:
        text = one_line(self._text(row, col))  # roster cells may hold line breaks
        tone = self._tone(row, col)
        if tone is not None and tone not in inks:
            inks[tone] = theme.ink(theme.palette(), tone)
        return {  # None clears a role the cell had
            _DISPLAY: text,
            _FOREGROUND: inks[tone] if tone is not None else None,
            _SORT: self._sort_key(row, col, text),
        }

    # -- reading --------------------------------------------------------------------------------
    @property
    def rows(self) -> list[QueueRow]:
        return self._rows

    def row(self, n: int) -> QueueRow:
        return self._rows[n]

    def counts(self) -> Counter[RosterStatus]:
        return Counter(row.status for row in self._rows)

    def unchecked_lines(self) -> list[int]:
        """Rows to check after a sign-in: never checked, or stopped by the expired one."""
        return [
            r.entry.line
            for r in self._rows
            if not r.checking and (r.precheck is None or r.precheck.needs_sign_in)
        ]

    def tooltip(self, n: int, col: int) -> str:
        """The tooltip of row ``n``'s cell, plain text, worked out when the pointer rests on it
        (the table asks :class:`QueueTips`): the findings, who opened the session, or the cell's
        whole text, which the column may cut."""
        row = self._rows[n]
        lines = []
        if col == Col.PRECHECK and row.findings:
            for finding in row.findings:
                lines.append(f"• {finding.text}")
                if finding.hint:
                    lines.append(f"   {finding.hint}")
        elif col == Col.STATUS and row.session is not None:
            lines.append(f"Session opened by {row.session.technician or 'unknown'}")
        else:
            lines.append(self._text(row, Col(col)))
        return plain_tip(*lines)

    # -- the cells ------------------------------------------------------------------------------
    def _text(self, row: QueueRow, col: Col) -> str:
        if col is Col.START:
            return row.start_text()
        if col is Col.NAME:
            return row.name
        if col is Col.UPN:
            return row.entry.upn
        if col is Col.DEVICE:
            return row.entry.device
        if col is Col.STATUS:
            return status_label(row.status)
        if col is Col.PRECHECK:
            return _mark(worst(row.findings)) + row.precheck_text(self.signed_in)
        return row.entry.notes

    @staticmethod
    def _tone(row: QueueRow, col: Col) -> Tone | None:
        if col is Col.STATUS:
            return STATUS_TONES.get(row.status)
        if col is Col.PRECHECK and row.precheck is not None:
            most = worst(row.findings)
            return theme.SEVERITY_TONES[most] if most and most is not Severity.INFO else Tone.OK
        return None

    @staticmethod
    def _sort_key(row: QueueRow, col: Col, text: str) -> Any:
        if col is Col.START:
            return start_key(row)
        if col is Col.STATUS:
            return STATUS_ORDER.index(row.status) * 10_000_000 + row.entry.line
        return text.lower()


class QueueFilter(QSortFilterProxyModel):
    """Status filter and the search box (every word in name, UPN, device or notes; the name
    Graph gave when the roster had none)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._status: RosterStatus | None = None
        self._query = ""
        self.setSortRole(SORT_ROLE)

    def set_status(self, status: RosterStatus | None) -> None:
        self.beginFilterChange()
        self._status = status
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._query = text
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @property
    def status(self) -> RosterStatus | None:
        return self._status

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, QueueModel):
            return True
        row = model.row(source_row)
        if self._status is not None and row.status is not self._status:
            return False
        return row.entry.matches(self._query, row.name)


class QueueTips(QStyledItemDelegate):
    """The queue's tooltips, asked of the model when the pointer rests on a cell: worked out for
    every cell of 200 rows whenever they change, they would cost more than all the rest.

    The view's own hook for them (a delegate's help event) paints as Qt's delegate does; a filter
    on the viewport would call Python for every event there, and binding the viewport's private
    class makes PySide bind some fifty more.
    """

    def __init__(self, model: QueueModel, proxy: QueueFilter) -> None:
        super().__init__(proxy)
        self._model = model
        self._proxy = proxy

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: _Index,
    ) -> bool:
        if event.type() != QEvent.Type.ToolTip or not index.isValid():
            return super().helpEvent(event, view, option, index)
        source = self._proxy.mapToSource(index)
        text = self._model.tooltip(source.row(), source.column())
        if text:
            QToolTip.showText(event.globalPos(), text, view, option.rect)
        else:
            QToolTip.hideText()
        return True


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for n in rows:
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def _mark(most: Severity | None) -> str:
    """The worst finding's icon before the text; notes alone get none (the row is ready)."""
    if most is None or most is Severity.INFO:
        return ""
    return theme.ICONS[theme.SEVERITY_TONES[most]] + " "
