"""Finding the user: type-ahead search and exact lookup, as named operations.

Both run on the "search" channel, so a newer query always wins over an older answer.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from tapdesk.core.models import User
from tapdesk.core.upn import check_user_ref
from tapdesk.errors import TapdeskError
from tapdesk.ui.operations import Operations
from tapdesk.ui.widgets.search import SearchPanel

CHANNEL = "search"


class UserFinder(QObject):
    found = Signal(object)  # User, from an exact lookup
    failed = Signal(object)  # TapdeskError

    def __init__(self, ops: Operations, panel: SearchPanel) -> None:
        super().__init__(panel)
        self._ops = ops
        self._panel = panel
        panel.search_requested.connect(self.search)
        panel.lookup_requested.connect(self.lookup)

    def search(self, text: str) -> None:
        if not text:
            self._ops.cancel(CHANNEL)
            self._panel.set_busy(False)
            return
        self._panel.set_busy(True)
        self._ops.search_users(
            text,
            lambda users: self._on_results(text, users),
            self._on_search_failed,
            channel=CHANNEL,
        )

    def lookup(self, text: str) -> None:
        try:
            ref = check_user_ref(text)
        except TapdeskError as error:
            self._panel.set_status(f"{error.message} {error.hint}")
            return
        self._panel.set_busy(True)
        self._panel.set_status(f"Looking up {ref}…")
        self._ops.find_user(
            ref,
            self._on_lookup,
            self._on_lookup_failed,
            channel=CHANNEL,
            on_progress=self._panel.set_status,  # "still replicating…" while a new hire syncs
        )

    def _on_results(self, text: str, users: list[User]) -> None:
        self._panel.set_busy(False)
        self._panel.show_results(text, users)

    def _on_search_failed(self, error: TapdeskError) -> None:
        self._panel.set_busy(False)
        self.failed.emit(error)  # the window says it in this panel's status

    def _on_lookup(self, user: User) -> None:
        self._panel.set_busy(False)
        self._panel.show_results(user.user_principal_name, [user])
        self.found.emit(user)

    def _on_lookup_failed(self, error: TapdeskError) -> None:
        self._panel.set_busy(False)
        self.failed.emit(error)  # the window says it in this panel's status
