"""The new-hire day's sessions and the audit trail's date range: which records a technician or
an auditor sees for the days they chose."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tapdesk.core.audit import AuditEvent, AuditKind
from tapdesk.core.flows import load_flows
from tapdesk.core.models import User
from tapdesk.errors import StorageError
from tapdesk.runtime.resources import flows_dir
from tapdesk.store import Store
from tapdesk.workflows import audit
from tapdesk.workflows.day import read_day_sessions
from tapdesk.workflows.onboarding import OnboardingSession, save
from tests.helpers.clock import START, FakeClock

FLOWS = {flow.id: flow for flow in load_flows(flows_dir())[0]}
DAY = (START, START + timedelta(days=1))


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "tapdesk.db")
    yield opened
    opened.close()


def stored(store: Store, clock: FakeClock, upn: str, sid: str, *, closed: bool = False) -> None:
    session = OnboardingSession.start(
        FLOWS["web-sign-in"], User("u-" + sid, upn, ""), technician="t", clock=clock, session_id=sid
    )
    if closed:
        session.abandon("no show")
    batch = session.begin_save()
    assert batch is not None
    save(store, batch)


def test_the_day_shows_each_persons_latest_session_and_any_still_open(store):
    clock = FakeClock(START - timedelta(days=1))
    stored(store, clock, "ava@northwind.example", "ava-yesterday")  # open: still shown
    stored(store, clock, "old@northwind.example", "old-yesterday", closed=True)  # not today
    clock.advance(86400)
    stored(store, clock, "Bob@Northwind.example", "bob-first", closed=True)
    clock.advance(60)
    stored(store, clock, "bob@northwind.example", "bob-again", closed=True)
    clock.advance(86400)
    stored(store, clock, "cy@northwind.example", "cy-tomorrow", closed=True)  # after the day
    day = read_day_sessions(store, *DAY, FLOWS)
    assert {upn: s.session_id for upn, s in day.by_upn.items()} == {
        "ava@northwind.example": "ava-yesterday",
        "bob@northwind.example": "bob-again",
    }
    assert day.flows == FLOWS


def test_without_a_database_the_day_has_no_sessions_but_keeps_the_flows():
    day = read_day_sessions(None, *DAY, FLOWS)
    assert day.by_upn == {} and day.flows == FLOWS


def test_a_date_range_holds_its_first_midnight_and_ends_before_the_next_days(store):
    """The window's dates and the CLI's --from/--to: whole local days, nothing either side."""
    first, last = date(2030, 1, 6), date(2030, 1, 7)

    def at(day: date, hour: int, minute: int, second: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, second).astimezone()

    times = [
        at(date(2030, 1, 5), 23, 59, 59),
        at(first, 0, 0),
        at(last, 23, 59, 59),
        at(date(2030, 1, 8), 0, 0),
    ]
    store.record_audit(
        *(AuditEvent(t, AuditKind.ISSUE, "tess", f"u{i}@x") for i, t in enumerate(times))
    )
    start, end = audit.day_range(first, last)
    assert (start, end) == (at(first, 0, 0), at(date(2030, 1, 8), 0, 0))
    assert [e.target_upn for e in audit.events(store, start, end)] == ["u1@x", "u2@x"]


def test_without_a_database_the_audit_view_says_why_there_is_no_trail(tmp_path):
    for read in (
        lambda: audit.events(None, *DAY),
        lambda: audit.export_csv(None, *DAY, tmp_path / "out.csv"),
    ):
        with pytest.raises(StorageError) as caught:
            read()
        assert (caught.value.message, caught.value.hint) == (
            "tapdesk has no database in this run, so there is no audit trail to show.",
            "Restart tapdesk; if the database could not be opened, the start-up notice says why.",
        )
