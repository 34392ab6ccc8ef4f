"""The audit trail as CSV, safe to open in a spreadsheet.

A cell that begins with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) would be read
as a formula by Excel and LibreOffice (CSV injection): such cells get a leading apostrophe.
Every cell is quoted, but a spreadsheet set to another separator (``;`` in many locales) or
one that ignores quotes splits a cell at that separator, so a formula character right after any
separator (spaces between allowed, since an import may trim them) gets an apostrophe too.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from datetime import UTC
from typing import TextIO

from tapdesk.core.audit import AuditEvent

HEADER = (
    "Time (UTC)",
    "Event",
    "Technician",
    "User",
    "User id",
    "Pass id",
    "Lifetime (minutes)",
    "One-time",
    "Flow",
    "Step",
    "Session",
    "Detail",
    "Tenant",
    "Replaces pass",
    "Error code",
    "Request id",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Where a spreadsheet may start a new cell: the cell's start, or after a separator it might use
# (comma, semicolon, tab, pipe), a line break or a quote, then any spaces.
_SEGMENT_FORMULA = re.compile(r"""(^|[,;\t|\r\n"])( *)(?=[=+\-@])""")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    text = _SEGMENT_FORMULA.sub(r"\1\2'", text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def row_values(event: AuditEvent) -> list[str]:
    """The cells of one row before formula escaping: what ``tapdesk audit --json`` carries."""
    once = "" if event.usable_once is None else ("yes" if event.usable_once else "no")
    lifetime = "" if event.lifetime_minutes is None else str(event.lifetime_minutes)
    return [
        event.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        event.kind.value,
        event.technician,
        event.target_upn,
        event.target_id,
        event.pass_id,
        lifetime,
        once,
        event.flow_id,
        event.step_id,
        event.session_id,
        event.detail,
        event.tenant_id,
        event.replaces_pass_id,
        event.error_code,
        event.request_id,
    ]


def records(events: Iterable[AuditEvent]) -> list[dict[str, str]]:
    """The rows as objects keyed by the header, before formula escaping (JSON is no
    spreadsheet): ``safe_cell`` of each value is exactly the CSV's cell."""
    return [dict(zip(HEADER, row_values(e), strict=True)) for e in events]


def write_audit_csv(
    events: Iterable[AuditEvent], out: TextIO, *, lineterminator: str = "\r\n"
) -> int:
    """Write a header and one row per event; returns the number of rows.

    A file gets CSV's ``\\r\\n``; a text stream such as stdout takes ``\\n`` and makes it the
    platform's line end itself (``\\r\\n`` there would become ``\\r\\r\\n`` on Windows)."""
    writer = csv.writer(out, lineterminator=lineterminator, quoting=csv.QUOTE_ALL)
    writer.writerow(HEADER)
    count = 0
    for event in events:
        writer.writerow([safe_cell(v) for v in row_values(event)])
        count += 1
    return count
