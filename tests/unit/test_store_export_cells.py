"""The audit export as an auditor opens it: the time in UTC and the one-time and lifetime cells."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tapdesk.core.audit import AuditEvent, AuditKind
from tapdesk.errors import StorageError
from tapdesk.store import Store
from tests.helpers.clock import START, local_zone

EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
TOKYO = timezone(timedelta(hours=9))


@pytest.fixture
def tokyo_desk(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The technician's computer is not on UTC: the export must still be."""
    yield from local_zone(monkeypatch, "JST-9")  # POSIX form: needs no tz database


def _issue(at: datetime, **kw: object) -> AuditEvent:
    return AuditEvent(at, AuditKind.ISSUE, "tess", "ava@contoso.example", **kw)  # type: ignore[arg-type]


def test_the_export_shows_utc_times_and_one_time_and_lifetime_cells(
    tmp_path: Path, tokyo_desk: None
) -> None:
    """yes/no/blank for one-time and a blank lifetime where none was asked: never a guess."""
    store = Store.in_memory()
    store.record_audit(
        _issue(START.astimezone(TOKYO), lifetime_minutes=60, usable_once=True, pass_id="tap-1"),
        _issue(START + timedelta(minutes=1), lifetime_minutes=480, usable_once=False),
        _issue(START + timedelta(minutes=2)),
    )
    target = tmp_path / "audit.csv"
    assert store.export_audit_csv(*EVER, target) == 3
    store.close()
    with target.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert [(r[0], r[5], r[6], r[7]) for r in rows[1:]] == [
        ("2030-01-06 08:00:00", "tap-1", "60", "yes"),
        ("2030-01-06 08:01:00", "", "480", "no"),
        ("2030-01-06 08:02:00", "", "", ""),
    ]


def test_an_export_to_a_folder_that_is_gone_says_what_to_do(tmp_path: Path) -> None:
    """The technician reads which file failed, the system's reason and where to save instead."""
    store = Store.in_memory()
    target = tmp_path / "gone" / "audit.csv"
    with pytest.raises(StorageError) as caught:
        store.export_audit_csv(*EVER, target)
    store.close()
    assert str(caught.value) == (
        f"Storage problem: tapdesk cannot write {target}: No such file or directory. "
        "Choose another folder, or close the file if a spreadsheet has it open."
    )
