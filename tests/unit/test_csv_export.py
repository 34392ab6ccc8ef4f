"""The audit CSV: every cell quoted, and no cell a spreadsheet could read as a formula, whatever
separator it splits on."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tapdesk.core.audit import AuditEvent, AuditKind
from tapdesk.store import write_audit_csv
from tapdesk.store.export import HEADER, records, row_values, safe_cell
from tests.helpers.clock import START

FORMULA = ("=", "+", "-", "@")
SEPARATORS = (",", ";", "\t", "|")
NASTY = [
    "x;=cmd|' /C calc'!A0",
    "a,+1",
    "b\t-2",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "c| @A1",
    "d;  =1",
    '=HYPERLINK("http://evil","x")',
    "e\n-3",
]


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("x;=cmd|' /C calc'!A0", "x;'=cmd|' /C calc'!A0"),
        ("a,+1", "a,'+1"),
        ("b\t-2", "b\t'-2"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t'=1"),
        ("\rx", "'\rx"),
        ("d;  =1", "d;  '=1"),
        ("plain, with spaces; and-dashes", "plain, with spaces; and-dashes"),
        ("ava@contoso.example", "ava@contoso.example"),
        (None, ""),
        (120, "120"),
    ],
)
def test_a_formula_start_is_neutralised_wherever_a_cell_may_begin(value: object, safe: str) -> None:
    assert safe_cell(value) == safe


LEADING = {"=": "equals", "+": "plus", "-": "minus", "@": "at", "\t": "tab", "\r": "CR"}


@pytest.mark.parametrize("lead", list(LEADING), ids=list(LEADING.values()))
def test_a_cell_starting_with_each_formula_character_gets_an_apostrophe(lead: str) -> None:
    """Excel and LibreOffice read a cell that begins with any of these as a formula."""
    assert safe_cell(f"{lead}cmd") == f"'{lead}cmd"
    rows = list(csv.reader(io.StringIO(export([f"{lead}cmd"]), newline="")))
    assert rows[1][HEADER.index("Detail")] == f"'{lead}cmd"  # what the spreadsheet gets


# Where the code says a spreadsheet may start a new cell inside ours.
AFTER = {
    ",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe", "\r": "CR", "\n": "LF", '"': "quote",
}  # fmt: skip
CASES = [(sep, lead) for sep in AFTER for lead in FORMULA]


@pytest.mark.parametrize(
    ("separator", "lead"), CASES, ids=[f"{AFTER[s]}-{LEADING[f]}" for s, f in CASES]
)
def test_a_formula_character_after_each_separator_gets_an_apostrophe(
    separator: str, lead: str
) -> None:
    assert safe_cell(f"x{separator}{lead}1") == f"x{separator}'{lead}1"
    assert safe_cell(f"x{separator}  {lead}1") == f"x{separator}  '{lead}1"  # spaces between


def event(detail: str) -> AuditEvent:
    return AuditEvent(
        at=START, kind=AuditKind.ISSUE, technician=detail, target_upn="ava@contoso.example",
        detail=detail,
    )  # fmt: skip


def export(details: list[str]) -> str:
    out = io.StringIO(newline="")
    assert write_audit_csv([event(d) for d in details], out) == len(details)
    return out.getvalue()


def test_every_cell_is_quoted() -> None:
    text = export(["plain", "a,+1", "12"])
    quoted = re.compile(r'^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$')
    lines = text.split("\r\n")
    assert lines[-1] == ""
    for line in lines[:-1]:
        assert quoted.match(line), line


def test_csv_reader_gets_the_neutralised_values_back() -> None:
    rows = list(csv.reader(io.StringIO(export(NASTY), newline="")))
    detail = HEADER.index("Detail")
    assert [row[detail] for row in rows[1:]] == [safe_cell(v) for v in NASTY]
    assert [row[2] for row in rows[1:]] == [safe_cell(v) for v in NASTY]


@pytest.mark.parametrize("separator", SEPARATORS)
def test_no_piece_starts_a_formula_whatever_the_separator(separator: str) -> None:
    """A spreadsheet set to another separator (or ignoring quotes) splits inside our cells."""
    text = export(NASTY)
    for line in re.split(r"[\r\n]+", text):
        for piece in line.split(separator):
            visible = piece.replace('"', "").lstrip(" ")
            assert not visible.startswith(FORMULA), (separator, line)


def test_the_header_keeps_its_order_and_ends_with_the_v3_columns() -> None:
    assert HEADER[:12] == (
        "Time (UTC)", "Event", "Technician", "User", "User id", "Pass id", "Lifetime (minutes)",
        "One-time", "Flow", "Step", "Session", "Detail",
    )  # fmt: skip
    assert HEADER[12:] == ("Tenant", "Replaces pass", "Error code", "Request id")


def test_the_new_columns_carry_tenant_replacement_refusal_code_and_request_id() -> None:
    refused = AuditEvent(
        at=START, kind=AuditKind.REFUSE, technician="tess", target_upn="ava@contoso.example",
        tenant_id="contoso.example", replaces_pass_id="tap-1", error_code="=accountDisabled",
        request_id="r-42",
    )  # fmt: skip
    out = io.StringIO(newline="")
    write_audit_csv([refused], out)
    _header, row = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert row[12:] == ["contoso.example", "tap-1", "'=accountDisabled", "r-42"]
    # The JSON form: the same cells by header name, before formula escaping.
    (record,) = records([refused])
    assert list(record) == list(HEADER)
    assert list(record.values()) == row_values(refused)
    assert [safe_cell(v) for v in record.values()] == row
