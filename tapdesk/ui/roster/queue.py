"""The queue: one row per person on the roster, with their status and what the pre-check found.

A row's status comes from today's session for that person (:func:`queue_status`), or
"problem" when the pre-check found something Entra would refuse and no session has started.
Once a session is under way Graph has accepted a pass, so the session's own state is the
fresher word and wins over an old pre-check objection.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

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
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


_TEXT_ROLES = frozenset({int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.AccessibleTextRole)})
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ANSWERED = _TEXT_ROLES | {_TOOLTIP, _FOREGROUND, int(SORT_ROLE)}


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


class QueueModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[QueueRow] = []
        self._by_line: dict[int, int] = {}
        self._sessions: dict[str, ChecklistSnapshot] = {}
        self._flows: dict[str, Flow] = {}
        self.signed_in = True

    # -- filling --------------------------------------------------------------------------------
    def set_entries(self, entries: tuple[RosterEntry, ...]) -> None:
        self.beginResetModel()
        # Kept in queue order, so the view shows it unsorted (sorting 200 rows through Qt's
        # proxy asks data() thousands of times); a header click sorts through the proxy.
        self._rows = sorted((QueueRow(entry) for entry in entries), key=start_key)
        self._by_line = {row.entry.line: n for n, row in enumerate(self._rows)}
        for row in self._rows:
            row.session = self._sessions.get(row.upn.lower())
            row.restate(self._flows)
        self.endResetModel()

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
        """Today's sessions (key: UPN in lower case); only rows that changed are repainted."""
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
        self.signed_in = signed_in
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Col.PRECHECK), self.index(len(self._rows) - 1, Col.PRECHECK)
            )

    def _changed(self, *rows: int) -> None:
        """One dataChanged per run of neighbouring rows, not one per row: today's sessions
        restate all 200 rows at once, and the view takes each signal on the GUI thread."""
        last = len(Col) - 1
        for first, end in _runs(sorted(set(rows))):
            self.dataChanged.emit(self.index(first, 0), self.index(end, last))

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

    # -- Qt -------------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Col)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Col(section)]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A paint asks each visible cell for some ten roles, four of them answered here: the
        # others return before anything is looked up (this runs thousands of times a paint).
        if role not in _ANSWERED or not index.isValid():
            return None
        row = self._rows[index.row()]
        col = Col(index.column())
        if role in _TEXT_ROLES:
            return one_line(self._text(row, col))  # roster cells may hold line breaks
        if role == _TOOLTIP:
            tip = self._tooltip(row, col)
            return plain_tip(*tip) if tip else None
        if role == _FOREGROUND:
            tone = self._tone(row, col)
            return theme.ink(theme.palette(), tone) if tone else None
        return self._sort_key(row, col)  # SORT_ROLE

    def _text(self, row: QueueRow, col: Col) -> str:
        entry = row.entry
        if col is Col.STATUS:
            return status_label(row.status)
        if col is Col.PRECHECK:
            most = worst(row.findings)
            return _mark(most) + row.precheck_text(self.signed_in)
        return {
            Col.START: row.start_text(),
            Col.NAME: row.name,
            Col.UPN: entry.upn,
            Col.DEVICE: entry.device,
            Col.NOTES: entry.notes,
        }[col]

    def _tooltip(self, row: QueueRow, col: Col) -> list[str]:
        if col is Col.PRECHECK and row.findings:
            lines = []
            for finding in row.findings:
                lines.append(f"• {finding.text}")
                if finding.hint:
                    lines.append(f"   {finding.hint}")
            return lines
        if col is Col.STATUS and row.session is not None:
            return [f"Session opened by {row.session.technician or 'unknown'}"]
        text = self._text(row, col)  # any cell may be cut: its whole text on hover
        return [text] if text else []

    @staticmethod
    def _tone(row: QueueRow, col: Col) -> Tone | None:
        if col is Col.STATUS:
            return STATUS_TONES.get(row.status)
        if col is Col.PRECHECK and row.precheck is not None:
            most = worst(row.findings)
            return theme.SEVERITY_TONES[most] if most and most is not Severity.INFO else Tone.OK
        return None

    def _sort_key(self, row: QueueRow, col: Col) -> Any:
        entry = row.entry
        if col is Col.START:
            return start_key(row)
        if col is Col.STATUS:
            return STATUS_ORDER.index(row.status) * 10_000_000 + entry.line
        return self._text(row, col).lower()


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
