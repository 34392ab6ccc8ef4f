"""What an issue leaves for the auditor and sends to Graph: the intent row's fields, the audit
record's, the client-request-id Graph receives, the technician's status lines and the words
shown when the trail cannot be written. And the facts a roster row reads, call by call."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tapdesk.core.audit import AuditKind, Intent
from tapdesk.core.passrules import IssueRequest
from tapdesk.core.readiness import Finding, Severity
from tapdesk.core.roles import AUTHENTICATION_ADMINISTRATOR, Roles
from tapdesk.demo import DEMO_TECHNICIAN_UPN, DemoTenant, Fault
from tapdesk.errors import NotPermitted, Offline, StorageError, TrailUnavailable
from tapdesk.graph.client import GraphClient
from tapdesk.graph.retry import NO_RETRY, RetryPolicy
from tapdesk.runtime.paths import AppPaths
from tapdesk.store import Store, open_store
from tapdesk.workflows.issuing import ForSession, Issuer
from tapdesk.workflows.precheck import check_person
from tests.helpers.clock import FakeClock
from tests.helpers.tokens import demo_graph

AVA = "ava.newhire@northwind.example"
AUTH_ADMIN = Roles.from_wids([AUTHENTICATION_ADMINISTRATOR])
TAPS = "/authentication/temporaryAccessPassMethods"
INTENT_ROWS = (
    "SELECT technician, target_upn, target_id, lifetime_minutes, usable_once, start_at,"
    " session_id, flow_id, replaces_pass_id, state, error_code, request_id, client_request_id"
    " FROM intents ORDER BY requested_at"
)


def client(tenant: DemoTenant, clock: FakeClock, retry: RetryPolicy) -> GraphClient:
    return demo_graph(tenant, clock, retry=retry)


@pytest.fixture
def graph(tenant: DemoTenant, clock: FakeClock) -> Iterator[GraphClient]:
    made = client(tenant, clock, NO_RETRY)
    yield made
    made.close()


@pytest.fixture
def store(paths: AppPaths, clock: FakeClock) -> Iterator[Store]:
    opened, _ = open_store(paths, clock=clock, busy_timeout=0.1)
    yield opened
    opened.close()


def intent_rows(store: Store) -> list[dict[str, Any]]:
    assert store.path is not None
    with sqlite3.connect(store.path) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(INTENT_ROWS)
        return [dict(row) for row in rows]


def audit_trail(store: Store) -> list:  # type: ignore[type-arg]
    span = (datetime(2000, 1, 1).astimezone(), datetime(2100, 1, 1).astimezone())
    return [r.event for r in store.audit(*span)]


def posted_request_ids(tenant: DemoTenant) -> list[str | None]:
    """The client-request-id header of every pass creation Graph received."""
    return [h.get("client-request-id") for m, p, h in tenant.requests if m == "POST" and TAPS in p]


# --- what the intent and the record keep ---------------------------------------------------------
def test_an_issue_intent_keeps_what_was_asked_and_the_record_names_the_account(
    graph, tenant, store, clock
):
    """The auditor reads the request (lifetime, one-time, start, replaced pass) on the intent,
    and the account's object id on the record, whatever its UPN becomes later."""
    ava = graph.get_user(AVA)
    start = clock.now() + timedelta(hours=1)
    request = IssueRequest(lifetime_minutes=90, usable_once=True, start=start)
    issued = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock).issue(
        graph, ava, request, replaces="old-pass-id"
    )
    [row] = intent_rows(store)
    assert {k: v for k, v in row.items() if k not in ("start_at", "client_request_id")} == {
        "technician": DEMO_TECHNICIAN_UPN,
        "target_upn": AVA,
        "target_id": ava.id,
        "lifetime_minutes": 90,
        "usable_once": 1,
        "session_id": "",
        "flow_id": "",
        "replaces_pass_id": "old-pass-id",
        "state": "done",
        "error_code": "",
        "request_id": "",
    }
    assert datetime.fromisoformat(row["start_at"]) == start
    [event] = audit_trail(store)
    assert (event.kind, event.target_upn, event.target_id, event.pass_id) == (
        AuditKind.ISSUE,
        AVA,
        ava.id,
        issued.tap.id,
    )


def test_a_checklists_pass_intent_names_its_session_and_flow(graph, store, clock):
    """A crash before the checklist saves leaves an intent that says which session it was."""
    session = ForSession("s-1", "passkey-authenticator")
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock)
    issuer.issue(graph, graph.get_user(AVA), IssueRequest(), session=session)
    [row] = intent_rows(store)
    assert (row["session_id"], row["flow_id"], row["state"]) == (
        "s-1",
        "passkey-authenticator",
        "open",
    )


def test_graph_receives_the_client_request_id_the_intent_keeps(graph, tenant, store, clock):
    """Support finds the request from the intent: the id sent with it is the id stored, and
    each issue has its own."""
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock)
    ava = graph.get_user(AVA)
    issuer.issue(graph, ava, IssueRequest())
    issuer.issue(graph, ava, IssueRequest())
    stored = [row["client_request_id"] for row in intent_rows(store)]
    assert posted_request_ids(tenant) == stored
    assert len({str(uuid.UUID(value)) for value in stored}) == 2


def test_an_issue_graph_cannot_be_reached_for_is_recorded_as_offline(graph, tenant, store, clock):
    """No code and no request-id from Graph: the record names the error's kind instead."""
    tenant.inject(Fault.offline(method="POST"))
    with pytest.raises(Offline):
        Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock).issue(
            graph, graph.get_user(AVA), IssueRequest()
        )
    [row] = intent_rows(store)
    assert (row["state"], row["error_code"], row["request_id"]) == ("failed", "Offline", "")
    [event] = audit_trail(store)
    assert (event.kind, event.error_code, event.request_id) == (AuditKind.REFUSE, "Offline", "")


def test_a_checklists_refused_pass_is_recorded_with_its_session_and_flow(
    graph, tenant, store, clock
):
    tenant.inject(Fault.error(403, "Authorization_RequestDenied", "no", method="POST"))
    session = ForSession("s-1", "passkey-authenticator", known_methods=())
    with pytest.raises(NotPermitted) as refused:
        Issuer(DEMO_TECHNICIAN_UPN, Roles.unknown(), store, clock).issue(
            graph, graph.get_user(AVA), IssueRequest(), session=session
        )
    assert refused.value.message == f"You are not allowed to do this for {AVA}."
    [event] = audit_trail(store)
    assert (event.kind, event.session_id, event.flow_id, event.error_code) == (
        AuditKind.REFUSE,
        "s-1",
        "passkey-authenticator",
        "Authorization_RequestDenied",
    )
    [row] = intent_rows(store)  # the intent keeps Graph's request-id for a support case too
    assert (row["state"], row["error_code"], row["request_id"]) == (
        "failed",
        "Authorization_RequestDenied",
        event.request_id,
    )
    assert event.request_id


def test_a_lost_reply_tells_the_technician_a_replacement_is_issued(tenant, store, clock):
    """Graph created the pass but its answer was lost: the status line says so."""
    graph = client(tenant, clock, RetryPolicy())
    tenant.inject(Fault.drop_after_create())
    statuses: list[str] = []
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock)
    ava = graph.get_user(AVA)
    issued = issuer.issue(graph, ava, IssueRequest(), on_status=statuses.append)
    assert statuses == [
        "The reply was lost after Graph created a pass; issuing a replacement.",
        "Cannot reach Microsoft; trying again in 0.0 s…",
    ]
    assert [t.id for t in graph.list_taps(ava.id)] == [issued.tap.id]
    graph.close()


# --- when the trail cannot be written ------------------------------------------------------------
def test_without_a_database_the_technician_reads_why_and_what_to_do(graph, tenant, clock):
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, Store.in_memory(), clock)
    with pytest.raises(TrailUnavailable) as closed:
        issuer.issue(graph, graph.get_user(AVA), IssueRequest())
    assert (closed.value.message, closed.value.hint) == (
        "No pass was issued: the audit trail cannot be written. tapdesk's database is not "
        "available, so nothing done now would be recorded.",
        "See the notice shown at start (another tapdesk may hold the database); close it or "
        "restart tapdesk, then try again.",
    )
    assert posted_request_ids(tenant) == []


def test_a_locked_database_keeps_the_stores_advice(graph, tenant, store, clock):
    """The store knows why it could not write; its hint reaches the technician unchanged."""
    holder = sqlite3.connect(store.path, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(TrailUnavailable) as closed:
            Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock).issue(
                graph, graph.get_user(AVA), IssueRequest()
            )
    finally:
        holder.rollback()
        holder.close()
    assert closed.value.hint == (
        "Is a second tapdesk, a backup tool or a database viewer holding it? Close it and try "
        "again."
    )
    assert posted_request_ids(tenant) == []


class SilentTrail:
    """A trail that refuses the intent without advice of its own."""

    persistent = True

    def begin_intent(self, intent: Intent) -> None:
        raise StorageError("The trail refused the intent.")


def test_a_trail_failure_without_advice_still_says_what_to_do(graph, clock):
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, SilentTrail(), clock)  # type: ignore[arg-type]
    with pytest.raises(TrailUnavailable) as closed:
        issuer.issue(graph, graph.get_user(AVA), IssueRequest())
    assert closed.value.hint == "Free the database (close other tapdesk windows), then retry."


def test_a_record_that_cannot_be_saved_after_the_pass_says_it_is_completed_later(
    tenant, store, clock
):
    """The database is locked while Graph creates the pass: the pass is shown, with a warning,
    and its intent stays open for the next start."""
    holder = sqlite3.connect(store.path, timeout=0, isolation_level=None)
    serve = tenant.handler

    def lock_on_create(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and TAPS in request.url.path:
            holder.execute("BEGIN IMMEDIATE")  # another program takes the write lock now
        return serve(request)

    tenant.handler = lock_on_create  # type: ignore[method-assign]
    graph = client(tenant, clock, NO_RETRY)
    try:
        issued = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock).issue(
            graph, graph.get_user(AVA), IssueRequest()
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        graph.close()
    assert issued.warnings == (
        f"The audit record could not be saved: The tapdesk database ({store.path}) is locked by "
        "another program, so completing the audit record failed. It is completed the next time "
        "tapdesk starts.",
    )
    assert [row["state"] for row in intent_rows(store)] == ["open"]
    assert audit_trail(store) == []


# --- the facts a roster row reads ----------------------------------------------------------------
class Failing:
    """The real Graph client, except that ``fail_on`` raises a foreign error."""

    def __init__(self, fail_on: str, real: GraphClient) -> None:
        self._fail_on, self._real = fail_on, real

    def __getattr__(self, name: str) -> Any:
        if name == self._fail_on:

            def boom(*args: object, **kwargs: object) -> None:
                raise RuntimeError("boom")

            return boom
        return getattr(self._real, name)


@pytest.mark.parametrize(
    ("fails", "what"),
    [("memberships", "directory roles"), ("list_taps", "existing passes")],
)
def test_a_failed_read_names_the_fact_that_could_not_be_checked(graph, clock, fails, what):
    result = check_person(Failing(fails, graph), AVA, None, clock=clock)  # type: ignore[arg-type]
    assert result.findings[0] == Finding(
        "error",
        Severity.BLOCKS,
        f"Could not check {what}: an unexpected problem (RuntimeError).",
        "Check again. If it keeps happening, send the log file to your IT team.",
    )


def test_group_targets_graph_will_not_show_say_the_scope_could_not_be_checked(graph, tenant, clock):
    """The policy targets a group and Graph refuses the membership check: the row says the
    pass may not work, rather than nothing."""
    policy = graph.get_tap_policy()
    tenant.inject(Fault.error(403, "Authorization_RequestDenied", "no", path_contains="Member"))
    result = check_person(graph, AVA, policy, clock=clock)
    assert [(f.code, f.text) for f in result.findings] == [
        (
            "scope-unknown",
            "Could not check whether the pass policy targets the user; a pass works only if "
            "it does.",
        )
    ]


def test_a_switched_off_policy_asks_graph_nothing_about_its_targets(graph, tenant, clock):
    tenant.set_policy(state="disabled")
    policy = graph.get_tap_policy()
    asked_before = len(tenant.requests)
    result = check_person(graph, AVA, policy, clock=clock)
    assert [f.code for f in result.findings] == ["policy-disabled"]
    asked = [path for _, path, _ in tenant.requests[asked_before:]]
    assert not [path for path in asked if path.endswith("/checkMemberGroups")]
    assert any(path.endswith(TAPS) for path in asked)  # the row was read
