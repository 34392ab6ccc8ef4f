"""The new-hire-day roster: a CSV from HR or a spreadsheet, read forgivingly and purely.

- One column holds the sign-in name (UPN). Its header may be ``UPN``, ``User Principal Name``,
  ``Email``, ``Sign-in name``… (case, spaces, dashes and underscores do not matter). Optional
  columns: name, start time, device, notes. Other columns are ignored and listed.
- UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8"); ``,``, ``;`` or tab between
  fields. Anything else that is not UTF-8 is a :class:`RosterError` that says how to re-save.
- Bad rows (a malformed or repeated UPN, a start time that cannot be read) are listed with their
  line number; the good rows are kept.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from enum import Enum

from tapdesk.core.bounded import NotUtf8, utf8_text
from tapdesk.core.checklist import ChecklistSnapshot, Outcome, StepState
from tapdesk.core.flows import Check, Flow
from tapdesk.core.upn import check_upn
from tapdesk.errors import UsageError

MAX_BYTES = 5_000_000
_SAVE_AS = "In Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'."


class RosterError(UsageError):
    title = "Cannot read the roster"


class Column(str, Enum):
    UPN = "upn"
    NAME = "name"
    START = "start"
    DEVICE = "device"
    NOTES = "notes"


def _key(header: str) -> str:
    return re.sub(r"[\s_\-./()]+", "", header.strip().lstrip("\ufeff").lower())


# Earlier synonyms win when two columns claim the same field ("UPN" over "Email").
_SYNONYMS: dict[Column, tuple[str, ...]] = {
    Column.UPN: (
        "upn", "userprincipalname", "signinname", "signin", "loginname", "login", "username",
        "account", "workemail", "email", "emailaddress", "mail",
    ),
    Column.NAME: ("displayname", "name", "fullname", "employeename", "employee", "newhire", "person"),
    Column.START: ("starttime", "start", "startat", "startdatetime", "time", "arrival", "slot", "appointment"),
    Column.DEVICE: ("device", "laptop", "asset", "assettag", "computer", "pc", "devicename", "hostname", "serial"),
    Column.NOTES: ("notes", "note", "comments", "comment", "remarks"),
}  # fmt: skip
_LOOKUP = {
    syn: (column, rank) for column, names in _SYNONYMS.items() for rank, syn in enumerate(names)
}


class RosterStatus(str, Enum):
    """Where a person is in the queue."""

    WAITING = "waiting"
    PASS_ISSUED = "pass issued"  # noqa: S105 (a status label)
    AUTHENTICATOR = "Authenticator"
    PASSKEY = "passkey"
    DONE = "done"
    PROBLEM = "problem"


@dataclass(frozen=True, slots=True)
class RosterEntry:
    line: int
    upn: str
    name: str = ""
    start_date: date | None = None
    start_time: time | None = None
    device: str = ""
    notes: str = ""

    def start_at(self, day: date, tz: tzinfo | None = None) -> datetime | None:
        """The start as a datetime; a time without a date is on ``day``."""
        if self.start_time is None and self.start_date is None:
            return None
        return datetime.combine(self.start_date or day, self.start_time or time(0, 0), tzinfo=tz)

    def matches(self, text: str, name: str | None = None) -> bool:
        """The queue's search box: every word in UPN, name, device or notes. ``name``: the
        directory's name for the person, once found, in place of the roster's."""
        shown = self.name if name is None else name
        haystack = " ".join((self.upn, shown, self.device, self.notes)).lower()
        return all(word in haystack for word in text.lower().split())


@dataclass(frozen=True, slots=True)
class RosterProblem:
    line: int
    message: str
    upn: str = ""


@dataclass(frozen=True, slots=True)
class Roster:
    entries: tuple[RosterEntry, ...]
    problems: tuple[RosterProblem, ...]
    columns: dict[Column, str]  # field -> the header it was read from
    ignored_columns: tuple[str, ...]
    delimiter: str


def decode(data: bytes) -> str:
    """UTF-8 (BOM optional); a clear error for UTF-16 and other encodings."""
    if len(data) > MAX_BYTES:
        raise RosterError(
            f"The file is larger than {MAX_BYTES // 1_000_000} MB.", hint="Is it the right file?"
        )
    try:
        return utf8_text(data)
    except NotUtf8 as exc:
        if exc.utf16:
            raise RosterError(
                "The file is saved as UTF-16 ('Unicode text'), not as CSV UTF-8.", hint=_SAVE_AS
            ) from None
        raise RosterError(
            f"The file is not UTF-8 text (line {exc.line} has a byte UTF-8 does not allow; "
            "probably saved as 'CSV' in a Windows code page).",
            hint=_SAVE_AS,
        ) from None


def _delimiter(header_line: str) -> str:
    return max((",", ";", "\t"), key=header_line.count)  # a tie, or none at all: the comma


UNCLOSED = "a quote opened on this line is never closed; the lines after it are read as rows"


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str] | None, str]]:
    """(first physical line, fields or None, csv error) for each record.

    Strict, so a quote left open does not quietly swallow every later row into one cell: the
    line it opens on is reported and reading starts again on the next line."""
    lines = io.StringIO(text, newline="").readlines()  # the csv module's own line splitting
    first = 0  # index of the line the current reader started on
    while True:  # a reader per stretch of lines; the last one ends at StopIteration
        reader = csv.reader(lines[first:], delimiter=delimiter, strict=True)
        line = first + 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if str(exc) == "unexpected end of data":  # the file ended inside quotes
                    yield line, None, UNCLOSED
                    first = line  # the line after the one the quote opened on
                    break
                yield line, None, str(exc)
            else:
                yield line, fields, ""
            line = first + reader.line_num + 1


_CLOCK = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?(?::(\d{2}))?\s*([ap]\.?m\.?)?$", re.IGNORECASE)


def parse_start(text: str) -> tuple[date | None, time | None]:
    """``08:30``, ``8.30``, ``8:30 AM``, ``8am``, ``2030-01-06 08:30``, ``2030-01-06T08:30``,
    ``2030-01-06``. Day-month orders (06/01/2030) are refused: they are ambiguous."""
    value = text.strip()
    day: date | None = None
    clock = value
    found = re.match(r"^(\d{4}-\d{2}-\d{2})(?:[T ]\s*(.*))?$", value)
    if found:
        try:
            day = date.fromisoformat(found.group(1))
        except ValueError:
            raise ValueError(text) from None
        clock = (found.group(2) or "").strip()
        if not clock:
            return day, None
        clock = re.sub(r"(Z|[+-]\d{2}:?\d{2})$", "", clock).strip()
    match = _CLOCK.match(clock)
    if not match:
        raise ValueError(text)
    hour, minute, second = int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0)
    meridiem = (match.group(4) or "").lower().replace(".", "")
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError(text)
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    elif match.group(2) is None:
        raise ValueError(text)  # a bare "8" is not a time
    return day, time(hour, minute, second)  # time() refuses hour 24, minute 60, second 60


def _map_columns(header: list[str]) -> tuple[dict[Column, int], list[str]]:
    chosen: dict[Column, tuple[int, int]] = {}
    ignored: list[str] = []
    for index, raw in enumerate(header):
        found = _LOOKUP.get(_key(raw))
        if found is None:
            if raw.strip():
                ignored.append(raw.strip())
            continue
        column, rank = found
        if column not in chosen or rank < chosen[column][1]:
            if column in chosen:
                ignored.append(header[chosen[column][0]].strip())
            chosen[column] = (index, rank)
        else:
            ignored.append(raw.strip())
    return {c: i for c, (i, _) in chosen.items()}, ignored


def parse_roster(data: bytes | str) -> Roster:
    """Read a roster. Raises :class:`RosterError` only when nothing can be read at all."""
    text = decode(data) if isinstance(data, bytes) else data.lstrip("\ufeff")
    if not text.strip():
        raise RosterError("The file is empty.", hint="Export the roster with a header row.")
    delimiter = _delimiter(text.splitlines()[0])
    records = _records(text, delimiter)
    problems: list[RosterProblem] = []
    header: list[str] | None = None
    header_line = 1
    for line, fields, error in records:
        if fields is None:
            problems.append(RosterProblem(line, f"cannot be read as CSV ({error})"))
            continue
        if any(f.strip() for f in fields):
            header, header_line = fields, line
            break
    if header is None:
        raise RosterError(
            "The file has no header row.",
            hint="The first line names the columns: UPN, Name, Start…",
        )
    columns, ignored = _map_columns(header)
    if Column.UPN not in columns:
        shown = ", ".join(h.strip() for h in header if h.strip())[:200]  # never empty
        raise RosterError(
            f"Line {header_line}: no column holds the sign-in name (UPN). Columns found: {shown}.",
            hint="Name one column 'UPN', 'User Principal Name', 'Email' or 'Sign-in name'.",
        )

    def cell(fields: list[str], column: Column) -> str:
        index = columns.get(column)
        return fields[index].strip() if index is not None and index < len(fields) else ""

    entries: list[RosterEntry] = []
    seen: dict[str, int] = {}
    for line, fields, error in records:
        if fields is None:
            problems.append(RosterProblem(line, f"cannot be read as CSV ({error})"))
            continue
        if not any(f.strip() for f in fields):
            continue
        raw_upn = cell(fields, Column.UPN)
        if "\n" in raw_upn or "\r" in raw_upn:
            problems.append(
                RosterProblem(line, "the UPN cell runs over several lines (a quote not closed?)")
            )
            continue
        try:
            upn = check_upn(raw_upn)
        except UsageError as exc:
            problems.append(
                RosterProblem(line, exc.message if raw_upn else "no UPN", raw_upn[:113])
            )
            continue
        if upn.lower() in seen:
            problems.append(
                RosterProblem(line, f"{upn} is already on line {seen[upn.lower()]}", upn)
            )
            continue
        start_text = cell(fields, Column.START)
        start_date: date | None = None
        start_time: time | None = None
        if start_text:
            try:
                start_date, start_time = parse_start(start_text)
            except ValueError:
                shown = start_text if len(start_text) <= 40 else start_text[:37] + "..."
                problems.append(
                    RosterProblem(
                        line,
                        f"start time '{shown}' cannot be read (use 08:30, 8:30 AM or 2030-01-06 08:30)",
                        upn,
                    )
                )
                continue
        seen[upn.lower()] = line
        entries.append(
            RosterEntry(
                line=line,
                upn=upn,
                name=cell(fields, Column.NAME),
                start_date=start_date,
                start_time=start_time,
                device=cell(fields, Column.DEVICE),
                notes=cell(fields, Column.NOTES),
            )
        )
    named = {column: header[index].strip() for column, index in columns.items()}
    return Roster(tuple(entries), tuple(problems), named, tuple(ignored), delimiter)


_PASSKEY_CHECKS = (Check.AUTHENTICATOR_PASSKEY, Check.PASSKEY_ADDED, Check.SECURITY_KEY_ADDED)


def queue_status(
    snapshot: ChecklistSnapshot | None, flow: Flow | None = None, *, problem: bool = False
) -> RosterStatus:
    """A queue row's status from its session (None: not started) and the session's flow.

    ``problem`` comes from the background pre-check (user missing, disabled, out of scope)."""
    if problem:
        return RosterStatus.PROBLEM
    if snapshot is None:
        return RosterStatus.WAITING
    if snapshot.outcome is Outcome.COMPLETED:
        return RosterStatus.DONE
    if snapshot.outcome is Outcome.ABANDONED:
        return RosterStatus.PROBLEM
    checks = {s.id: s.check for s in flow.steps} if flow else {}
    finished = {
        r.step_id for r in snapshot.steps if r.state in (StepState.DONE, StepState.OVERRIDDEN)
    }
    done_checks = {checks.get(step_id) for step_id in finished}
    if any(c in done_checks for c in _PASSKEY_CHECKS):
        return RosterStatus.PASSKEY
    if Check.AUTHENTICATOR_ADDED in done_checks:
        return RosterStatus.AUTHENTICATOR
    if snapshot.pass_facts is not None:
        return RosterStatus.PASS_ISSUED
    return RosterStatus.WAITING
