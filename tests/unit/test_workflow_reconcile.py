"""Settling an interrupted issue or revoke: which pass is taken for the intent's, what the audit
record and the intent row keep, and the sentence the technician reads on the next start."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

from tapdesk.core.audit import AuditKind, Intent, IntentKind, IntentState
from tapdesk.core.passrules import IssueRequest
from tapdesk.demo import DemoTenant
from tapdesk.graph.client import GraphClient
from tapdesk.runtime.paths import AppPaths
from tapdesk.store import Store, open_store
from tapdesk.workflows.reconcile import SKEW, Settled, reconcile
from tests.helpers.clock import FakeClock
from tests.helpers.demo import as_lead
from tests.helpers.tokens import demo_graph

AVA = "ava.newhire@northwind.example"
# A local time, so the sentence's "%d %b %H:%M" reads the same in every time zone.
LOCAL = datetime(2030, 1, 6, 8, 5).astimezone()


@pytest.fixture
def graph(clock: FakeClock):  # type: ignore[no-untyped-def]
    tenant = as_lead(DemoTenant(clock=clock))
    client = demo_graph(tenant, clock)
    yield client
    client.close()


@pytest.fixture
def store(paths: AppPaths, clock: FakeClock):  # type: ignore[no-untyped-def]
    opened, _ = open_store(paths, clock=clock, busy_timeout=0.1)
    opened.tenant_id = "tenant-a"
    yield opened
    opened.close()


def intent(kind: IntentKind = IntentKind.ISSUE, **kw: object) -> Intent:
    fields: dict[str, object] = {
        "id": "i-1",
        "kind": kind,
        "technician": "tess@northwind.example",
        "target_upn": AVA,
        "target_id": "u-ava",
        "requested_at": LOCAL,
        "tenant_id": "tenant-a",
    }
    fields.update(kw)
    return Intent(**fields)  # type: ignore[arg-type]


def settle_one(graph: GraphClient, store: Store, clock: FakeClock, pending: Intent) -> Settled:
    store.begin_intent(pending)
    [settled] = reconcile(graph, store, clock)
    return settled


def audit_trail(store: Store) -> list:  # type: ignore[type-arg]
    span = (datetime(2000, 1, 1).astimezone(), datetime(2100, 1, 1).astimezone())
    return [r.event for r in store.audit(*span)]


def intent_row(store: Store) -> tuple[str, str]:
    assert store.path is not None
    with sqlite3.connect(store.path) as conn:
        [row] = conn.execute("SELECT state, pass_id FROM intents")
    return row


# --- the sentence ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "state", "said"),
    [
        (
            IntentKind.ISSUE,
            IntentState.OPEN,
            f"Could not check the interrupted issue for {AVA} (06 Jan 08:05) yet.",
        ),
        (
            IntentKind.ISSUE,
            IntentState.RECONCILED,
            f"A pass for {AVA} was issued at 06 Jan 08:05 when tapdesk was interrupted; it is "
            "recorded now. Its value is gone: revoke it, or replace it if still needed.",
        ),
        (
            IntentKind.ISSUE,
            IntentState.NOT_DONE,
            f"The pass asked for {AVA} at 06 Jan 08:05 was never created; nothing to do.",
        ),
        (
            IntentKind.REVOKE,
            IntentState.RECONCILED,
            f"The pass of {AVA} was revoked at 06 Jan 08:05; it is recorded now.",
        ),
        (
            IntentKind.REVOKE,
            IntentState.NOT_DONE,
            f"The pass of {AVA} was not revoked at 06 Jan 08:05: it still works.",
        ),
    ],
)
def test_the_sentence_after_an_interruption_says_who_when_and_what_to_do(kind, state, said):
    assert Settled(intent(kind), state).sentence() == said


def test_the_sentence_names_the_object_id_when_the_upn_is_unknown():
    settled = Settled(intent(target_upn=""), IntentState.NOT_DONE)
    assert settled.sentence() == (
        "The pass asked for u-ava at 06 Jan 08:05 was never created; nothing to do."
    )


# --- which pass is the intent's --------------------------------------------------------------
def _created_pass(graph: GraphClient, lifetime: int, once: bool) -> str:
    ava = graph.get_user(AVA)
    return graph.create_tap(ava.id, IssueRequest(lifetime_minutes=lifetime, usable_once=once)).id


@pytest.mark.parametrize("offset", [SKEW, -SKEW])
def test_a_pass_created_at_the_edge_of_the_clock_skew_is_the_intents(graph, store, clock, offset):
    tap_id = _created_pass(graph, 60, False)
    ava = graph.get_user(AVA)
    pending = intent(target_id=ava.id, requested_at=clock.now() + offset)
    settled = settle_one(graph, store, clock, pending)
    assert settled.state is IntentState.RECONCILED
    assert settled.tap is not None and settled.tap.id == tap_id  # the window offers to revoke it
    assert intent_row(store) == ("reconciled", tap_id)


@pytest.mark.parametrize(
    ("lifetime", "once"), [(90, False), (60, True)], ids=["other lifetime", "other usability"]
)
def test_a_pass_with_other_settings_is_not_taken_for_the_intents(
    graph, store, clock, lifetime, once
):
    _created_pass(graph, 60, False)
    ava = graph.get_user(AVA)
    pending = intent(
        target_id=ava.id, requested_at=clock.now(), lifetime_minutes=lifetime, usable_once=once
    )
    assert settle_one(graph, store, clock, pending).state is IntentState.NOT_DONE
    assert audit_trail(store) == []


def test_the_reconciled_issue_is_recorded_with_everything_the_intent_knew(graph, store, clock):
    tap_id = _created_pass(graph, 60, True)
    ava = graph.get_user(AVA)
    pending = intent(
        target_id=ava.id,
        requested_at=clock.now(),
        lifetime_minutes=60,
        usable_once=True,
        session_id="s-1",
        flow_id="web-sign-in",
        replaces_pass_id="tap-old",
    )
    settle_one(graph, store, clock, pending)
    [event] = audit_trail(store)
    assert (
        event.kind,
        event.target_upn,
        event.target_id,
        event.session_id,
        event.flow_id,
        event.pass_id,
        event.lifetime_minutes,
        event.usable_once,
        event.replaces_pass_id,
        event.tenant_id,
    ) == (
        AuditKind.ISSUE,
        AVA,
        ava.id,
        "s-1",
        "web-sign-in",
        tap_id,
        60,
        True,
        "tap-old",
        "tenant-a",
    )


def test_an_interrupted_revoke_of_a_pass_still_there_closes_as_not_revoked(graph, store, clock):
    tap_id = _created_pass(graph, 60, False)
    ava = graph.get_user(AVA)
    pending = intent(IntentKind.REVOKE, target_id=ava.id, pass_id=tap_id)
    settled = settle_one(graph, store, clock, pending)
    assert settled.state is IntentState.NOT_DONE and audit_trail(store) == []


def test_a_reconciled_revoke_carries_no_pass_settings(graph, store, clock):
    ava = graph.get_user(AVA)
    pending = intent(
        IntentKind.REVOKE,
        target_id=ava.id,
        pass_id="tap-gone",
        lifetime_minutes=60,
        usable_once=True,
    )
    settle_one(graph, store, clock, pending)
    [event] = audit_trail(store)
    assert (event.kind, event.pass_id, event.lifetime_minutes, event.usable_once) == (
        AuditKind.REVOKE,
        "tap-gone",
        None,
        None,
    )
