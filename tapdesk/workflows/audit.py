"""Reading and exporting the audit trail (the window's Audit view; never a pass value)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tapdesk.core.audit import AuditEvent
from tapdesk.errors import StorageError

if TYPE_CHECKING:
    from tapdesk.store import Store


def _no_store() -> StorageError:
    return StorageError(
        "tapdesk has no database in this run, so there is no audit trail to show.",
        hint="Restart tapdesk; if the database could not be opened, the start-up notice says why.",
    )


def events(store: Store | None, start: datetime, end: datetime) -> list[AuditEvent]:
    """Every event in [start, end), oldest first."""
    if store is None:
        raise _no_store()
    return [record.event for record in store.audit(start, end)]


def export_csv(store: Store | None, start: datetime, end: datetime, target: Path) -> int:
    """Write the events in [start, end) to ``target``; returns the number of rows."""
    if store is None:
        raise _no_store()
    return store.export_audit_csv(start, end, target)
