from __future__ import annotations

from datetime import timedelta

import pytest

from tapdesk.core.aaguid import AUTHENTICATOR_ANDROID
from tapdesk.core.audit import AuditKind
from tapdesk.core.checklist import (
    MAX_REASON,
    SYSTEM_ACTOR,
    Checklist,
    ChecklistError,
    Outcome,
    PassFacts,
    StepState,
)
from tapdesk.core.flows import Flow, parse_flow
from tapdesk.core.models import (
    AuthMethod,
    MethodKind,
    PassCode,
    TemporaryAccessPass,
    UsabilityReason,
)
from tapdesk.core.redaction import REMOVED, ShownPasses
from tapdesk.core.roster import RosterStatus, queue_status
from tapdesk.core.verify import GraphRead, Observation
from tapdesk.runtime.resources import flows_dir
from tests.helpers.clock import START, FakeClock

PASSWORD = AuthMethod("pw", MethodKind.PASSWORD)
APP = AuthMethod("app-1", MethodKind.AUTHENTICATOR, "Ava's phone")
PASSKEY = AuthMethod("fido-1", MethodKind.FIDO2, "Ava's phone", aaguid=AUTHENTICATOR_ANDROID)
HELLO = AuthMethod("whfb-1", MethodKind.WINDOWS_HELLO, "AVA-LAPTOP")
OLD_PASSKEY = AuthMethod("fido-0", MethodKind.FIDO2, "Old phone", aaguid=AUTHENTICATOR_ANDROID)


def flow(name: str) -> Flow:
    path = flows_dir() / f"{name}.toml"
    return parse_flow(path.read_text(encoding="utf-8"), source=str(path))


def tap(
    tap_id: str = "tap-1",
    *,
    once: bool = True,
    reason: UsabilityReason = UsabilityReason.ENABLED_BY_POLICY,
) -> TemporaryAccessPass:
    return TemporaryAccessPass(
        tap_id, START, None, 60, once, True, reason, code=PassCode("Xy7+kQ2m")
    )


def start(
    name: str = "passkey-authenticator", clock: FakeClock | None = None
) -> tuple[Checklist, FakeClock]:
    clock = clock or FakeClock()
    checklist = Checklist.start(
        flow(name),
        user_id="u-ava",
        upn="ava@contoso.example",
        technician="tess",
        clock=clock,
        session_id="s1",
    )
    return checklist, clock


def observe(
    checklist: Checklist,
    clock: FakeClock,
    *methods: AuthMethod,
    current: TemporaryAccessPass | None = None,
    reads: frozenset[GraphRead] | None = None,
) -> list[str]:
    wanted = reads if reads is not None else checklist.reads_needed()
    return checklist.observe(Observation(clock.now(), wanted, (PASSWORD, *methods), current))


def states(checklist: Checklist) -> dict[str, StepState]:
    return {step.id: record.state for step, record in checklist.records()}


def test_a_new_session_starts_on_the_first_step() -> None:
    checklist, _ = start()
    assert checklist.active_step is not None and checklist.active_step.id == "confirm-identity"
    assert checklist.record("confirm-identity").activated_at == START
    assert states(checklist)["issue-pass"] is StepState.PENDING
    assert checklist.reads_needed() == frozenset()  # no pass yet: nothing to poll


def test_passkey_flow_ticks_itself_from_observations_to_completion() -> None:
    checklist, clock = start()
    checklist.tick("confirm-identity")
    clock.advance(30)
    checklist.pass_issued(tap(), [PASSWORD])
    assert states(checklist)["issue-pass"] is StepState.DONE
    assert checklist.active_step is not None and checklist.active_step.id == "add-account"
    # Waiting for Authenticator; the one-time pass's first use starts the passkey window.
    assert checklist.reads_needed() == {GraphRead.AUTHENTICATOR, GraphRead.PASS}
    clock.advance(10)
    assert observe(checklist, clock, current=tap()) == []
    assert checklist.waiting_text("add-account").startswith("Waiting for Microsoft Authenticator")
    # A later step whose list was not fetched keeps its plain "waiting for" line.
    assert checklist.result("create-passkey") is None
    assert checklist.waiting_text("create-passkey").startswith("Waiting for a passkey")

    clock.advance(10)
    used = tap(reason=UsabilityReason.ONE_TIME_USED)
    assert observe(checklist, clock, APP, current=used) == ["add-account"]
    record = checklist.record("add-account")
    assert record.actor == SYSTEM_ACTOR and "Ava's phone" in record.evidence
    assert checklist.pass_first_used_at == clock.now()
    assert checklist.reads_needed() == {GraphRead.FIDO2}

    timer = checklist.timer("create-passkey")
    assert timer is not None and timer.running and timer.seconds_left == 600
    clock.advance(125)
    timer = checklist.timer("create-passkey")
    assert timer is not None and timer.text == "Registration window: 7:55 left"

    assert observe(checklist, clock, APP, PASSKEY) == ["create-passkey"]
    assert checklist.active_step is not None and checklist.active_step.id == "windows-oobe"
    assert checklist.reads_needed() == frozenset()
    checklist.tick("windows-oobe")

    checklist.pass_revoked()
    assert checklist.record("revoke-pass").action_done_at is not None
    assert checklist.reads_needed() == {GraphRead.PASS}
    assert observe(checklist, clock, APP, PASSKEY, current=used) == []
    assert not checklist.complete
    clock.advance(10)
    assert observe(checklist, clock, APP, PASSKEY, current=None) == ["revoke-pass"]
    assert checklist.complete and checklist.closed
    assert checklist.active_step is None
    assert checklist.reads_needed() == frozenset()
    events = [(e.kind, e.step_id) for e in checklist.drain_events()]
    assert events == [
        (AuditKind.CONFIRM, "confirm-identity"),  # the technician vouched for the ID check
        (AuditKind.ISSUE, "issue-pass"),
        (AuditKind.CONFIRM, "windows-oobe"),
        (AuditKind.REVOKE, "revoke-pass"),
        (AuditKind.COMPLETE, ""),
    ]
    assert checklist.drain_events() == []


def test_one_poll_can_tick_several_steps_when_the_new_hire_raced_ahead() -> None:
    checklist, clock = start()
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD])
    every = frozenset(GraphRead)
    done = observe(checklist, clock, APP, PASSKEY, current=tap(), reads=every)
    assert done == ["add-account", "create-passkey"]


def test_a_method_that_existed_before_the_pass_never_ticks() -> None:
    """Not even a step that counts existing methods: only its own kind, when issued."""
    checklist, clock = start()
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD, OLD_PASSKEY])
    assert observe(checklist, clock, OLD_PASSKEY, reads=frozenset(GraphRead)) == []
    assert states(checklist)["add-account"] is StepState.ACTIVE


def test_authenticator_already_on_the_account_finishes_its_step_when_the_pass_is_issued() -> None:
    """Someone who has Authenticator adds the passkey to it: no new Authenticator ever appears."""
    checklist, _ = start()
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD, APP])
    record = checklist.record("add-account")
    assert record.state is StepState.DONE and record.actor == SYSTEM_ACTOR
    assert (
        record.evidence
        == f"Microsoft Authenticator was already on the account on {APP.display_name}"
    )
    assert checklist.active_step is not None and checklist.active_step.id == "create-passkey"
    assert checklist.snapshot().baseline.kinds == {MethodKind.PASSWORD, MethodKind.AUTHENTICATOR}


def test_verify_steps_cannot_be_ticked_by_hand_but_can_be_overridden_with_a_reason() -> None:
    checklist, clock = start()
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD])
    with pytest.raises(ChecklistError):
        checklist.tick("add-account")
    with pytest.raises(ChecklistError, match="reason"):
        checklist.override("add-account", "   ")
    clock.advance(5)
    checklist.override("add-account", "Graph is slow;  saw it on the phone", by="sam")
    record = checklist.record("add-account")
    assert record.state is StepState.OVERRIDDEN and record.actor == "sam"
    assert record.reason == "Graph is slow; saw it on the phone"
    assert record.finished_at == clock.now()
    override = next(e for e in checklist.drain_events() if e.kind is AuditKind.OVERRIDE)
    assert override.technician == "sam" and override.step_id == "add-account"
    assert override.pass_id == "tap-1" and override.lifetime_minutes == 60 and override.usable_once
    assert override.detail == record.reason


def test_optional_steps_can_be_skipped_required_ones_cannot() -> None:
    checklist, _ = start("recover-method")
    checklist.tick("confirm-identity")
    checklist.tick("remove-lost-method")
    checklist.pass_issued(tap(), [PASSWORD])
    with pytest.raises(ChecklistError, match="required"):
        checklist.skip("new-passkey")
    checklist.skip("add-authenticator", "security key instead")
    assert states(checklist)["add-authenticator"] is StepState.SKIPPED
    assert checklist.reads_needed() == {GraphRead.FIDO2, GraphRead.PASS}


def test_a_finished_step_cannot_be_changed() -> None:
    checklist, _ = start()
    checklist.tick("confirm-identity")
    with pytest.raises(ChecklistError, match="already finished"):
        checklist.tick("confirm-identity")
    with pytest.raises(ChecklistError):
        checklist.override("nope", "x")


def test_pass_used_of_a_reusable_pass_is_ticked_by_hand() -> None:
    checklist, clock = start("web-sign-in")
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(once=False), [PASSWORD])
    checklist.skip("wait-replication")
    assert checklist.active_step is not None and checklist.active_step.id == "lock-screen-sign-in"
    assert checklist.reads_needed() == frozenset()  # nothing Graph could show
    assert "reusable" in checklist.waiting_text("lock-screen-sign-in")
    assert checklist.can_tick("lock-screen-sign-in")
    checklist.tick("lock-screen-sign-in")
    assert checklist.reads_needed() == {GraphRead.WINDOWS_HELLO}
    assert observe(checklist, clock, HELLO) == ["windows-hello"]


def test_pass_used_of_a_one_time_pass_ticks_itself() -> None:
    checklist, clock = start("web-sign-in")
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD])
    checklist.skip("wait-replication")
    assert not checklist.can_tick("lock-screen-sign-in")
    assert checklist.reads_needed() == {GraphRead.PASS}
    assert observe(checklist, clock, current=tap(reason=UsabilityReason.ONE_TIME_USED)) == [
        "lock-screen-sign-in"
    ]


def test_a_timer_step_finishes_when_its_time_is_up() -> None:
    checklist, clock = start("oobe-pass")
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(once=False), [PASSWORD])
    assert checklist.active_step is not None and checklist.active_step.id == "wait-replication"
    clock.advance(119)
    assert checklist.advance_timers() == []
    view = checklist.timer("wait-replication")
    assert view is not None and view.text == "Pass reaching sign-in: 0:01 left"
    clock.advance(1)
    assert checklist.advance_timers() == ["wait-replication"]
    record = checklist.record("wait-replication")
    assert record.state is StepState.DONE and record.finished_at == START + timedelta(seconds=120)


def test_the_registration_window_does_not_apply_to_a_reusable_pass() -> None:
    checklist, _ = start()
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(once=False), [PASSWORD])
    assert checklist.timer("create-passkey") is None
    assert checklist.reads_needed() == {GraphRead.AUTHENTICATOR}


def test_the_registration_window_waits_for_first_use_and_runs_out() -> None:
    checklist, clock = start()
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD])
    waiting = checklist.timer("create-passkey")
    assert waiting is not None and waiting.started_at is None and "first used" in waiting.text
    observe(checklist, clock, APP, current=tap(reason=UsabilityReason.ONE_TIME_USED))
    clock.advance(601)
    ran_out = checklist.timer("create-passkey")
    assert ran_out is not None and ran_out.ran_out and ran_out.text.endswith("time is up")


def test_replacing_the_pass_keeps_the_baseline_and_audits_it() -> None:
    checklist, clock = start()
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD])
    observe(checklist, clock, APP, current=tap(reason=UsabilityReason.ONE_TIME_USED))
    checklist.drain_events()
    clock.advance(700)  # the window ran out: a new pass
    checklist.pass_issued(tap("tap-2"), [PASSWORD, APP])
    assert checklist.pass_facts == PassFacts("tap-2", START, None, 60, True)
    assert checklist.baseline is not None and checklist.baseline.method_ids == {"pw"}
    assert checklist.pass_first_used_at is None
    (event,) = checklist.drain_events()
    assert event.kind is AuditKind.ISSUE and event.pass_id == "tap-2"
    assert (event.replaces_pass_id, event.step_id) == ("tap-1", "issue-pass")


def test_abandon_closes_with_a_reason() -> None:
    checklist, _ = start()
    checklist.abandon("new hire went home")
    assert checklist.closed and not checklist.complete
    assert checklist.snapshot().outcome is Outcome.ABANDONED
    assert checklist.reads_needed() == frozenset()
    with pytest.raises(ChecklistError):
        checklist.tick("confirm-identity")


def test_snapshot_and_restore_resume_where_it_stopped() -> None:
    checklist, clock = start()
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD])
    observe(checklist, clock, APP, current=tap(reason=UsabilityReason.ONE_TIME_USED))
    snap = checklist.snapshot()
    assert "Xy7+kQ2m" not in repr(snap)
    again = Checklist.restore(flow("passkey-authenticator"), snap, clock=clock)
    assert again.restored
    assert again.snapshot() == snap
    assert again.active_step is not None and again.active_step.id == "create-passkey"
    assert again.reads_needed() == {GraphRead.FIDO2}
    assert observe(again, clock, APP, PASSKEY) == ["create-passkey"]


def test_restore_tolerates_a_flow_file_that_changed() -> None:
    checklist, _ = start()
    checklist.tick("confirm-identity")
    snap = checklist.snapshot()
    original = flow("passkey-authenticator")
    shorter = Flow(
        original.id, original.title, original.summary, original.steps[:2] + original.steps[3:]
    )
    again = Checklist.restore(shorter, snap, clock=FakeClock())
    assert [s.id for s, _ in again.records()] == [s.id for s in shorter.steps]
    assert again.record("confirm-identity").state is StepState.DONE
    with pytest.raises(ValueError, match="flow"):
        Checklist.restore(flow("oobe-pass"), snap)


def test_a_reason_loses_a_shown_pass_before_it_is_kept_or_cut() -> None:
    """On screen and in the snapshot too, not only in the store; and a pass the length cut
    would go through is removed whole first."""
    shown = ShownPasses()
    shown.remember(PassCode("Xy7+kQ2m"))
    checklist = Checklist.start(
        flow("recover-method"), user_id="u", upn="ava@contoso.example", technician="tess",
        clock=FakeClock(), shown=shown,
    )  # fmt: skip
    checklist.tick("confirm-identity")
    checklist.tick("remove-lost-method")
    checklist.pass_issued(tap(), [PASSWORD])
    checklist.skip("add-authenticator", "typed xy7+ KQ2M by mistake")
    assert checklist.record("add-authenticator").reason == f"typed {REMOVED} by mistake"
    long = "x" * (MAX_REASON - 4) + " Xy7+kQ2m"
    checklist.abandon(long)
    said = {AuditKind.SKIP, AuditKind.ABANDON}
    details = [e.detail for e in checklist.drain_events() if e.kind in said]
    assert details == [f"typed {REMOVED} by mistake", ("x" * (MAX_REASON - 4) + " [pa")]


def test_a_restored_checklist_cleans_reasons_with_the_registry_it_is_given() -> None:
    shown = ShownPasses()
    shown.remember(PassCode("Xy7+kQ2m"))
    first = Checklist.start(
        flow("recover-method"), user_id="u", upn="ava@contoso.example", technician="tess",
        clock=FakeClock(),
    )  # fmt: skip
    again = Checklist.restore(first.flow, first.snapshot(), clock=FakeClock(), shown=shown)
    again.abandon("read out xy7+kq2m")
    assert again.snapshot().outcome is not None
    [event] = [e for e in again.drain_events() if e.kind is AuditKind.ABANDON]
    assert event.detail == f"read out {REMOVED}"


def test_queue_status_follows_the_session() -> None:
    passkey = flow("passkey-authenticator")
    assert queue_status(None) is RosterStatus.WAITING
    assert queue_status(None, problem=True) is RosterStatus.PROBLEM
    checklist, clock = start()
    assert queue_status(checklist.snapshot(), passkey) is RosterStatus.WAITING
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD])
    assert queue_status(checklist.snapshot(), passkey) is RosterStatus.PASS_ISSUED
    observe(checklist, clock, APP)
    assert queue_status(checklist.snapshot(), passkey) is RosterStatus.AUTHENTICATOR
    observe(checklist, clock, APP, PASSKEY)
    assert queue_status(checklist.snapshot(), passkey) is RosterStatus.PASSKEY
    checklist.abandon("left")
    assert queue_status(checklist.snapshot(), passkey) is RosterStatus.PROBLEM
