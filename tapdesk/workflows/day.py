"""Which onboarding session belongs to which person today (the new-hire-day queue's statuses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from tapdesk.core.checklist import ChecklistSnapshot
from tapdesk.core.flows import Flow

if TYPE_CHECKING:
    from tapdesk.store import Store


@dataclass(frozen=True)
class DaySessions:
    by_upn: dict[str, ChecklistSnapshot] = field(default_factory=dict)  # key: UPN, lower case
    flows: dict[str, Flow] = field(default_factory=dict)


def read_day_sessions(
    store: Store | None, start: datetime, end: datetime, flows: dict[str, Flow]
) -> DaySessions:
    """Each person's session: the open one, else the latest opened in [start, end).

    Open sessions alone are not enough: a completed session is closed, and the queue must show
    that person as "done" rather than "waiting" again. ``flows`` are the ones the window loaded
    (queue_status needs their steps' checks).
    """
    if store is None:
        return DaySessions({}, flows)
    latest: dict[str, ChecklistSnapshot] = {}
    for snapshot in store.sessions_between(start, end):  # oldest first: later ones win
        latest[snapshot.upn.lower()] = snapshot
    for snapshot in store.open_sessions():
        latest[snapshot.upn.lower()] = snapshot
    return DaySessions(latest, flows)
