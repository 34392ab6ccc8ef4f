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
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Where a spreadsheet may start a new cell: the cell's start, or after a separator it might use
# (comma, semicolon, tab, pipe), a line break or a quote, then any spaces.
_SEGMENT_FORMULA = re.compile(r"""(^|[,;\t|\r\n"])( *)(?=[=+\-@])""")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    text = _SEGMENT_FORMULA.sub(r"\1\2'", text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _row(event: AuditEvent) -> list[str]:
    once = "" if event.usable_once is None else ("yes" if event.usable_once else "no")
    values: list[object] = [
        event.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        event.kind.value,
        event.technician,
        event.target_upn,
        event.target_id,
        event.pass_id,
        event.lifetime_minutes,
        once,
        event.flow_id,
        event.step_id,
        event.session_id,
        event.detail,
    ]
    return [safe_cell(v) for v in values]


def write_audit_csv(events: Iterable[AuditEvent], out: TextIO) -> int:
    """Write a header and one row per event; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(HEADER)
    count = 0
    for event in events:
        writer.writerow(_row(event))
        count += 1
    return count
