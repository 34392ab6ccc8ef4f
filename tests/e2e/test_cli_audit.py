"""``tapdesk audit`` end to end: the table, JSON and CSV, the day range, the tenant filter, bad
dates, and a round trip with the window's CSV export."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tapdesk.core.audit import AuditEvent, AuditKind
from tapdesk.demo import DEMO_TENANT_ID
from tapdesk.store import DB_NAME, Store
from tapdesk.store.export import HEADER, safe_cell
from tapdesk.workflows import audit
from tests.helpers.cli import AVA, Cli
from tests.helpers.clock import START

OTHER = "fabrikam.example"
TESS = "tess.tech@northwind.example"
TODAY = START.astimezone().date()


def record(cli: Cli, *events: AuditEvent, tenant: str = DEMO_TENANT_ID) -> None:
    """Written straight into the database the CLI opens, as another tapdesk run would."""
    store = Store.open(cli.paths.data_dir / DB_NAME)
    store.tenant_id = tenant
    try:
        store.record_audit(*events)
    finally:
        store.close()


def ev(days_ago: int, kind: AuditKind = AuditKind.ISSUE, **fields: object) -> AuditEvent:
    values: dict = {"technician": TESS, "target_upn": AVA, "pass_id": f"tap-{days_ago}", **fields}
    return AuditEvent(START - timedelta(days=days_ago), kind, **values)


def day(days_ago: int) -> str:
    return (TODAY - timedelta(days=days_ago)).isoformat()


def json_rows(cli: Cli, *argv: str) -> list[dict[str, str]]:
    run = cli("--demo", "audit", "--json", *argv)
    assert run.code == 0, run.err
    return json.loads(run.out)


def test_the_table_lists_what_the_cli_issued_and_revoked(cli: Cli) -> None:
    issued = cli("--demo", "issue", AVA, "--lifetime", "120", "--once", "--json")
    assert issued.code == 0, issued.err
    pass_id = json.loads(issued.out)["id"]
    assert cli("--demo", "revoke", AVA).code == 0
    run = cli("--demo", "audit")
    assert run.code == 0, run.err
    head, columns, *lines = run.out.splitlines()
    assert head.startswith(f"Audit trail, {day(6)} to {day(0)}, tenant {DEMO_TENANT_ID}: 2 records")
    assert columns.split() == [
        "TIME",
        "EVENT",
        "TECHNICIAN",
        "USER",
        "STEP",
        "PASS",
        "ID",
        "DETAIL",
    ]
    assert [line.split()[2] for line in lines] == ["issue", "revoke"]
    assert all(AVA in line and pass_id in line for line in lines)
    assert "120 min; one-time" in lines[0]
    [code] = cli.passes()  # the value Graph sent, whatever the CLI printed
    assert code not in run.out


def test_json_has_the_csv_columns_by_name(cli: Cli) -> None:
    record(cli, ev(0, AuditKind.REFUSE, error_code="accountDisabled", request_id="r-1"))
    record(cli, ev(0, AuditKind.CONFIRM, pass_id="", step_id="identity", session_id="s1"))
    rows = json_rows(cli)
    assert [list(row) for row in rows] == [list(HEADER)] * 2
    refused, confirmed = rows
    assert (refused["Event"], refused["Error code"], refused["Request id"]) == (
        "refuse",
        "accountDisabled",
        "r-1",
    )
    assert (confirmed["Event"], confirmed["Step"], confirmed["Tenant"]) == (
        "confirm",
        "identity",
        DEMO_TENANT_ID,
    )


def test_csv_is_the_window_export_on_stdout(cli: Cli) -> None:
    record(cli, ev(1, lifetime_minutes=60, usable_once=True, detail="=1+1, and more"))
    run = cli("--demo", "audit", "--csv")
    assert run.code == 0, run.err
    assert "\r" not in run.out  # stdout makes "\n" the platform's line end itself
    header, row = list(csv.reader(io.StringIO(run.out, newline="")))
    assert header == list(HEADER)
    assert row[HEADER.index("Detail")] == "'=1+1, and more"
    assert row[HEADER.index("Lifetime (minutes)")] == "60"


def test_the_range_is_local_days_seven_by_default(cli: Cli) -> None:
    record(cli, ev(10), ev(7), ev(6), ev(0))
    by_default = json_rows(cli)
    assert [r["Pass id"] for r in by_default] == ["tap-6", "tap-0"]
    one_day = json_rows(cli, "--from", day(10), "--to", day(10))
    assert [r["Pass id"] for r in one_day] == ["tap-10"]
    # --to alone: the seven days ending there.
    assert [r["Pass id"] for r in json_rows(cli, "--to", day(4))] == ["tap-10", "tap-7", "tap-6"]
    # --from alone: up to today.
    assert [r["Pass id"] for r in json_rows(cli, "--from", day(7))] == ["tap-7", "tap-6", "tap-0"]


def test_another_tenants_records_show_only_when_asked_for(cli: Cli) -> None:
    record(cli, ev(0, pass_id="ours"))
    record(cli, ev(0, pass_id="theirs"), tenant=OTHER)
    assert [r["Pass id"] for r in json_rows(cli)] == ["ours"]
    everyone = json_rows(cli, "--tenant", "all")
    assert [(r["Pass id"], r["Tenant"]) for r in everyone] == [
        ("ours", DEMO_TENANT_ID),
        ("theirs", OTHER),
    ]
    assert [r["Pass id"] for r in json_rows(cli, "--tenant", OTHER.upper())] == ["theirs"]
    table = cli("--demo", "audit", "--tenant", "all")
    assert "TENANT" in table.out and OTHER in table.out and "all tenants" in table.out


def test_it_runs_without_a_tenant_sign_in_or_network(cli: Cli) -> None:
    record(cli, ev(0, pass_id="ours"))
    record(cli, ev(0, pass_id="theirs"), tenant=OTHER)
    run = cli("audit", env={"TAPDESK_HOME": cli.env["TAPDESK_HOME"]})  # no token, no --demo
    assert run.code == 0, run.err
    assert "all tenants: 2 records" in run.out  # no configured tenant to pick: all of them
    assert run.err == ""


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--from", "2030-02-30"], "Argument --from: '2030-02-30' is not a date such as"),
        (["--to", "06.01.2030"], "Argument --to: '06.01.2030' is not a date such as"),
        (["--from", "20300106"], "is not a date such as 2030-01-06 (YYYY-MM-DD)"),
        (["--from", "2030-01-05", "--to", "2030-01-04"], "--from 2030-01-05 is after --to"),
        (["--from", (TODAY + timedelta(days=1)).isoformat()], "is after today"),
    ],
)
def test_a_bad_date_is_a_usage_error_that_says_why(cli: Cli, argv: list[str], said: str) -> None:
    run = cli("--demo", "audit", *argv)
    assert run.code == 2 and run.out == ""
    assert said in run.err


def test_nothing_recorded_is_said_and_still_succeeds(cli: Cli) -> None:
    run = cli("--demo", "audit")
    assert run.code == 0 and run.out.startswith("No audit records: ")
    data = cli("--demo", "audit", "--json")
    assert (data.code, json.loads(data.out)) == (0, [])
    assert data.err.startswith("No audit records: ")  # stdout stays a valid document


HOSTILE = {
    "technician": "+tess@northwind.example",
    "target_upn": '=HYPERLINK("http://evil","x")',
    "detail": 'a, "quoted"\nline; -2 · ünïcødé',
    "error_code": "@SUM(A1)",
    "request_id": "r-\u202eevil\x1b]0;title\x07",
    "step_id": "identity",
    "session_id": "s-1",
    "flow_id": "passkey",
    "lifetime_minutes": 60,
    "usable_once": False,
    "replaces_pass_id": "tap-old",
}


def window_export(cli: Cli, tmp_path: Path, first: date, last: date) -> list[list[str]]:
    """What the window's Export CSV… writes (the same workflow and store call), read back."""
    target = tmp_path / "window.csv"
    store = Store.open(cli.paths.data_dir / DB_NAME)
    try:
        audit.export_csv(store, *audit.day_range(first, last), target)
    finally:
        store.close()
    with target.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_json_round_trips_with_the_windows_export(cli: Cli, tmp_path: Path) -> None:
    record(cli, ev(2, **HOSTILE), ev(1, AuditKind.REVOKE), ev(0, AuditKind.SKIP, step_id="x"))
    record(cli, ev(1, AuditKind.REFUSE, pass_id="", error_code="=x"), tenant=OTHER)
    header, *exported = window_export(cli, tmp_path, TODAY - timedelta(days=6), TODAY)
    rows = json_rows(cli, "--tenant", "all")
    assert len(rows) == len(exported) == 4
    assert all(list(row) == header for row in rows)
    # JSON carries the values; the CSV the same values formula-escaped for a spreadsheet.
    assert [[safe_cell(v) for v in row.values()] for row in rows] == exported
    hostile = rows[0]
    assert (
        hostile["User"] == HOSTILE["target_upn"] and hostile["Request id"] == HOSTILE["request_id"]
    )
    assert "\x1b" not in cli("--demo", "audit", "--json", "--tenant", "all").out


def test_csv_round_trips_with_the_windows_export(cli: Cli, tmp_path: Path) -> None:
    plain = {k: v for k, v in HOSTILE.items() if k != "request_id"}
    record(cli, ev(2, **plain), ev(0, AuditKind.COMPLETE, pass_id=""))
    exported = window_export(cli, tmp_path, TODAY - timedelta(days=6), TODAY)
    run = cli("--demo", "audit", "--csv")
    assert list(csv.reader(io.StringIO(run.out, newline=""))) == exported
    # A control character is shown, not obeyed: CSV on a terminal carries it as \\uXXXX text.
    record(cli, ev(0, request_id="r\x1b[2J"))
    assert "\x1b" not in (out := cli("--demo", "audit", "--csv").out) and "r\\u001b[2J" in out


def test_the_table_shows_outside_text_on_its_own_line_and_inert(cli: Cli) -> None:
    fake = "2030-01-06 09:00:00  revoke  FAKE"
    record(cli, ev(0, technician=f"tess\n{fake}", target_upn="ava\x1b[2J", detail=f"x\r\n{fake}"))
    run = cli("--demo", "audit")
    assert run.code == 0, run.err
    assert len(run.out.splitlines()) == 3  # heading, columns, the one record
    assert "\x1b" not in run.out and "\r" not in run.out
    assert "tess\\u000a2030" in run.out and "ava\\u001b[2J" in run.out


def test_the_table_prints_each_record_and_its_details_exactly(cli: Cli, utc: None) -> None:
    """One day, two records: the header line, aligned columns, every detail a record carries."""
    refused = ev(
        1,
        AuditKind.REFUSE,
        pass_id="",
        step_id="identity",
        lifetime_minutes=60,
        usable_once=False,
        replaces_pass_id="tap-old",
        error_code="accountDisabled",
        request_id="r-1",
        detail="refused by Graph",
    )
    record(cli, refused, ev(1, AuditKind.REVOKE, pass_id="tap-1"))
    run = cli("--demo", "audit", "--from", "2030-01-05", "--to", "2030-01-05")
    assert (run.code, run.err) == (0, "")
    assert run.out.splitlines() == [
        f"Audit trail, 2030-01-05, tenant {DEMO_TENANT_ID}: 2 records; times in UTC",
        "TIME                 EVENT   TECHNICIAN                   USER"
        "                           STEP      PASS ID  DETAIL",
        f"2030-01-05 08:00:00  refuse  {TESS}  {AVA}  identity"
        "           60 min; reusable; replaces tap-old; code accountDisabled; request-id r-1; "
        "refused by Graph",
        f"2030-01-05 08:00:00  revoke  {TESS}  {AVA}            tap-1",
    ]


def test_the_table_counts_one_record_and_names_a_tenant_left_blank(cli: Cli, utc: None) -> None:
    record(cli, ev(0, lifetime_minutes=0, usable_once=True), tenant="")
    run = cli("--demo", "audit", "--tenant", "")
    assert run.out.splitlines()[0] == (
        f"Audit trail, {day(6)} to {day(0)}, tenant (none): 1 record; times in UTC"
    )
    assert run.out.splitlines()[2].endswith("  tap-0    0 min; one-time")
