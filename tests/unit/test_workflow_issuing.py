"""What the issuer tells the technician and keeps for the auditor when Graph refuses a pass or
its revoke: the exact refusal, and the intent row and audit record it leaves behind."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime

import pytest

from tapdesk.core.audit import AuditKind
from tapdesk.core.passrules import IssueRequest
from tapdesk.core.roles import AUTHENTICATION_ADMINISTRATOR, Roles
from tapdesk.demo import DEMO_TECHNICIAN_UPN, DemoTenant, Fault
from tapdesk.errors import AdminTargetError, NotPermitted, Offline, Throttled
from tapdesk.graph.client import GraphClient
from tapdesk.graph.retry import NO_RETRY
from tapdesk.runtime.paths import AppPaths
from tapdesk.store import Store, open_store
from tapdesk.workflows.issuing import Issuer
from tests.helpers.clock import FakeClock
from tests.helpers.demo import as_lead
from tests.helpers.tokens import demo_graph

AVA = "ava.newhire@northwind.example"
ALEX = "alex.admin@northwind.example"
AUTH_ADMIN = Roles.from_wids([AUTHENTICATION_ADMINISTRATOR])


@pytest.fixture
def tenant(clock: FakeClock) -> DemoTenant:
    return as_lead(DemoTenant(clock=clock))


@pytest.fixture
def graph(tenant: DemoTenant, clock: FakeClock) -> Iterator[GraphClient]:
    client = demo_graph(tenant, clock, retry=NO_RETRY)
    yield client
    client.close()


@pytest.fixture
def store(paths: AppPaths, clock: FakeClock) -> Iterator[Store]:
    opened, _ = open_store(paths, clock=clock, busy_timeout=0.1)
    yield opened
    opened.close()


def audit_trail(store: Store) -> list:  # type: ignore[type-arg]
    span = (datetime(2000, 1, 1).astimezone(), datetime(2100, 1, 1).astimezone())
    return [r.event for r in store.audit(*span)]


def intent_rows(store: Store) -> list[tuple[str, ...]]:
    assert store.path is not None
    with sqlite3.connect(store.path) as conn:
        return list(
            conn.execute(
                "SELECT kind, state, pass_id, session_id, error_code, request_id FROM intents"
                " ORDER BY requested_at, kind"
            )
        )


def test_a_refused_admin_target_names_the_role_and_keeps_graphs_answer(graph, store, clock):
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock)
    with pytest.raises(AdminTargetError) as caught:
        issuer.issue(graph, graph.get_user(ALEX), IssueRequest())
    refused = caught.value
    assert (refused.message, refused.hint) == (
        f"{ALEX} holds an administrator role, so only a Privileged Authentication "
        "Administrator can issue them a pass.",
        "Ask a colleague who holds that role, or activate it in PIM and sign in again.",
    )
    assert (refused.status, refused.code) == (403, "accessDenied")
    [event] = audit_trail(store)
    assert (event.kind, event.error_code, event.request_id, event.detail) == (
        AuditKind.REFUSE,
        "accessDenied",
        refused.request_id,
        "",
    )
    assert refused.request_id


def test_a_throttled_issue_stays_a_throttle_for_a_members_only_technician(
    graph, tenant, store, clock
):
    """Only a 403 means "admin target"; Graph's other answers keep their own words."""
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock)
    ava = graph.get_user(AVA)
    tenant.inject(Fault.throttle("5", method="POST"))
    with pytest.raises(Throttled):
        issuer.issue(graph, ava, IssueRequest())


def test_a_refusal_before_graph_is_recorded_without_a_request_id(graph, store, clock):
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock)
    assert issuer.record_refusal(graph.get_user(AVA), "disabled", "Account disabled") == ()
    [event] = audit_trail(store)
    assert (event.kind, event.error_code, event.request_id, event.detail) == (
        AuditKind.REFUSE,
        "disabled",
        "",
        "Account disabled",
    )


def test_a_refused_revoke_names_the_person_and_its_intent_keeps_graphs_answer(
    graph, tenant, store, clock
):
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock)
    ava = graph.get_user(AVA)
    tap = issuer.issue(graph, ava, IssueRequest()).tap
    tenant.inject(Fault.error(403, "Authorization_RequestDenied", "no", method="DELETE"))
    with pytest.raises(NotPermitted) as caught:
        issuer.revoke(graph, ava, tap.id, session_id="s-1")
    assert caught.value.message == f"You are not allowed to do this for the pass of {AVA}."
    assert intent_rows(store)[1] == (
        "revoke",
        "failed",
        tap.id,
        "s-1",
        "Authorization_RequestDenied",
        caught.value.request_id,
    )


def test_a_revoke_that_cannot_reach_graph_records_the_error_type(graph, tenant, store, clock):
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock)
    ava = graph.get_user(AVA)
    tap = issuer.issue(graph, ava, IssueRequest()).tap
    tenant.inject(Fault.offline(method="DELETE"))
    with pytest.raises(Offline):
        issuer.revoke(graph, ava, tap.id)
    assert intent_rows(store)[1] == ("revoke", "failed", tap.id, "", "Offline", "")
