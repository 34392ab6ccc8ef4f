"""Which session the queue shows for a person: the open one, else today's latest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tapdesk.core.checklist import Checklist
from tapdesk.core.flows import load_flows
from tapdesk.runtime.resources import flows_dir
from tapdesk.store import Store
from tapdesk.ui.roster.window import local_day
from tapdesk.workflows.day import read_day_sessions
from tests.helpers.clock import FakeClock

UPN = "Ava.Newhire@northwind.example"


def _start(clock: FakeClock, flow, upn: str = UPN) -> Checklist:
    return Checklist.start(flow, user_id="id-ava", upn=upn, technician="tess", clock=clock)


def test_open_beats_closed_and_yesterday_is_left_out(tmp_path) -> None:
    clock = FakeClock()
    flows, _ = load_flows(flows_dir())
    flow = flows[0]
    store = Store.open(tmp_path / "t.db")
    start, end = local_day(clock.now())
    assert start <= clock.now() < end and end - start == timedelta(days=1)

    yesterday = _start(clock, flow, "nora.newhire@northwind.example")
    yesterday.abandon("no show")
    store.save_session(yesterday.snapshot())
    clock.advance(86_400)
    start, end = local_day(clock.now())
    done = _start(clock, flow)
    done.abandon("wrong person")
    store.save_session(done.snapshot())
    clock.advance(60)
    again = _start(clock, flow, UPN.lower())
    store.save_session(again.snapshot())

    by_id = {f.id: f for f in flows}  # the window's flows, loaded once
    day = read_day_sessions(store, start, end, by_id)
    assert set(day.by_upn) == {UPN.lower()}  # keyed case-insensitively; yesterday's closed one gone
    assert day.by_upn[UPN.lower()].session_id == again.session_id
    assert day.flows is by_id
    assert read_day_sessions(None, start, end, by_id).by_upn == {}
    store.close()


def test_local_day_is_the_technicians_day() -> None:
    start, end = local_day(datetime(2030, 1, 6, 23, 30, tzinfo=UTC))
    assert start.tzinfo is not None and start.hour == 0 and start.minute == 0
    assert start <= datetime(2030, 1, 6, 23, 30, tzinfo=UTC) < end
