"""Everything the card needs about the selected user, loaded in parallel on workers.

Status (user, pass without its value, methods), policy scope and admin check each run on their
own channel; selecting another user cancels all three, so a late answer never lands on the
wrong card. The facts merge as they arrive and ``facts_changed`` fires after each.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from tapdesk.core.models import TapPolicy, User, UserStatus
from tapdesk.core.readiness import TargetFacts
from tapdesk.ui.operations import Operations

log = logging.getLogger(__name__)
CHANNELS = ("card.status", "card.scope", "card.admin")


class CardLoader(QObject):
    status_loaded = Signal(object)  # UserStatus
    status_failed = Signal(object)  # TapdeskError
    facts_changed = Signal(object)  # TargetFacts | None

    def __init__(self, ops: Operations, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self.facts: TargetFacts | None = None

    def load(self, user: User, policy: TapPolicy | None) -> None:
        """Status, policy scope and the admin check, each on its own worker."""
        self.cancel()
        self.facts = TargetFacts(user, policy=policy)
        self.facts_changed.emit(self.facts)
        ops, uid = self._ops, user.id
        ops.user_status(uid, self._on_status, self.status_failed.emit, channel="card.status")
        if policy is not None:  # without it, the window merges it in and scope waits for it
            self.load_scope(policy)
        ops.admin_check(
            uid,
            lambda found: self.merge(target_role=found),
            lambda _error: None,
            channel="card.admin",
        )

    def refresh(self) -> None:
        """Read the user's status again (methods, pass), keeping every other fact: the account
        changed (a checklist saw it) or the user was opened again. A failure keeps the card's
        last read; the next refresh or opening tries again."""
        if self.facts is None:
            return
        self._ops.user_status(
            self.facts.user.id,
            self._on_status,
            lambda error: log.info("card not refreshed: %s", error.title),
            channel="card.status",
        )

    def load_scope(self, policy: TapPolicy) -> None:
        if self.facts is None:
            return
        self._ops.policy_scope(
            self.facts.user.id,
            policy,
            lambda found: self.merge(in_scope=found, scope_checked=True),
            lambda _error: self.merge(scope_checked=True),
            channel="card.scope",
        )

    def cancel(self) -> None:
        for channel in CHANNELS:
            self._ops.cancel(channel)

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
