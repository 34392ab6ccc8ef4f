"""The main window's way into the new-hire day and the audit trail: a Tools menu.

``install(window, ops, link)`` (``link`` builds the roster's view of the window) adds "New-hire day…" (Ctrl+R) and "Audit…" and owns the two windows they
open. Both are built on first use (the main window's first paint does not pay for them) and
kept, so closing the roster and opening it again finds the day's queue as it was; the audit view
reads its records again each time it is opened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QToolButton

from tapdesk.ui.operations import Operations
from tapdesk.ui.window import keys

if TYPE_CHECKING:
    from tapdesk.core.roster import RosterEntry
    from tapdesk.ui.roster.link import RosterLink
    from tapdesk.ui.roster.window import RosterWindow
    from tapdesk.ui.tools.audit_dialog import AuditDialog


class DayTools(QObject):
    def __init__(
        self, window: QMainWindow, ops: Operations, link: Callable[[], RosterLink]
    ) -> None:
        super().__init__(window)
        self.window = window
        self._ops = ops
        self._link = link
        self.roster: RosterWindow | None = None
        self.audit: AuditDialog | None = None
        bar = window.menuBar()
        menu = self.menu = bar.addMenu("&Tools")
        for button in bar.findChildren(QToolButton):  # Qt's "more menus" chevron, when narrow
            button.setAccessibleName(button.accessibleName() or "More menus")
        self.roster_action = QAction("&New-hire day…", window)
        keys.set_keys(self.roster_action, "new_hire_day")
        self.roster_action.setStatusTip("Import the day's roster, pre-check it, work the queue")
        self.roster_action.triggered.connect(self.open_roster)
        self.audit_action = QAction("&Audit…", window)
        self.audit_action.setStatusTip("Who issued and revoked which pass, and when; export CSV")
        self.audit_action.triggered.connect(self.open_audit)
        menu.addAction(self.roster_action)
        menu.addAction(self.audit_action)
        window.installEventFilter(self)

    def set_unlocked(self, unlocked: bool) -> None:
        """Signed in or not: without a technician no audit record or roster row is on screen.

        The audit view is dropped (it reads its records afresh when opened); the roster is only
        hidden, so its day's queue is there for the next technician of this tenant.
        """
        self.roster_action.setEnabled(unlocked)
        self.audit_action.setEnabled(unlocked)
        if unlocked:
            return
        if self.audit is not None:
            self.audit.close()
            self.audit.deleteLater()
            self.audit = None
        if self.roster is not None:
            self.roster.hide()

    def roster_entry(self, upn: str) -> RosterEntry | None:
        """The loaded roster's row for ``upn`` (device, notes), if the day's roster has one."""
        if self.roster is None:
            return None
        wanted = upn.strip().lower()
        return next((r.entry for r in self.roster.model.rows if r.upn.lower() == wanted), None)

    def open_roster(self) -> RosterWindow:
        """From the menu, enabled only while signed in (tests and screenshots call it too)."""
        if self.roster is None:
            from tapdesk.ui.roster.window import RosterWindow

            self.roster = RosterWindow(self._link(), parent=self.window)
        _bring_up(self.roster)
        return self.roster

    def open_audit(self) -> AuditDialog:
        if self.audit is None:
            from tapdesk.ui.tools.audit_dialog import AuditDialog

            self.audit = AuditDialog(self._ops, parent=self.window)
        else:
            self.audit.reopen()  # records written since it was last open
        _bring_up(self.audit)
        return self.audit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.shutdown()
        return False

    def shutdown(self) -> None:
        """The main window is closing: the roster's own workers end with it."""
        if self.roster is not None:
            self.roster.shutdown()
        if self.audit is not None:
            self.audit.close()


def _bring_up(widget: RosterWindow | AuditDialog) -> None:
    widget.show()
    widget.raise_()
    widget.activateWindow()


def install(window: QMainWindow, ops: Operations, link: Callable[[], RosterLink]) -> DayTools:
    return DayTools(window, ops, link)
