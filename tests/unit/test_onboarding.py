"""The onboarding service layer without Qt: saves in order, failures kept, narrow reads, resume."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tapdesk.core.audit import AuditKind
from tapdesk.core.checklist import StepState
from tapdesk.core.flows import load_flows
from tapdesk.core.models import PassCode, TemporaryAccessPass, User
from tapdesk.core.verify import GraphRead
from tapdesk.demo import DEMO_GRAPH_URL, DemoTenant, Fault
from tapdesk.errors import NotFound, NotPermitted, Offline, StorageError, Throttled
from tapdesk.graph.client import GraphClient
from tapdesk.runtime.resources import flows_dir
from tapdesk.store import DiskFull, Store
from tapdesk.workflows.onboarding import (
    OnboardingSession,
    ProblemKind,
    describe_poll_failure,
    poll_client,
    read,
    resume,
    save,
)
from tests.helpers.clock import START, FakeClock

FLOWS = {flow.id: flow for flow in load_flows(flows_dir())[0]}
AVA = User("u-ava", "ava.newhire@northwind.example", "Ava Newhire")
DAY = (START, START + timedelta(days=1))


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "tapdesk.db")
    yield opened
    opened.close()


def a_pass(tap_id: str = "tap-1") -> TemporaryAccessPass:
    return TemporaryAccessPass(tap_id, START, None, 60, True, True, code=PassCode("Xy7+kQ2m"))


def started(clock: FakeClock) -> OnboardingSession:
    session = OnboardingSession.start(
        FLOWS["passkey-authenticator"], AVA, technician="tess@northwind.example", clock=clock
    )
    session.tick("confirm-identity")
    session.pass_issued(a_pass(), [])
    return session


def test_saves_carry_every_event_once_and_never_overtake_each_other(store):
    clock = FakeClock()
    session = started(clock)
    first = session.begin_save()
    assert first is not None
    assert [e.kind for e in first.events] == [AuditKind.CONFIRM, AuditKind.ISSUE]
    session.override("add-account", "seen on the phone")
    assert session.begin_save() is None  # one save at a time: the newer waits
    save(store, first)
    assert session.saved(first)  # newer changes wait for their own save
    second = session.begin_save()
    assert second is not None and [e.kind for e in second.events] == [AuditKind.OVERRIDE]
    save(store, second)
    assert not session.saved(second) and not session.unsaved
    kept = store.session(session.session_id)
    assert kept is not None and kept.steps[2].state is StepState.OVERRIDDEN
    assert [r.event.kind for r in store.audit(*DAY)] == [
        AuditKind.CONFIRM,
        AuditKind.ISSUE,
        AuditKind.OVERRIDE,
    ]


def test_a_failed_save_keeps_everything_for_the_next_one(store):
    clock = FakeClock()
    session = started(clock)
    batch = session.begin_save()
    assert batch is not None
    session.save_failed(batch, DiskFull("The disk is full.", hint="Free some space."))
    assert (
        "could not be saved" in session.save_warning and "Free some space." in session.save_warning
    )
    assert session.problem_text() == "Not saved"
    again = session.begin_save()
    assert again is not None and again.events == batch.events
    save(store, again)
    session.saved(again)
    assert session.save_warning == "" and session.problem_text() == ""
    assert [r.event.kind for r in store.audit(*DAY)] == [AuditKind.CONFIRM, AuditKind.ISSUE]


def test_a_poll_that_changes_nothing_saves_nothing():
    clock = FakeClock()
    session = started(clock)
    batch = session.begin_save()
    assert batch is not None
    session.saved(batch)
    observation = read(_NoGraph(), AVA.id, frozenset(), clock)
    assert session.apply(observation) == []
    assert session.begin_save() is None


class _NoGraph:
    def list_taps(self, user_id: str) -> list[TemporaryAccessPass]:
        raise AssertionError("not asked for")

    def list_methods(self, user_id: str, kind: str = "all") -> list[object]:
        raise AssertionError("not asked for")


def test_read_asks_graph_for_exactly_the_lists_needed():
    clock = FakeClock()
    tenant = DemoTenant(clock=clock)
    graph = poll_client(
        GraphClient(
            DEMO_GRAPH_URL,
            lambda force_refresh=False: tenant.access_token(),
            transport=tenant.transport(),
            clock=clock,
        )
    )
    user = tenant.users["ava.newhire@northwind.example"]
    tenant.phone(user.upn).register_authenticator("ios")
    before = len(tenant.requests)
    seen = read(graph, user.id, {GraphRead.AUTHENTICATOR, GraphRead.PASS}, clock)
    paths = sorted(path.rsplit("/", 1)[-1] for _m, path, _h in tenant.requests[before:])
    assert paths == ["microsoftAuthenticatorMethods", "temporaryAccessPassMethods"]
    assert [m.kind.value for m in seen.methods] == ["microsoftAuthenticator"]
    assert seen.tap is None and seen.reads == {GraphRead.AUTHENTICATOR, GraphRead.PASS}
    # No retries inside the call: the poller's own backoff decides when to ask again.
    tenant.inject(Fault.throttle("7", path_contains="fido2Methods"))
    with pytest.raises(Throttled) as caught:
        read(graph, user.id, {GraphRead.FIDO2}, clock)
    assert caught.value.retry_after == 7.0 and clock.sleeps == []


def test_resume_restores_open_sessions_and_names_those_it_cannot(store):
    clock = FakeClock()
    session = started(clock)
    batch = session.begin_save()
    assert batch is not None
    save(store, batch)
    found = resume(store, FLOWS.values(), clock)
    [back] = found.sessions
    assert back.session_id == session.session_id and back.restored and back.pass_value_lost
    assert not back.unsaved  # exactly what the store holds
    assert back.checklist.active_step.id == "add-account"
    assert back.reads_needed() == {GraphRead.AUTHENTICATOR, GraphRead.PASS}
    others = [f for f in FLOWS.values() if f.id != "passkey-authenticator"]
    gone = resume(store, others, clock)
    assert gone.sessions == () and "no longer installed" in gone.problems[0]
    assert resume(None, FLOWS.values(), clock).sessions == ()
    assert not session.pass_value_lost  # this process showed the value


@pytest.mark.parametrize(
    ("error", "kind", "blocking"),
    [
        (Throttled("slow down"), ProblemKind.THROTTLED, False),
        (NotFound("gone"), ProblemKind.USER_GONE, True),
        (NotPermitted("no"), ProblemKind.NOT_PERMITTED, True),
        (Offline("no network"), ProblemKind.UNREACHABLE, False),
        (StorageError("odd"), ProblemKind.OTHER, False),
    ],
)
def test_poll_failures_say_what_happened_and_whether_waiting_helps(error, kind, blocking):
    problem = describe_poll_failure(error, "Ava Newhire", AVA.user_principal_name)
    assert (problem.kind, problem.blocking) == (kind, blocking)
    assert problem.title and problem.message


def test_issuing_for_a_session_reads_the_baseline_first_unless_the_card_already_did(
    tmp_path,
) -> None:
    from tapdesk.core.passrules import IssueRequest
    from tapdesk.core.roles import Roles
    from tapdesk.workflows.issuing import ForSession, Issuer

    clock = FakeClock()
    tenant = DemoTenant(clock=clock)
    token = tenant.access_token()
    graph = GraphClient(
        DEMO_GRAPH_URL, lambda force_refresh=False: token, transport=tenant.transport(), clock=clock
    )
    issuer = Issuer(
        "tess.tech@northwind.example", Roles.unknown(), None, clock, trail_required=False
    )
    ava = graph.get_user("ava.newhire@northwind.example")
    known = tuple(graph.list_methods(ava.id))

    def calls(**kw: object) -> list[str]:
        before = len(tenant.requests)
        session = ForSession("s", "f", replacing=False, **kw)  # type: ignore[arg-type]
        result = issuer.issue(graph, ava, IssueRequest(), session=session)
        assert {m.id for m in result.baseline} == {m.id for m in known}
        return [method for method, _path, _h in tenant.requests[before:]]

    assert calls() == ["GET", "POST"]  # methods first: a failure there leaves no pass behind
    assert calls(known_methods=known) == ["POST"]  # one round trip from the Issue click
    graph.close()
