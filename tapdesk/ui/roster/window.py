"""The new-hire-day window: import the roster, see who is ready, open the next person.

- Import a CSV (Ctrl+O, or drop the file on the window). Rows that cannot be read are listed
  by line in the problems panel; every good row is queued.
- Every person is pre-checked in the background (:mod:`.prechecker`), earliest start first,
  with a progress bar; what the pre-check finds is in the queue and, for problems, in the
  panel too, so the technician can copy one list for HR.
- The status column follows today's onboarding sessions in the store, refreshed when the main
  window reports a change (and whenever this window is activated).
- Filter by status, search by name, UPN, device or notes; Open (Enter, double-click) brings
  the person into the main window.

Everything slow (reading the file, Graph, the store) runs through a :class:`TaskRunner`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tapdesk.core.models import TapPolicy
from tapdesk.core.roster import Roster, RosterStatus
from tapdesk.core.text import one_line
from tapdesk.errors import TapdeskError
from tapdesk.ui import theme
from tapdesk.ui.operations import Operations
from tapdesk.ui.roster.link import RosterLink
from tapdesk.ui.roster.prechecker import PrecheckQueue
from tapdesk.ui.roster.queue import (
    Col,
    QueueFilter,
    QueueModel,
    QueueRow,
    QueueTips,
    start_key,
    status_label,
)
from tapdesk.ui.tasks import TaskRunner
from tapdesk.ui.text import Label, RichLabel
from tapdesk.ui.theme import Tone
from tapdesk.ui.widgets.banner import Banner
from tapdesk.workflows.day import DaySessions
from tapdesk.workflows.precheck import Precheck

if TYPE_CHECKING:
    pass

FileChooser = Callable[[QWidget], Path | None]
REFRESH_MS = 150  # coalesce 200 pre-check answers into a few repaints of the counts and panel
START_SAMPLE = "2026-12-31 23:59"  # the longest start the queue shows (date and time)
_COLUMN_WIDTHS = {  # the pre-check column takes what is left
    Col.START: 70,
    Col.NAME: 150,
    Col.UPN: 260,
    Col.DEVICE: 90,
    Col.STATUS: 105,
    Col.NOTES: 140,
}


def choose_roster_file(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(
        parent,
        "Import the new-hire roster",
        str(Path.home()),
        "Roster (*.csv *.txt);;All files (*)",
    )
    return Path(name) if name else None


def local_day(now: datetime) -> tuple[datetime, datetime]:
    """Today in the technician's time zone, as an aware [start, end)."""
    day = now.astimezone().date()
    start = datetime.combine(day, time(0, 0)).astimezone()
    return start, datetime.combine(day + timedelta(days=1), time(0, 0)).astimezone()


class RosterWindow(QMainWindow):
    def __init__(
        self,
        link: RosterLink,
        *,
        runner: TaskRunner | None = None,
        choose_file: FileChooser = choose_roster_file,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setWindowTitle("tapdesk: new-hire day")
        self.setAccessibleName("New-hire day")
        self.setAcceptDrops(True)
        self.resize(1200, 760)
        self.link = link
        self.runner = runner or TaskRunner(parent=self)  # its own pool: see prechecker.py
        self.ops = Operations(link.ops.backend, self.runner, link.clock)
        self.choose_file = choose_file
        self.roster: Roster | None = None
        self.file_name = ""
        self._policy: TapPolicy | None = None
        self.queue = PrecheckQueue(self.ops, parent=self)
        self.model = QueueModel(self)
        self.proxy = QueueFilter(self)
        self.proxy.setSourceModel(self.model)
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self.update_summary)
        self._progress: tuple[int, int] | None = None  # the pre-check's, not yet on the bar
        self._build()
        self._connect()
        self.update_summary()

    # -- construction ---------------------------------------------------------------------------
    def _build(self) -> None:
        title = Label("New-hire day")
        title.setFont(theme.scaled_font(self, 1.35, bold=True))
        self.file_label = Label("No roster yet")
        self.file_label.setAccessibleName("Roster file")
        theme.mute(self.file_label)
        self.import_button = QPushButton("Import CSV…")
        self.import_button.setAccessibleName("Import roster CSV")
        self.import_button.setToolTip("Choose the roster file (Ctrl+O), or drop it on this window")
        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(title)
        top.addWidget(self.file_label, 1)
        top.addWidget(self.import_button)

        self.banner = Banner()
        self.stack = QStackedWidget()
        self.stack.addWidget(self._empty_page())
        self.stack.addWidget(self._queue_page())

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.summary = Label()
        self.summary.setAccessibleName("Queue summary")
        self.summary.setIndent(14)
        self.statusBar().addWidget(self.summary, 1)

    def _empty_page(self) -> QWidget:
        page = QWidget()
        hint = RichLabel(
            "<p style='font-size:large'><b>Drop the roster CSV here</b>, or choose "
            "<b>Import CSV…</b></p>"
            "<p>One column holds the sign-in name: <i>UPN</i>, <i>User Principal Name</i>, "
            "<i>Email</i>…<br>Optional: <i>Name</i>, <i>Start</i>, <i>Device</i>, <i>Notes</i>. "
            "Comma, semicolon or tab; UTF-8 with or without BOM.</p>"
        )
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        hint.setAccessibleName("How to import a roster")
        self.empty_hint = hint
        zone = QFrame()
        zone.setObjectName("dropZone")
        theme.styled(
            zone,
            lambda: (
                f"#dropZone {{ border: 2px dashed {theme.css(theme.muted(theme.palette()))};"
                " border-radius: 10px; }"
                "#dropZone QLabel { border: none; }"
            ),
        )
        inner = QVBoxLayout(zone)
        inner.setContentsMargins(32, 48, 32, 48)
        inner.addWidget(hint)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.addStretch(1)
        layout.addWidget(zone)
        layout.addStretch(2)
        return page

    def _queue_page(self) -> QWidget:
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName("Show status")
        self.status_filter.addItem("Everyone", "")
        for status in RosterStatus:  # item data is plain text: Qt stores a str enum as str
            self.status_filter.addItem(status_label(status), status.value)
        self.status_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search name, UPN, device or notes  (Ctrl+F)")
        self.search_box.setAccessibleName("Search the queue")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(280)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Pre-check progress")
        self.progress.setFormat("Pre-checking %v of %m")
        self.progress.setMinimumWidth(220)
        self.progress.hide()
        self.recheck_button = QPushButton("Check again")
        self.recheck_button.setAccessibleName("Check again")
        self.recheck_button.setToolTip(
            "Pre-check the people with a problem, and anyone not checked"
        )
        self.open_button = QPushButton("Open")
        self.open_button.setAccessibleName("Open in the main window")
        self.open_button.setToolTip("Bring the selected person into the main window (Enter)")
        self.open_button.setDefault(True)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        shown = Label("Show")
        shown.setBuddy(self.status_filter)
        bar.addWidget(shown)
        bar.addWidget(self.status_filter)
        bar.addWidget(self.search_box, 1)
        bar.addWidget(self.progress)
        bar.addWidget(self.recheck_button)
        bar.addWidget(self.open_button)

        self.table = QTableView()
        self.table.setAccessibleName("Queue")
        self.table.setModel(self.proxy)
        self.table.setItemDelegate(QueueTips(self.model, self.proxy))  # its tooltips
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(Col.START, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._sort)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Col.PRECHECK, QHeaderView.ResizeMode.Stretch)
        for col, width in _COLUMN_WIDTHS.items():
            self.table.setColumnWidth(col, width)
        # A start is a date and a time: the column fits the longest one, never "2026-1…".
        widest = self.table.fontMetrics().horizontalAdvance(START_SAMPLE) + 24
        self.table.setColumnWidth(Col.START, max(_COLUMN_WIDTHS[Col.START], widest))
        rows = self.table.verticalHeader()
        rows.setDefaultSectionSize(rows.fontMetrics().height() + 10)
        # Every row one line high and never resized (the header is hidden): fixed sections,
        # so no change of the 200 rows can ask the header to size one.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        theme.follow_palette(self.table, self.model.recolour)  # the cells hold their colours

        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setAccessibleName("Problems")
        self.problems.setPlaceholderText("No problems.")
        self.problems_title = Label("Problems")
        self.problems_title.setFont(theme.scaled_font(self, 1.1, bold=True))
        self.copy_button = QPushButton("Copy problems")
        self.copy_button.setAccessibleName("Copy problems")
        self.copy_button.setToolTip("Copy the list, e.g. to send to HR")
        panel = QWidget()
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(0, 6, 0, 0)
        panel_layout.setSpacing(4)
        heading = QHBoxLayout()
        heading.addWidget(self.problems_title)
        heading.addStretch(1)
        heading.addWidget(self.copy_button)
        panel_layout.addLayout(heading)
        panel_layout.addWidget(self.problems, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([460, 170])
        self.splitter.setChildrenCollapsible(False)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        return page

    def _connect(self) -> None:
        self.import_button.clicked.connect(self.import_file)
        self.status_filter.currentIndexChanged.connect(self._on_filter)
        self.search_box.textChanged.connect(self.proxy.set_text)
        self.search_box.textChanged.connect(lambda _text: self.update_summary())
        self.open_button.clicked.connect(self.open_selected)
        self.recheck_button.clicked.connect(self.check_again)
        self.copy_button.clicked.connect(self.copy_problems)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.proxy.modelReset.connect(self._update_buttons)
        self.proxy.rowsRemoved.connect(lambda *_: self._update_buttons())
        self.queue.checking.connect(lambda line: self.model.set_checking({line}))
        self.queue.checked.connect(self._on_checked)
        self.queue.progress.connect(self._on_progress)
        self.queue.finished.connect(self._on_precheck_finished)
        self.queue.sign_in_needed.connect(self._on_sign_in_needed)
        self.link.signed_in.connect(lambda _technician: self._on_signed_in())
        self.link.sessions_changed.connect(self.refresh_sessions)
        for keys, slot in (
            (QKeySequence.StandardKey.Open, self.import_file),
            (QKeySequence.StandardKey.Find, self.search_box.setFocus),
        ):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)
        for key in ("Return", "Enter"):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.open_selected)

    # -- importing ------------------------------------------------------------------------------
    def import_file(self) -> None:
        path = self.choose_file(self)
        if path is not None:
            self.load(path)

    def load(self, path: Path) -> None:
        """Read and parse ``path`` on a worker (a file share can be slow), then queue it."""
        self.banner.dismiss()
        self.file_label.setText(f"Reading {path.name}…")
        self.ops.read_roster(
            path,
            lambda roster: self.show_roster(roster, path.name),
            self._on_load_failed,
            channel="roster.load",
        )

    def _on_load_failed(self, error: TapdeskError) -> None:
        self.file_label.setText(self.file_name or "No roster yet")
        self.banner.show_error(error)

    def show_roster(self, roster: Roster, name: str = "") -> None:
        self.queue.stop()
        self.roster, self.file_name = roster, name
        self.model.set_entries(roster.entries)
        self.model.set_signed_in(self.link.technician() is not None)
        self.stack.setCurrentIndex(1)
        self.search_box.clear()
        self.status_filter.setCurrentIndex(0)
        self.table.horizontalHeader().setSortIndicator(Col.START, Qt.SortOrder.AscendingOrder)
        self.update_summary()
        self.refresh_sessions()
        self.start_precheck()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = _dropped_file(event)
        if path is not None:
            event.acceptProposedAction()
            self.load(path)

    # -- pre-check ------------------------------------------------------------------------------
    def start_precheck(self, lines: list[int] | None = None) -> None:
        """Pre-check ``lines`` (default: everyone), in queue order, once signed in."""
        if self.roster is None:
            return
        if self.link.technician() is None:
            self.model.set_signed_in(False)
            self.banner.show_notice(
                "Sign in to pre-check the roster",
                "The queue is ready; the pre-check starts as soon as you sign in in the main window.",
            )
            return
        wanted = set(lines) if lines is not None else {e.line for e in self.roster.entries}
        policy = self._policy or self.link.policy()
        if policy is None:  # not read in the main window yet: read it here, once
            self.ops.load_policy(
                lambda found: self._with_policy(found, wanted),
                lambda error: self._policy_failed(error, wanted),
                channel="roster.policy",
            )
            return
        self._with_policy(policy, wanted)

    def _policy_failed(self, error: TapdeskError, wanted: set[int]) -> None:
        self.banner.show_error(error)
        self._with_policy(None, wanted)  # the other checks are still worth having

    def _with_policy(self, policy: TapPolicy | None, wanted: set[int]) -> None:
        self._policy = policy
        ordered = sorted(
            (r for r in self.model.rows if r.entry.line in wanted),
            key=start_key,
        )
        for row in ordered:
            if row.precheck is not None:  # checked before: show it as being checked again
                self.model.set_precheck(row.entry.line, None)
        self.progress.setRange(0, max(1, len(ordered)))
        self.progress.setValue(0)
        self.progress.setVisible(bool(ordered))
        self.queue.start(((r.entry.line, r.upn) for r in ordered), policy, self.link.technician())
        self._update_buttons()

    def check_again(self) -> None:
        rows = self.model.rows
        lines = [r.entry.line for r in rows if r.precheck is None or r.precheck.problem]
        self.banner.dismiss()
        self.start_precheck(lines or [r.entry.line for r in rows])

    def _on_checked(self, line: int, result: Precheck) -> None:
        self.model.set_precheck(line, result)
        self._schedule_summary()

    def _on_progress(self, done: int, total: int) -> None:
        # With the summary, not per answer: a progress bar that shows its value repaints the
        # window there and then (QProgressBar.setValue), and 200 answers made 200 paints.
        self._progress = (done, total)
        self._schedule_summary()

    def _show_progress(self) -> None:
        if self._progress is not None:
            done, total = self._progress
            self._progress = None
            self.progress.setRange(0, max(1, total))
            self.progress.setValue(done)

    def _on_precheck_finished(self) -> None:
        self.progress.hide()
        self.update_summary()

    def _on_sign_in_needed(self) -> None:
        self.model.clear_checking()
        self.banner.show_notice(
            "Sign in again to finish the pre-check",
            "Your sign-in ran out during the pre-check. Sign in in the main window; the people "
            "not checked yet are checked then.",
            tone=Tone.WARNING,
        )

    def _on_signed_in(self) -> None:
        self.model.set_signed_in(True)
        if self.roster is None:
            return
        unchecked = self.model.unchecked_lines()
        if unchecked and not self.queue.running:
            self.banner.dismiss()
            self.start_precheck(unchecked)

    # -- sessions -------------------------------------------------------------------------------
    def refresh_sessions(self, *_args: object) -> None:
        """Re-read today's sessions from the store (on a worker) and restate every row."""
        if self.roster is None:
            return
        start, end = local_day(self.link.clock.now())
        self.ops.day_sessions(
            start,
            end,
            self.link.flows,
            self._on_sessions,
            self._on_sessions_failed,
            channel="roster.sessions",
        )

    def _on_sessions(self, day: DaySessions) -> None:
        self.model.set_sessions(day.by_upn, day.flows)
        self._schedule_summary()

    def _on_sessions_failed(self, error: TapdeskError) -> None:
        self.banner.show_error(error)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.refresh_sessions()  # the technician comes back from the main window
        super().changeEvent(event)

    def _sort(self, column: int, order: Qt.SortOrder) -> None:
        if column == Col.START and order is Qt.SortOrder.AscendingOrder:
            self.proxy.sort(-1)  # the model's own order: no sorting to do
        else:
            self.proxy.sort(column, order)

    # -- the queue ------------------------------------------------------------------------------
    def _on_filter(self, _index: int) -> None:
        self.proxy.set_status(_status_of(self.status_filter.currentData()))
        self.update_summary()

    def set_status_filter(self, status: RosterStatus | None) -> None:
        self.status_filter.setCurrentIndex(
            self.status_filter.findData(status.value if status else "")
        )

    def visible_rows(self) -> list[QueueRow]:
        return [self.model.row(self.proxy.mapToSource(self.proxy.index(n, 0)).row())
                for n in range(self.proxy.rowCount())]  # fmt: skip

    def selected_row(self) -> QueueRow | None:
        selected = self.table.selectionModel().selectedRows()
        if not selected:
            return None
        return self.model.row(self.proxy.mapToSource(selected[0]).row())

    def select_upn(self, upn: str) -> bool:
        for n in range(self.proxy.rowCount()):
            index = self.proxy.index(n, 0)
            if self.model.row(self.proxy.mapToSource(index).row()).upn.lower() == upn.lower():
                self.table.selectRow(n)
                self.table.scrollTo(index)
                return True
        return False

    def open_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        if self.link.technician() is None:
            self.statusBar().showMessage(f"Sign in first to open {row.upn}.", 8000)
            return
        self.link.open_user(row.upn)

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected_row() is not None)
        self.recheck_button.setEnabled(self.roster is not None and not self.queue.running)

    def _schedule_summary(self) -> None:
        if not self._refresh.isActive():
            self._refresh.start()

    def update_summary(self) -> None:
        self._show_progress()
        self._update_buttons()
        roster = self.roster
        if roster is None:
            self.summary.setText("")
            return
        counts = self.model.counts()
        people = len(roster.entries)
        name = self.file_name or "roster"
        skipped = len(roster.problems)
        self.file_label.setText(
            f"{name}: {people} {'person' if people == 1 else 'people'}"
            + (f", {skipped} {'row' if skipped == 1 else 'rows'} not imported" if skipped else "")
        )
        for n in range(self.status_filter.count()):
            status = _status_of(self.status_filter.itemData(n))
            count = counts.get(status, 0) if status else people
            label = status_label(status) if status else "Everyone"
            self.status_filter.setItemText(n, f"{label} ({count})")
        parts = [_count(counts[s], s) for s in RosterStatus if counts.get(s)]
        shown = self.proxy.rowCount()
        prefix = f"Showing {shown} of {people}" if shown != people else f"{people} people"
        self.summary.setText(prefix + (": " + " · ".join(parts) if parts else ""))
        self._show_problems()

    def _show_problems(self) -> None:
        text, count = problems_text(self.roster, self.model.rows)
        self.problems_title.setText(f"Problems ({count})" if count else "Problems")
        if text != self.problems.toPlainText():
            self.problems.setPlainText(text)
        self.copy_button.setEnabled(bool(count))

    def copy_problems(self) -> None:
        QGuiApplication.clipboard().setText(self.problems.toPlainText())
        self.statusBar().showMessage("Problems copied.", 4000)

    # -- closing --------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """The app is closing: stop queuing and wait for the (at most four) calls in flight."""
        self.queue.stop()
        self.runner.wait_for_done(5000)
        self.close()


def problems_text(roster: Roster | None, rows: list[QueueRow]) -> tuple[str, int]:
    """The problems panel: rows not imported, then pre-check problems, each by line."""
    if roster is None:
        return "", 0
    lines: list[str] = []
    if roster.problems:
        lines.append(f"Not imported ({len(roster.problems)}):")
        for problem in roster.problems:
            upn = f" ({problem.upn})" if problem.upn else ""
            lines.append(one_line(f"  Line {problem.line}{upn}: {problem.message}"))
    # As in the status column: a session under way makes the pre-check's objection stale.
    found = [r for r in rows if r.precheck is not None and r.precheck.problem and not r.session]
    found.sort(key=lambda r: r.entry.line)
    if found:
        if lines:
            lines.append("")
        lines.append(f"Pre-check problems ({len(found)}):")
        for row in found:
            assert row.precheck is not None
            for finding in row.precheck.findings:
                if finding.blocks:
                    hint = f" {finding.hint}" if finding.hint else ""
                    line = f"  Line {row.entry.line} ({row.upn}): {finding.text}{hint}"
                    lines.append(one_line(line))
    return "\n".join(lines), len(roster.problems) + len(found)


def _count(count: int, status: RosterStatus) -> str:
    noun = "problems" if status is RosterStatus.PROBLEM and count != 1 else status.value
    return f"{count} {noun}"


def _status_of(data: object) -> RosterStatus | None:
    return RosterStatus(data) if isinstance(data, str) and data else None


def _dropped_file(event: QDragEnterEvent | QDropEvent) -> Path | None:
    mime = event.mimeData()
    if not mime.hasUrls():
        return None
    local = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
    return Path(local[0]) if len(local) == 1 else None
