"""Reading and exporting the audit trail (the window's Audit view and ``tapdesk audit``; never a
pass value)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
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


def day_range(first: date, last: date) -> tuple[datetime, datetime]:
    """Local days ``first`` to ``last`` (inclusive) as an aware [start, end): the window's date
    range and the CLI's ``--from``/``--to`` mean the same records."""
    # A naive local midnight made aware takes that day's offset (DST included).
    start = datetime.combine(first, time(0, 0)).astimezone()
    end = datetime.combine(last + timedelta(days=1), time(0, 0)).astimezone()
    return start, end


def events(
    store: Store | None, start: datetime, end: datetime, *, tenant_id: str | None = None
) -> list[AuditEvent]:
    """Every event in [start, end), oldest first; of one tenant when ``tenant_id`` is given."""
    if store is None:
        raise _no_store()
    return [record.event for record in store.audit(start, end, tenant_id=tenant_id)]


def export_csv(
    store: Store | None,
    start: datetime,
    end: datetime,
    target: Path,
    *,
    tenant_id: str | None = None,
) -> int:
    """Write the events in [start, end) to ``target`` (one tenant's when ``tenant_id`` is
    given); returns the number of rows."""
    if store is None:
        raise _no_store()
    return store.export_audit_csv(start, end, target, tenant_id=tenant_id)
