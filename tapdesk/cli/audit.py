"""``tapdesk audit``: the audit trail for a range of local days, as a table, JSON or CSV.

It reads the local database only: no tenant configuration, sign-in or network is needed. The
CSV is the window's export (:func:`tapdesk.store.export.write_audit_csv`, the one owner of its
columns and escaping); JSON holds the same columns by the same names, with each value as it was
before formula escaping, so ``safe_cell`` of a JSON value is the CSV's cell.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, TextIO

from tapdesk.app.services import Services
from tapdesk.cli import output
from tapdesk.cli.terminal import field
from tapdesk.core.audit import AuditEvent
from tapdesk.errors import StorageError, UsageError
from tapdesk.store.export import records, write_audit_csv
from tapdesk.workflows import audit

if TYPE_CHECKING:
    from tapdesk.store import Store

DEFAULT_DAYS = 7  # today and the six days before it
ALL_TENANTS = "all"
_TABLE_HEADER = ("TIME", "EVENT", "TECHNICIAN", "USER", "STEP", "PASS ID")


def cmd_audit(services: Services, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    first, last = _days(args.first, args.last, services.clock.now().astimezone().date())
    tenant = _tenant(args.audit_tenant, services)
    events = audit.events(_persistent(services), *audit.day_range(first, last), tenant_id=tenant)
    span = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
    whose = "all tenants" if tenant is None else f"tenant {field(tenant or '(none)')}"
    if args.json:
        output.write_json(out, records(events))
    elif args.csv:
        write_audit_csv(events, out, lineterminator="\n")  # stdout makes it the platform's line end
    elif events:
        out.write(f"Audit trail, {span}, {whose}: {_count(len(events))}; times in {_zone()}\n")
        out.write(_table(events, with_tenant=tenant is None))
    if not events:
        # A script reading --json or --csv still gets a valid, empty document on stdout.
        (out if not (args.json or args.csv) else err).write(f"No audit records: {span}, {whose}.\n")
    return 0


def _days(first: date | None, last: date | None, today: date) -> tuple[date, date]:
    """Defaults: up to today, and the seven days that end on ``--to``."""
    end = last or today
    start = first or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        to = f"--to {end.isoformat()}" if last else f"today ({end.isoformat()})"
        raise UsageError(
            f"--from {start.isoformat()} is after {to}.", hint="Give the earlier day with --from."
        )
    return start, end


def _tenant(asked: str | None, services: Services) -> str | None:
    """The tenant whose records to show; None for every tenant. Without a configured tenant
    there is no 'current' one to pick, so every record is shown."""
    if asked is not None:
        return None if asked.lower() == ALL_TENANTS else asked.strip().lower()
    current = services.store.tenant_id if services.store is not None else ""
    return current or None


def _persistent(services: Services) -> Store | None:
    """The store, if it is the database on disk: an empty in-memory stand-in (the database could
    not be opened) must not read as 'no records'."""
    store = services.store
    if store is not None and not store.persistent:
        raise StorageError(
            "tapdesk could not open its database, so there is no audit trail to show.",
            hint="The notice above says why; try again once the cause is fixed.",
        )
    return store


def _count(n: int) -> str:
    return f"{n} {'record' if n == 1 else 'records'}"


def _zone() -> str:
    return datetime.now().astimezone().strftime("%Z") or "local time"


def _cells(event: AuditEvent, *, with_tenant: bool) -> list[str]:
    cells = [
        event.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
        event.kind.value,
        field(event.technician),
        field(event.target_upn or event.target_id),
        field(event.step_id),
        field(event.pass_id),
    ]
    if with_tenant:
        cells.append(field(event.tenant_id))
    return [*cells, field(_detail(event))]


def _detail(event: AuditEvent) -> str:
    """What only some records carry, then the free text."""
    once = {None: "", True: "one-time", False: "reusable"}[event.usable_once]
    parts = [
        f"{event.lifetime_minutes} min" if event.lifetime_minutes is not None else "",
        once,
        f"replaces {event.replaces_pass_id}" if event.replaces_pass_id else "",
        f"code {event.error_code}" if event.error_code else "",
        f"request-id {event.request_id}" if event.request_id else "",
        event.detail,
    ]
    return "; ".join(part for part in parts if part)


def _table(events: Sequence[AuditEvent], *, with_tenant: bool) -> str:
    header = [*_TABLE_HEADER, *(("TENANT",) if with_tenant else ()), "DETAIL"]
    rows = [header, *(_cells(e, with_tenant=with_tenant) for e in events)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = ["  ".join([*map(str.ljust, row[:-1], widths), row[-1]]) for row in rows]
    return "\n".join(line.rstrip() for line in lines) + "\n"
