"""Write-ahead intents: what is about to be asked of Graph is committed first, the answer
completes it, a crash in between is settled against Graph on the next start, and without a
trail no pass is issued (fail closed)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest

from tapdesk.core.audit import AuditKind, IntentKind, IntentState
from tapdesk.core.passrules import IssueRequest
from tapdesk.core.roles import AUTHENTICATION_ADMINISTRATOR, Roles
from tapdesk.demo import DEMO_TECHNICIAN_UPN, DemoTenant, Fault
from tapdesk.errors import AdminTargetError, NotPermitted, TrailUnavailable
from tapdesk.graph.client import GraphClient
from tapdesk.runtime.paths import AppPaths
from tapdesk.store import Store, open_store
from tapdesk.workflows.issuing import NOT_RECORDED, TRAIL_OFF, ForSession, Issuer
from tapdesk.workflows.reconcile import RECONCILED, reconcile
from tests.helpers.clock import FakeClock
from tests.helpers.demo import as_lead
from tests.helpers.tokens import demo_graph

AVA = "ava.newhire@northwind.example"
AUTH_ADMIN = Roles.from_wids([AUTHENTICATION_ADMINISTRATOR])
FAST = 0.1


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def tenant(clock: FakeClock) -> DemoTenant:
    return as_lead(DemoTenant(clock=clock))


@pytest.fixture
def graph(tenant: DemoTenant, clock: FakeClock):  # type: ignore[no-untyped-def]
    client = demo_graph(tenant, clock)
    yield client
    client.close()


@pytest.fixture
def store(paths: AppPaths, clock: FakeClock):  # type: ignore[no-untyped-def]
    opened, _ = open_store(paths, clock=clock, busy_timeout=FAST)
    opened.tenant_id = "tenant-a"
    yield opened
    opened.close()


def everything(store: Store) -> list:  # type: ignore[type-arg]
    span = (datetime(2000, 1, 1).astimezone(), datetime(2100, 1, 1).astimezone())
    return [r.event for r in store.audit(*span)]


def intents(store: Store) -> list[tuple[str, str, str]]:
    assert store.path is not None
    with sqlite3.connect(store.path) as conn:
        return list(conn.execute("SELECT kind, state, pass_id FROM intents ORDER BY requested_at"))


def test_an_issue_commits_its_intent_then_completes_it_with_the_record(store, graph, clock):  # type: ignore[no-untyped-def]
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock)
    user = graph.get_user(AVA)
    issued = issuer.issue(graph, user, IssueRequest(lifetime_minutes=60, usable_once=True))
    assert intents(store) == [("issue", "done", issued.tap.id)]
    [event] = everything(store)
    assert (event.kind, event.pass_id, event.tenant_id) == (
        AuditKind.ISSUE,
        issued.tap.id,
        "tenant-a",
    )
    assert issuer.revoke(graph, user, issued.tap.id) == ()
    assert [i[:2] for i in intents(store)] == [("issue", "done"), ("revoke", "done")]


def test_a_replacement_names_the_pass_it_replaced(store, graph, clock):  # type: ignore[no-untyped-def]
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock)
    user = graph.get_user(AVA)
    first = issuer.issue(graph, user, IssueRequest())
    second = issuer.issue(graph, user, IssueRequest(), replaces=first.tap.id)
    assert [(e.pass_id, e.replaces_pass_id) for e in everything(store)] == [
        (first.tap.id, ""),
        (second.tap.id, first.tap.id),
    ]


def test_a_refusal_is_recorded_with_graphs_code_and_request_id(store, graph, tenant, clock):  # type: ignore[no-untyped-def]
    tenant.inject(Fault.error(403, "Authorization_RequestDenied", "no", method="POST"))
    issuer = Issuer(DEMO_TECHNICIAN_UPN, Roles.unknown(), store, clock)
    with pytest.raises(NotPermitted) as refused:
        issuer.issue(graph, graph.get_user(AVA), IssueRequest())
    [event] = everything(store)
    assert event.kind is AuditKind.REFUSE and event.pass_id == ""
    assert event.error_code == "Authorization_RequestDenied"
    assert event.request_id == refused.value.request_id and event.request_id
    assert intents(store)[0][1] == "failed"


def test_without_a_trail_no_pass_is_issued(graph, tenant, clock):  # type: ignore[no-untyped-def]
    memory = Store.in_memory()  # what open_store falls back to when the file is locked
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, memory, clock)
    with pytest.raises(TrailUnavailable) as closed:
        issuer.issue(graph, graph.get_user(AVA), IssueRequest())
    assert "not available" in closed.value.message and closed.value.hint
    assert tenant.users[AVA].tap is None  # nothing reached Graph


def test_a_write_lock_on_the_database_stops_the_issue(store, graph, tenant, clock):  # type: ignore[no-untyped-def]
    holder = sqlite3.connect(store.path, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock)
        with pytest.raises(TrailUnavailable) as closed:
            issuer.issue(graph, graph.get_user(AVA), IssueRequest())
    finally:
        holder.rollback()
        holder.close()
    assert closed.value.message.startswith("No pass was issued")
    assert tenant.users[AVA].tap is None


def test_the_site_may_allow_issuing_without_a_trail_and_every_issue_says_so(graph, tenant, clock):  # type: ignore[no-untyped-def]
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, Store.in_memory(), clock, False)
    issued = issuer.issue(graph, graph.get_user(AVA), IssueRequest())
    assert issued.warnings == (TRAIL_OFF,)
    assert tenant.users[AVA].tap is not None


# --- after an interruption -------------------------------------------------------------------
def _interrupted(store: Store, graph: GraphClient, clock: FakeClock, *, created: bool):  # type: ignore[no-untyped-def]
    """An intent committed, then (maybe) Graph created the pass, then tapdesk died."""
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock)
    user = graph.get_user(AVA)
    request = IssueRequest(lifetime_minutes=90, usable_once=False)
    store.begin_intent(
        issuer._intent(IntentKind.ISSUE, user, lifetime_minutes=90, usable_once=False)
    )
    clock.advance(2)
    return graph.create_tap(user.id, request) if created else None


def test_a_pass_created_before_the_crash_is_recorded_once_on_the_next_start(store, graph, clock):  # type: ignore[no-untyped-def]
    tap = _interrupted(store, graph, clock, created=True)
    settled = reconcile(graph, store, clock)
    assert [s.state for s in settled] == [IntentState.RECONCILED]
    assert settled[0].pass_left and "revoke it" in settled[0].sentence()
    [event] = everything(store)
    assert (event.kind, event.pass_id, event.detail) == (AuditKind.ISSUE, tap.id, RECONCILED)
    assert event.lifetime_minutes == 90 and event.usable_once is False
    assert reconcile(graph, store, clock) == []  # settled once, never twice
    assert len(everything(store)) == 1


def test_no_pass_closes_the_intent_as_not_issued(store, graph, clock):  # type: ignore[no-untyped-def]
    _interrupted(store, graph, clock, created=False)
    assert [s.state for s in reconcile(graph, store, clock)] == [IntentState.NOT_DONE]
    assert everything(store) == []
    assert intents(store)[0][1] == "not_done"


def test_a_pass_made_by_someone_else_later_is_not_taken_for_the_intents(store, graph, clock):  # type: ignore[no-untyped-def]
    _interrupted(store, graph, clock, created=False)
    clock.advance(timedelta(minutes=30).total_seconds())
    graph.create_tap(graph.get_user(AVA).id, IssueRequest(lifetime_minutes=90))
    assert [s.state for s in reconcile(graph, store, clock)] == [IntentState.NOT_DONE]
    assert everything(store) == []


def test_an_interrupted_revoke_is_recorded_when_the_pass_is_gone(store, graph, clock):  # type: ignore[no-untyped-def]
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock)
    user = graph.get_user(AVA)
    tap = issuer.issue(graph, user, IssueRequest()).tap
    store.begin_intent(issuer._intent(IntentKind.REVOKE, user, pass_id=tap.id))
    graph.delete_tap(user.id, tap.id)  # done in Entra; tapdesk died before recording it
    assert [s.state for s in reconcile(graph, store, clock)] == [IntentState.RECONCILED]
    assert [(e.kind, e.pass_id) for e in everything(store)] == [
        (AuditKind.ISSUE, tap.id),
        (AuditKind.REVOKE, tap.id),
    ]


def test_graph_out_of_reach_leaves_the_intent_for_the_next_start(store, graph, tenant, clock):  # type: ignore[no-untyped-def]
    _interrupted(store, graph, clock, created=True)
    tenant.inject(Fault.offline(times=None))
    assert [s.state for s in reconcile(graph, store, clock)] == [IntentState.OPEN]
    tenant.clear_faults()
    assert [s.state for s in reconcile(graph, store, clock)] == [IntentState.RECONCILED]


def test_another_tenants_intents_are_left_alone(store, graph, clock):  # type: ignore[no-untyped-def]
    _interrupted(store, graph, clock, created=True)
    store.tenant_id = "tenant-b"
    assert reconcile(graph, store, clock) == []
    store.tenant_id = "tenant-a"
    assert len(reconcile(graph, store, clock)) == 1


def test_the_schema_has_no_column_for_a_pass_value(store: Store) -> None:
    assert store.path is not None
    with sqlite3.connect(store.path) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(intents)")]
    assert "error_code" in columns  # the table was read
    assert not {"code", "value", "pass", "secret", "temporary_access_pass"} & set(columns)


def test_a_revoke_goes_ahead_without_a_trail_and_says_it_is_not_recorded(store, graph, clock):  # type: ignore[no-untyped-def]
    user = graph.get_user(AVA)
    tap = (
        Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock).issue(graph, user, IssueRequest()).tap
    )
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, Store.in_memory(), clock)
    assert issuer.revoke(graph, user, tap.id) == (NOT_RECORDED,)
    assert graph.list_taps(user.id) == []  # taking a credential away is never held back


def test_a_checklists_methods_read_refused_is_the_passes_refusal(store, graph, clock):  # type: ignore[no-untyped-def]
    """An admin target: Graph refuses the methods read a checklist needs first; that is the
    refusal of the pass, explained by the role and on record."""
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock)
    alex = graph.get_user("alex.admin@northwind.example")
    with pytest.raises(AdminTargetError):
        issuer.issue(graph, alex, IssueRequest(), session=ForSession("s1", "passkey-authenticator"))
    [event] = everything(store)
    assert event.kind is AuditKind.REFUSE and event.session_id == "s1" and event.request_id
