"""An onboarding session as the window drives it, without Qt: the words on its poll banner, its
queue line, who each audit event names, and what a resumed session keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tapdesk.core.audit import AuditKind
from tapdesk.core.flows import load_flows
from tapdesk.core.models import PassCode, TemporaryAccessPass, UsabilityReason, User
from tapdesk.core.roster import RosterStatus
from tapdesk.core.verify import GraphRead, Observation
from tapdesk.demo import DemoTenant
from tapdesk.errors import (
    NotFound,
    NotPermitted,
    Offline,
    SignInRequired,
    StorageError,
    Throttled,
)
from tapdesk.runtime.resources import flows_dir
from tapdesk.store import DiskFull, Store
from tapdesk.workflows.onboarding import (
    OnboardingSession,
    PollProblem,
    ProblemKind,
    SessionSummary,
    describe_poll_failure,
    read,
    resume,
    save,
)
from tests.helpers.clock import START, FakeClock
from tests.helpers.demo import demo_graph

FLOWS = {flow.id: flow for flow in load_flows(flows_dir())[0]}
AVA = User("u-ava", "ava.newhire@northwind.example", "Ava Newhire")
TESS = "tess@northwind.example"
KIM = "kim@northwind.example"
DAY = (START, START + timedelta(days=1))


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "tapdesk.db")
    yield opened
    opened.close()


def a_pass(reason: UsabilityReason = UsabilityReason.UNKNOWN) -> TemporaryAccessPass:
    return TemporaryAccessPass(
        "tap-1", START, None, 60, True, True, reason, code=PassCode("Xy7+kQ2m")
    )


def begun(clock: FakeClock, flow: str = "passkey-authenticator") -> OnboardingSession:
    return OnboardingSession.start(
        FLOWS[flow], AVA, technician=TESS, clock=clock, session_id="s-ava"
    )


def events(session: OnboardingSession) -> list[tuple[AuditKind, str, str]]:
    """What the audit trail would get: kind, technician, detail."""
    batch = session.begin_save()
    assert batch is not None
    session.saved(batch)
    return [(e.kind, e.technician, e.detail) for e in batch.events]


# --- the poll banner: exact words per failure --------------------------------------------------
def test_throttled_poll_says_checking_pauses_and_keeps_graphs_wait_and_request_id():
    error = Throttled("slow down", request_id="rid-1")
    error.retry_after = 7.0
    assert describe_poll_failure(error, "Ava Newhire", AVA.user_principal_name) == PollProblem(
        ProblemKind.THROTTLED,
        "Microsoft Graph asked tapdesk to slow down",
        "Checking pauses for as long as Graph asked, then carries on by itself.",
        retry_after=7.0,
        request_id="rid-1",
    )


def test_a_deleted_user_stops_checking_and_names_the_person():
    """Driven through the session, so the name and UPN are the session's own."""
    session = begun(FakeClock())
    problem = session.poll_failed(NotFound("gone", request_id="rid-2"))
    assert problem == PollProblem(
        ProblemKind.USER_GONE,
        "User not found",
        "Ava Newhire (ava.newhire@northwind.example) is no longer in the directory: the account "
        "may have been deleted while this session was open. Checking has stopped; the session "
        "and its record stay.",
        "Check the account in the Entra admin center. If it comes back, press Check again; "
        "otherwise close the session with a reason.",
        blocking=True,
        request_id="rid-2",
    )
    assert session.poll_problem == problem
    assert session.problem_text() == "User not found"


def test_an_ended_sign_in_blocks_checking_until_the_technician_signs_in():
    problem = describe_poll_failure(SignInRequired("x", request_id="rid-3"), "Ava", "a@x")
    assert problem == PollProblem(
        ProblemKind.SIGN_IN,
        "Sign-in needed",
        "Your sign-in ended, so tapdesk cannot check this user's methods.",
        "Sign in again, then press Check again.",
        blocking=True,
        request_id="rid-3",
    )


def test_a_refused_check_names_the_upn_and_keeps_graphs_hint_or_suggests_roles():
    refused = NotPermitted("no", hint="Activate Authentication Administrator.", request_id="r4")
    assert describe_poll_failure(refused, "Ava", "a@x") == PollProblem(
        ProblemKind.NOT_PERMITTED,
        "Not permitted to check",
        "Microsoft Graph refused to show the sign-in methods of a@x.",
        "Activate Authentication Administrator.",
        blocking=True,
        request_id="r4",
    )
    bare = describe_poll_failure(NotPermitted("no"), "Ava", "a@x")
    assert bare.hint == "Check your roles, then press Check again."


def test_an_unreachable_graph_keeps_trying_under_the_errors_own_title():
    problem = describe_poll_failure(Offline("no network", request_id="r5"), "Ava", "a@x")
    assert problem == PollProblem(
        ProblemKind.UNREACHABLE,
        "Cannot reach Microsoft",
        "tapdesk keeps trying, waiting a little longer each time.",
        request_id="r5",
    )


def test_any_other_poll_failure_shows_its_message_and_hint_and_keeps_trying():
    odd = StorageError("Odd answer.", hint="Look at the log.", request_id="r6")
    assert describe_poll_failure(odd, "Ava", "a@x") == PollProblem(
        ProblemKind.OTHER,
        "Storage problem",
        "Odd answer. tapdesk keeps trying, waiting a little longer each time.",
        "Look at the log.",
        request_id="r6",
    )


# --- the queue line ---------------------------------------------------------------------------
def test_summary_of_an_open_session_shows_the_step_in_progress_and_a_blocking_problem():
    clock = FakeClock()
    session = begun(clock)
    session.tick("confirm-identity")
    session.pass_issued(a_pass(), [])
    session.poll_failed(NotFound("gone"))
    assert session.summary() == SessionSummary(
        session_id="s-ava",
        user_id="u-ava",
        upn="ava.newhire@northwind.example",
        display_name="Ava Newhire",
        flow_id="passkey-authenticator",
        flow_title="Passkey via Authenticator",
        status=RosterStatus.PROBLEM,
        active_step="Install Authenticator and add the work account with the pass",
        problem="User not found",
        opened_at=START,
        closed=False,
        complete=False,
        technician=TESS,
    )


def test_summary_of_a_closed_session_has_no_step_in_progress():
    clock = FakeClock()
    session = begun(clock)
    session.pass_issued(a_pass(), [])
    session.abandon("left the company")
    line = session.summary()
    assert (line.active_step, line.closed, line.complete, line.problem, line.status) == (
        "",
        True,
        False,
        "",
        RosterStatus.PROBLEM,
    )


# --- who the audit trail names ------------------------------------------------------------------
def test_each_change_is_recorded_under_the_technician_who_made_it():
    clock = FakeClock()
    session = begun(clock, "web-sign-in")
    session.tick("confirm-identity", by=KIM)
    session.pass_issued(a_pass(), [], by=KIM)
    session.skip("wait-replication", "already replicated", by=KIM)
    session.override("lock-screen-sign-in", "seen it", by=KIM)
    session.pass_revoked(by=KIM)
    session.abandon("wrong person", by=KIM)
    assert events(session) == [
        (AuditKind.CONFIRM, KIM, ""),
        (AuditKind.ISSUE, KIM, "issued"),
        (AuditKind.SKIP, KIM, "already replicated"),
        (AuditKind.OVERRIDE, KIM, "seen it"),
        (AuditKind.REVOKE, KIM, ""),
        (AuditKind.ABANDON, KIM, "wrong person"),
    ]


def test_a_skip_without_a_reason_records_an_empty_reason():
    session = begun(FakeClock(), "web-sign-in")
    session.tick("confirm-identity")
    session.pass_issued(a_pass(), [])
    session.skip("wait-replication")
    assert events(session)[-1] == (AuditKind.SKIP, TESS, "")
    assert session.summary().active_step == "Sign in at the lock screen with Web sign-in"


def test_a_poll_that_only_sees_the_pass_used_is_saved():
    """First use starts the registration window: that must reach the store."""
    clock = FakeClock()
    session = begun(clock)
    session.tick("confirm-identity")
    session.pass_issued(a_pass(), [])
    events(session)
    used = a_pass(UsabilityReason.ONE_TIME_USED)
    clock.advance(60)
    assert session.apply(Observation(clock.now(), frozenset({GraphRead.PASS}), (), used)) == []
    batch = session.begin_save()
    assert batch is not None and batch.snapshot.pass_first_used_at == clock.now()


def test_a_timer_that_runs_out_finishes_its_step():
    clock = FakeClock()
    session = begun(clock, "oobe-pass")
    session.tick("confirm-identity")
    session.pass_issued(a_pass(), [])
    assert session.advance_timers() == []
    clock.advance(120)
    assert session.advance_timers() == ["wait-replication"]
    assert session.summary().active_step == "Sign in to Windows setup with the pass"


def test_the_save_warning_gives_the_error_its_hint_and_what_happens_next():
    session = begun(FakeClock())
    batch = session.begin_save()
    assert batch is not None
    session.save_failed(batch, DiskFull("The disk is full.", hint="Free some space."))
    assert session.save_warning == (
        "This session could not be saved (Disk full). The disk is full. Free some space. "
        "Everything stays on screen and is saved with the next change, or press Save again."
    )


# --- reading Graph and resuming ----------------------------------------------------------------
def test_read_returns_the_pass_graph_holds():
    clock = FakeClock()
    tenant = DemoTenant(clock=clock)
    graph = demo_graph(tenant, clock)
    ava = graph.get_user("ava.newhire@northwind.example")
    from tapdesk.core.passrules import IssueRequest

    issued = graph.create_tap(ava.id, IssueRequest())
    seen = read(graph, ava.id, {GraphRead.PASS}, clock)
    assert seen.tap is not None and seen.tap.id == issued.id
    graph.close()


def test_resume_skips_only_sessions_of_missing_flows_and_keeps_the_clock(store):
    clock = FakeClock()
    gone = OnboardingSession.start(
        FLOWS["oobe-pass"], AVA, technician=TESS, clock=clock, session_id="a-first"
    )
    for session in (gone, begun(clock)):
        batch = session.begin_save()
        assert batch is not None
        save(store, batch)
    clock.advance(1)  # the second session opens after the first
    bob = User("u-bob", "bob@northwind.example", "Bob")
    later = OnboardingSession.start(FLOWS["web-sign-in"], bob, technician=TESS, clock=clock)
    batch = later.begin_save()
    assert batch is not None
    save(store, batch)
    flows = [FLOWS["passkey-authenticator"], FLOWS["web-sign-in"]]
    found = resume(store, flows, clock)
    assert found.problems == (
        "The open session for ava.newhire@northwind.example follows the flow 'oobe-pass', "
        "which is no longer installed. It stays in the database, untouched.",
    )
    assert [s.upn for s in found.sessions] == [AVA.user_principal_name, "bob@northwind.example"]
    clock.advance(300)
    back = found.sessions[0]
    back.tick("confirm-identity")
    kept = back.begin_save()
    assert kept is not None and kept.events[0].at == START + timedelta(seconds=301)
