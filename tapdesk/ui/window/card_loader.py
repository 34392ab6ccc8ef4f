"""Everything the card needs about the selected user, loaded in parallel on workers.

Status (user, pass without its value, methods), policy scope and admin check each run on their
own channel; selecting another user cancels all three, so a late answer never lands on the
wrong card. The facts merge as they arrive and ``facts_changed`` fires after each.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from tapdesk.core.models import TapPolicy, User, UserStatus
from tapdesk.core.readiness import TargetFacts
from tapdesk.ui.tasks import TaskRunner
from tapdesk.workflows import target

if TYPE_CHECKING:
    from tapdesk.graph.client import GraphClient

CHANNELS = ("card.status", "card.scope", "card.admin")


class CardLoader(QObject):
    status_loaded = Signal(object)  # UserStatus
    status_failed = Signal(object)  # TapdeskError
    facts_changed = Signal(object)  # TargetFacts | None

    def __init__(
        self, runner: TaskRunner, graph: GraphClient, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._graph = graph
        self.facts: TargetFacts | None = None

    def load(self, user: User, policy: TapPolicy | None) -> None:
        self.cancel()
        self.facts = TargetFacts(user, policy=policy)
        self.facts_changed.emit(self.facts)
        graph, uid = self._graph, user.id
        self._runner.submit(
            lambda: _status(graph, uid),
            self._on_status,
            self.status_failed.emit,
            channel="card.status",
            name="user status",
        )
        self._runner.submit(
            lambda: target.scope_of(graph, uid, policy or graph.get_tap_policy()),
            lambda found: self.merge(in_scope=found, scope_checked=True),
            lambda _error: self.merge(scope_checked=True),
            channel="card.scope",
            name="policy scope",
        )
        self._runner.submit(
            lambda: target.is_admin(graph, uid),
            lambda found: self.merge(target_is_admin=found),
            lambda _error: None,
            channel="card.admin",
            name="admin check",
        )

    def cancel(self) -> None:
        for channel in CHANNELS:
            self._runner.cancel(channel)

    def clear(self) -> None:
        self.cancel()
        self.facts = None
        self.facts_changed.emit(None)

    def merge(self, **changes: Any) -> None:
        if self.facts is None:
            return
        self.facts = replace(self.facts, **changes)
        self.facts_changed.emit(self.facts)

    def _on_status(self, status: UserStatus) -> None:
        self.status_loaded.emit(status)
        self.merge(user=status.user, tap=status.tap, tap_known=True, methods=status.methods)


def _status(graph: GraphClient, user_id: str) -> UserStatus:
    return graph.user_status(user_id)
