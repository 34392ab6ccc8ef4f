"""Issuing with an audit trail: the record is written, and a failed write never hides the pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tapdesk.core.audit import AuditEvent, AuditKind, Intent, IntentState
from tapdesk.core.passrules import IssueRequest
from tapdesk.core.roles import AUTHENTICATION_ADMINISTRATOR, Roles
from tapdesk.demo import DEMO_TECHNICIAN_UPN, DemoTenant
from tapdesk.errors import AdminTargetError
from tapdesk.runtime.paths import AppPaths
from tapdesk.store import DiskFull, open_store
from tapdesk.workflows.issuing import Issuer
from tests.helpers.clock import FakeClock
from tests.helpers.demo import as_lead
from tests.helpers.tokens import demo_graph

AVA = "ava.newhire@northwind.example"
AUTH_ADMIN = Roles.from_wids([AUTHENTICATION_ADMINISTRATOR])


class FullDisk:
    """The intent fits; the disk fills up while Graph creates the pass."""

    persistent = True

    def __init__(self) -> None:
        self.tried: list[AuditEvent] = []
        self.intents: list[Intent] = []

    def begin_intent(self, intent: Intent) -> None:
        self.intents.append(intent)

    def finish_intent(self, intent_id: str, state: IntentState, **how: Any) -> None:
        self.tried.extend(how.get("events", ()))
        self.record_audit()

    def record_audit(self, *events: AuditEvent) -> None:
        self.tried.extend(events)
        raise DiskFull(
            "The disk is full, so the audit record was not saved.", hint="Free some space."
        )


@pytest.fixture
def world(tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = FakeClock()
    tenant = as_lead(DemoTenant(clock=clock))
    graph = demo_graph(tenant, clock)
    yield clock, tenant, graph
    graph.close()


def test_issue_and_revoke_are_recorded(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clock, _tenant, graph = world
    store, _ = open_store(AppPaths.default({"TAPDESK_HOME": str(tmp_path)}), clock=clock)
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock)
    user = graph.get_user(AVA)
    issued = issuer.issue(graph, user, IssueRequest(lifetime_minutes=90, usable_once=True))
    assert issued.warnings == () and issued.tap.code is not None
    assert issuer.revoke(graph, user, issued.tap.id) == ()
    events = [
        r.event for r in store.audit(clock.now().replace(year=2000), clock.now().replace(year=2100))
    ]
    assert [(e.kind, e.pass_id, e.lifetime_minutes, e.usable_once) for e in events] == [
        (AuditKind.ISSUE, issued.tap.id, 90, True),
        (AuditKind.REVOKE, issued.tap.id, None, None),
    ]
    store.close()


def test_a_sessions_pass_is_left_to_its_checklist_to_record(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """One route, one record: the issuer writes the audit for a pass of no session, and none
    for a session's pass (its checklist records it with the session)."""
    from tapdesk.workflows.issuing import ForSession

    clock, _tenant, graph = world
    store, _ = open_store(AppPaths.default({"TAPDESK_HOME": str(tmp_path)}), clock=clock)
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock)
    user = graph.get_user(AVA)
    issued = issuer.issue(graph, user, IssueRequest(), session=ForSession("s1", "f"))
    assert issued.tap.code is not None and issued.baseline  # the methods before the pass
    assert issuer.revoke(graph, user, issued.tap.id, session_id="s1") == ()
    span = (clock.now().replace(year=2000), clock.now().replace(year=2100))
    assert store.audit(*span) == []
    assert graph.list_taps(user.id) == []
    store.close()


def test_disk_full_on_the_audit_write_still_hands_over_the_pass(world) -> None:  # type: ignore[no-untyped-def]
    clock, _tenant, graph = world
    disk = FullDisk()
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, disk, clock)
    user = graph.get_user(AVA)
    issued = issuer.issue(graph, user, IssueRequest())
    assert issued.tap.code is not None  # the technician gets the pass Graph created
    assert len(issued.warnings) == 1 and "disk is full" in issued.warnings[0]
    assert disk.tried and disk.tried[0].pass_id == issued.tap.id
    assert [t.id for t in graph.list_taps(user.id)] == [issued.tap.id]  # and no second pass


def test_admin_target_refusal_names_the_role_that_would_work(world) -> None:  # type: ignore[no-untyped-def]
    clock, _tenant, graph = world
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, None, clock, trail_required=False)
    alex = graph.get_user("alex.admin@northwind.example")
    with pytest.raises(AdminTargetError) as info:
        issuer.issue(graph, alex, IssueRequest())
    assert "alex.admin@northwind.example" in info.value.message and info.value.request_id
