"""What a checklist stores and says: the step records, audit events and messages a technician
or auditor reads (issue 18: each assertion names a value someone sees)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from tapdesk.core.audit import AuditKind
from tapdesk.core.checklist import SYSTEM_ACTOR, Checklist, ChecklistError, StepState
from tapdesk.core.flows import Flow, parse_flow
from tapdesk.core.models import AuthMethod, MethodKind, TemporaryAccessPass
from tapdesk.core.models import UsabilityReason as Usable
from tapdesk.core.verify import GraphRead, Observation
from tests.helpers.clock import START, FakeClock
from tests.unit.test_checklist import APP, PASSKEY, PASSWORD, flow, observe, start, tap

KEY = AuthMethod(
    "fido-9", MethodKind.FIDO2, "YubiKey 5", aaguid="00000000-0000-0000-0000-000000000000"
)
SAY = 'say = ["Go on."]'


def mini(*steps: str) -> Flow:
    """A small flow built from step tables, for shapes the shipped flows do not have."""
    body = "\n".join(f"[[steps]]\n{s}\n{SAY}\n" for s in steps)
    return parse_flow(f'id = "mini"\ntitle = "Mini"\nsummary = "s"\n{body}', source="mini.toml")


ISSUE = 'id = "issue"\ntitle = "Issue"\nkind = "action"\naction = "issue_pass"'
REVOKE = 'id = "revoke"\ntitle = "Revoke"\nkind = "action"\naction = "revoke_pass"'
MANUAL = 'id = "hand"\ntitle = "Hand"\nkind = "manual"'


def begin(f: Flow) -> tuple[Checklist, FakeClock]:
    clock = FakeClock()
    checklist = Checklist.start(
        f,
        user_id="u-ava",
        upn="ava@contoso.example",
        technician="tess",
        clock=clock,
        session_id="s1",
    )
    return checklist, clock


def refused(call: Callable[..., object], *args: object, **kwargs: object) -> tuple[str, str]:
    """The message and hint the technician reads when ``call`` is refused."""
    with pytest.raises(ChecklistError) as caught:
        call(*args, **kwargs)
    return caught.value.message, caught.value.hint


def test_every_audit_event_names_the_person_session_and_flow() -> None:
    """An auditor finds a session's events by user id, session and flow."""
    checklist, _ = start()
    checklist.tick("confirm-identity")
    (event,) = checklist.drain_events()
    assert (event.target_id, event.session_id, event.flow_id) == (
        "u-ava",
        "s1",
        "passkey-authenticator",
    )
    # Before any pass exists, the event carries no pass at all.
    assert (event.pass_id, event.replaces_pass_id, event.lifetime_minutes) == ("", "", None)


def test_a_ticked_step_records_no_reason_or_evidence() -> None:
    checklist, _ = start()
    checklist.tick("confirm-identity")
    record = checklist.record("confirm-identity")
    assert (record.state, record.actor, record.reason, record.evidence) == (
        StepState.DONE,
        "tess",
        "",
        "",
    )


def test_a_session_starts_without_a_display_name_unless_given() -> None:
    checklist, _ = start()
    assert checklist.snapshot().display_name == ""


def test_a_closed_session_refuses_steps_with_its_words() -> None:
    checklist, _ = start()
    checklist.abandon("went home")
    assert refused(checklist.tick, "confirm-identity") == ("This session is closed.", "")
    assert refused(checklist.pass_issued, tap(), [PASSWORD]) == (
        "This session is closed.",
        "Start a new session.",
    )
    assert not checklist.can_tick("confirm-identity")


def test_can_tick_is_false_for_finished_steps_and_for_tapdesks_actions() -> None:
    checklist, _ = start()
    assert not checklist.can_tick("issue-pass")  # tapdesk issues the pass, nobody ticks it
    checklist.tick("confirm-identity")
    assert not checklist.can_tick("confirm-identity")


def test_ticking_a_verify_step_says_how_to_finish_it() -> None:
    checklist, _ = start()
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD])
    assert refused(checklist.tick, "add-account") == (
        "'Install Authenticator and add the work account with the pass' is not ticked by hand.",
        "Wait for tapdesk to see it, or override it with a reason.",
    )


def test_an_override_without_a_reason_says_where_the_reason_goes() -> None:
    checklist, _ = start()
    assert refused(checklist.override, "confirm-identity", "  ") == (
        "Give a reason.",
        "The reason goes into the audit record.",
    )


def test_abandon_needs_a_reason_and_audits_it() -> None:
    checklist, _ = start()
    assert refused(checklist.abandon, "") == (
        "Give a reason.",
        "The reason goes into the audit record.",
    )
    assert not checklist.closed
    checklist.abandon("  new hire   went home ")
    (event,) = checklist.drain_events()
    assert (event.kind, event.detail) == (AuditKind.ABANDON, "new hire went home")


def test_skipping_a_required_step_says_to_override_it() -> None:
    checklist, _ = start()
    assert refused(checklist.skip, "confirm-identity") == (
        "'Confirm who the new hire is' is required.",
        "Override it with a reason if it is really done.",
    )


def test_a_skip_without_a_reason_stores_and_audits_an_empty_reason() -> None:
    checklist, _ = start("web-sign-in")
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD])
    checklist.drain_events()
    checklist.skip("wait-replication")
    assert checklist.record("wait-replication").reason == ""
    (event,) = checklist.drain_events()
    assert (event.kind, event.step_id, event.detail) == (AuditKind.SKIP, "wait-replication", "")


def test_a_skip_reason_is_stored_on_the_step_and_in_the_audit() -> None:
    checklist, _ = start("web-sign-in")
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD])
    checklist.drain_events()
    checklist.skip("wait-replication", "sign-in page already asks")
    assert checklist.record("wait-replication").reason == "sign-in page already asks"
    (event,) = checklist.drain_events()
    assert event.detail == "sign-in page already asks"


def test_issuing_records_the_step_time_evidence_and_baseline() -> None:
    """The pass step shows "Pass issued" with the time tapdesk created it."""
    checklist, clock = start()
    checklist.tick("confirm-identity")
    clock.advance(30)
    checklist.pass_issued(tap(), [PASSWORD])
    record = checklist.record("issue-pass")
    assert (record.evidence, record.action_done_at, record.finished_at) == (
        "Pass issued",
        START + timedelta(seconds=30),
        START + timedelta(seconds=30),
    )
    baseline = checklist.snapshot().baseline
    assert baseline is not None and baseline.issued_at == START + timedelta(seconds=30)


def test_a_pass_with_a_later_start_keeps_its_start() -> None:
    checklist, _ = start()
    later = START + timedelta(hours=2)
    future = TemporaryAccessPass("tap-1", START, later, 60, True, False, Usable.NOT_YET_VALID)
    checklist.pass_issued(future, [PASSWORD])
    facts = checklist.pass_facts
    assert (
        facts is not None and facts.start == later and facts.expires == later + timedelta(hours=1)
    )


def test_issuing_in_a_flow_without_a_pass_step_audits_no_step() -> None:
    checklist, _ = begin(mini(MANUAL))
    checklist.pass_issued(tap(), [PASSWORD])
    checklist.pass_issued(tap("tap-2"), [PASSWORD])
    first, second = checklist.drain_events()
    assert (first.kind, first.step_id, first.pass_id) == (AuditKind.ISSUE, "", "tap-1")
    assert (second.detail, second.step_id, second.pass_id) == ("replacement", "", "tap-2")


def test_a_second_issue_is_a_replacement_by_whoever_issued_it() -> None:
    checklist, _ = start()
    checklist.pass_issued(tap(), [PASSWORD])
    checklist.drain_events()
    checklist.pass_issued(tap("tap-2"), [PASSWORD], by="sam")
    (event,) = checklist.drain_events()
    assert (event.technician, event.detail, event.replaces_pass_id) == (
        "sam",
        "replacement",
        "tap-1",
    )


def test_a_replacement_watches_the_new_pass() -> None:
    """After a replacement, the new pass's first use ticks the sign-in step by itself."""
    checklist, clock = start("web-sign-in")
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD])
    checklist.skip("wait-replication")
    checklist.pass_issued(tap("tap-2"), [PASSWORD])
    used = tap("tap-2", reason=Usable.ONE_TIME_USED)
    assert observe(checklist, clock, current=used) == ["lock-screen-sign-in"]


def test_replacing_without_a_pass_or_after_revoking_is_refused_with_its_words() -> None:
    checklist, _ = start("oobe-pass")
    assert refused(checklist.pass_replaced, tap()) == (
        "There is no pass to replace in this session.",
        "",
    )
    checklist, _ = begin(mini(ISSUE, REVOKE, MANUAL))
    checklist.pass_issued(tap(), [PASSWORD])
    checklist.pass_revoked()
    assert refused(checklist.pass_issued, tap("tap-2"), [PASSWORD]) == (
        "The pass step is finished.",
        "Start a new session.",
    )


def test_a_replacement_after_a_revoke_waits_for_the_new_pass_to_go() -> None:
    """A revoke the check had not yet confirmed is undone: the new pass is live."""
    checklist, clock = start()
    checklist.pass_issued(tap(), [PASSWORD])
    checklist.pass_revoked()
    assert checklist.revoked and checklist.snapshot().revoked_at == START
    clock.advance(5)
    checklist.pass_issued(tap("tap-2"), [PASSWORD])
    assert not checklist.revoked and checklist.snapshot().revoked_at is None
    assert checklist.record("revoke-pass").action_done_at is None


def test_revoking_without_a_pass_is_refused_with_its_words() -> None:
    checklist, _ = start()
    assert refused(checklist.pass_revoked) == ("No pass was issued in this session.", "")


def test_a_revoke_step_without_a_check_is_done_when_tapdesk_revokes() -> None:
    """The revoke step's record: done by the technician at that time, "Pass revoked"."""
    checklist, clock = begin(mini(ISSUE, REVOKE, MANUAL))
    checklist.pass_issued(tap(), [PASSWORD])
    clock.advance(60)
    checklist.pass_revoked(by="sam")
    record = checklist.record("revoke")
    assert (record.state, record.actor, record.evidence) == (StepState.DONE, "sam", "Pass revoked")
    assert record.finished_at == record.action_done_at == START + timedelta(seconds=60)
    assert checklist.snapshot().revoked_at == START + timedelta(seconds=60)


def test_revoking_in_a_flow_without_a_revoke_step_audits_no_step() -> None:
    checklist, _ = begin(mini(ISSUE, MANUAL))
    checklist.pass_issued(tap(), [PASSWORD])
    checklist.drain_events()
    checklist.pass_revoked()
    (event,) = checklist.drain_events()
    assert (event.kind, event.step_id) == (AuditKind.REVOKE, "")


def test_timer_steps_record_why_they_finished() -> None:
    """A reusable pass skips the first-use window; a step timer that ran out says so."""
    timer = (
        'id = "window"\ntitle = "Window"\nkind = "timer"\nseconds = 60\n'
        'starts_at = "pass_first_use"\nlabel = "Window"'
    )
    checklist, _ = begin(mini(ISSUE, timer, MANUAL))
    checklist.pass_issued(tap(once=False), [PASSWORD])
    assert checklist.advance_timers() == ["window"]
    record = checklist.record("window")
    assert (record.state, record.actor, record.reason) == (
        StepState.SKIPPED,
        SYSTEM_ACTOR,
        "Not needed for a reusable pass",
    )
    checklist, clock = start("oobe-pass")
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(once=False), [PASSWORD])
    clock.advance(120)
    checklist.advance_timers()
    assert checklist.record("wait-replication").evidence == "Time is up"


def test_a_timer_reads_time_is_up_at_its_last_second() -> None:
    checklist, clock = start("oobe-pass")
    checklist.tick("confirm-identity")
    clock.advance(10)
    checklist.pass_issued(tap(once=False), [PASSWORD])
    view = checklist.timer("wait-replication")
    assert view is not None and view.started_at == START + timedelta(seconds=10)
    assert view.text == "Pass reaching sign-in: 2:00 left"
    clock.advance(120)
    view = checklist.timer("wait-replication")
    assert view is not None and view.text == "Pass reaching sign-in: time is up"


def test_a_timer_rounds_up_but_reads_zero_under_a_millisecond() -> None:
    checklist, clock = start("passkey-authenticator")
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD])
    observe(checklist, clock, APP, current=tap(reason=Usable.ONE_TIME_USED))
    view = checklist.timer("create-passkey")
    assert view is not None and view.text == "Registration window: 10:00 left"
    clock.advance(599.9995)
    view = checklist.timer("create-passkey")
    assert view is not None and view.text == "Registration window: 0:00 left"


def test_a_restored_session_counts_down_on_the_given_clock() -> None:
    checklist, clock = start()
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD])
    observe(checklist, clock, APP, current=tap(reason=Usable.ONE_TIME_USED))
    clock.advance(60)
    again = Checklist.restore(flow("passkey-authenticator"), checklist.snapshot(), clock=clock)
    view = again.timer("create-passkey")
    assert view is not None and view.text == "Registration window: 9:00 left"


def test_waiting_text_shows_what_graph_found_while_still_waiting() -> None:
    """A security key appeared, but the step wants a passkey in Authenticator: say so."""
    checklist, clock = start()
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD])
    observe(checklist, clock, APP, KEY, reads=frozenset(GraphRead))
    assert checklist.waiting_text("create-passkey") == (
        "A passkey from Security key or passkey ('YubiKey 5') appeared;"
        " still waiting for one in Authenticator"
    )
    assert checklist.waiting_text("confirm-identity") == ""


def test_waiting_text_for_a_reusable_pass_asks_for_a_tick() -> None:
    checklist, _ = start("web-sign-in")
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(once=False), [PASSWORD])
    assert checklist.waiting_text("lock-screen-sign-in") == (
        "Graph shows no use of a reusable pass: tick this step when the sign-in worked"
    )


def test_a_poll_checks_later_steps_when_an_earlier_list_was_not_read() -> None:
    """The passkey step ticks from a FIDO2-only poll; a step never activated gets that time."""
    checklist, clock = start()
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD])
    clock.advance(40)
    done = observe(checklist, clock, PASSKEY, reads=frozenset({GraphRead.FIDO2}))
    assert done == ["create-passkey"]
    record = checklist.record("create-passkey")
    assert record.activated_at == record.finished_at == START + timedelta(seconds=40)


def test_the_poll_that_completes_the_session_returns_its_step() -> None:
    hello = 'id = "hello"\ntitle = "Hello"\nkind = "verify"\ncheck = "windows_hello_added"'
    passkey = 'id = "key"\ntitle = "Key"\nkind = "verify"\ncheck = "passkey_added"'
    checklist, clock = begin(mini(ISSUE, hello, passkey))
    checklist.pass_issued(tap(), [PASSWORD])
    checklist.override("key", "saw it")
    hello_method = AuthMethod("whfb-1", MethodKind.WINDOWS_HELLO, "AVA-LAPTOP")
    found = checklist.observe(
        Observation(clock.now(), frozenset(GraphRead), (PASSWORD, hello_method), None)
    )
    assert found == ["hello"] and checklist.complete


def test_a_closed_session_with_a_live_pass_polls_nothing() -> None:
    checklist, _ = start()
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD])
    checklist.abandon("left")
    assert checklist.reads_needed() == frozenset()


def test_a_one_time_pass_is_watched_for_first_use_only_when_a_timer_waits_for_it() -> None:
    hello = 'id = "hello"\ntitle = "Hello"\nkind = "verify"\ncheck = "windows_hello_added"'
    first_use = 'timer = { seconds = 600, starts_at = "pass_first_use" }'
    checklist, _ = begin(mini(MANUAL, ISSUE, hello))
    checklist.tick("hand")
    checklist.pass_issued(tap(), [PASSWORD])
    assert checklist.reads_needed() == {GraphRead.WINDOWS_HELLO}
    checklist, _ = begin(mini(MANUAL, ISSUE, hello + "\n" + first_use))
    checklist.tick("hand")
    checklist.pass_issued(tap(), [PASSWORD])
    assert checklist.reads_needed() == {GraphRead.WINDOWS_HELLO, GraphRead.PASS}
