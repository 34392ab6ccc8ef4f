"""Every shipped flow walked to "done" on the real window against the demo tenant: the phone
panel plays the new hire, and every ``verify`` step ticks itself within one poll."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from tapdesk.core.audit import AuditKind
from tapdesk.core.checklist import Outcome, StepState
from tapdesk.core.polling import PollPhase, Visibility
from tapdesk.core.roster import RosterStatus
from tests.helpers.clock import START
from tests.helpers.demo import UPN
from tests.helpers.qt import WAIT_MS, open_user
from tests.ui.onboarding_helpers import (
    FLOWS,
    next_poll,
    onboarding_window,
    phone,
    row,
    seen_in_graph,
    session_of,
    settle,
    start_flow,
    state,
    walk,
)

AVA = UPN["ava.newhire"]


def polled(tenant, since: int) -> list[str]:
    """The method lists the checklist read since request number ``since``."""
    paths = [path for _m, path, _h in tenant.requests[since:] if path.endswith("Methods")]
    return sorted(path.rsplit("/", 1)[-1] for path in paths)


NORA = UPN["nora.newhire"]


def test_the_training_technician_walks_the_passkey_flow_with_the_policy_unreadable(
    qtbot, default_tenant, clock, tmp_path
):
    """tess.tech as shipped: an Authentication Administrator who may not read the pass policy
    (the usual real case). The form falls back to Microsoft's documented defaults and says so,
    and the recommended flow still runs to the end."""
    default_tenant.token_lifetime = 30 * 86400.0
    window = onboarding_window(qtbot, default_tenant, clock, tmp_path / "home")
    assert window.policy is not None and not window.policy.known
    assert "documented defaults" in window.form.policy_note.text()
    session = start_flow(qtbot, window, AVA, FLOWS["passkey-authenticator"])
    assert "scope-unknown" in window.card.problem_codes()  # nobody's targets can be checked
    walk(qtbot, window, default_tenant, clock, [])
    assert session.complete
    assert session.summary().status is RosterStatus.DONE
    assert default_tenant.users[AVA].tap is None  # revoked at the end


@pytest.mark.parametrize("flow_id", sorted(FLOWS))
def test_each_shipped_flow_walks_to_done(qtbot, tenant, clock, tmp_path, caplog, flow_id):
    caplog.set_level(logging.DEBUG)
    flow = FLOWS[flow_id]
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    session = start_flow(qtbot, window, AVA, flow)
    assert window.guide.panel.flow_title.text() == flow.title
    codes: list[str] = []

    ticked = walk(qtbot, window, tenant, clock, codes)

    verify = [s.id for s in flow.steps if seen_in_graph(session, s)]
    assert verify, "a flow that Graph confirms nothing of"
    assert ticked == verify  # each one Graph can show seen there, none ticked by hand
    assert session.complete
    assert all(state(session, s.id) is StepState.DONE for s in flow.steps)
    assert window.guide.onboarding.poller(session.session_id).phase is PollPhase.STOPPED
    assert "Done" in window.guide.panel.end_note.text.text()
    assert session.summary().status is RosterStatus.DONE
    assert tenant.users[AVA].tap is None  # revoked
    # Saved as it went: the store has the finished session and its audit trail.
    store = window.backend.services().store
    saved = store.session(session.session_id)
    assert saved is not None and saved.outcome is Outcome.COMPLETED
    kinds = [r.event.kind for r in store.audit(START, START + timedelta(days=1))]
    # The steps the technician ticked are on record too (CONFIRM), among the pass's own events.
    assert [k for k in kinds if k is not AuditKind.CONFIRM] == [
        AuditKind.ISSUE,
        AuditKind.REVOKE,
        AuditKind.COMPLETE,
    ]
    assert kinds[0] is AuditKind.CONFIRM  # the identity check, before the pass
    # The pass reached no log record, at any level.
    [code] = codes
    assert len(code) == 8 and all(code not in r.getMessage() for r in caplog.records)


def test_issuing_from_the_form_starts_the_chosen_flow_at_the_identity_check(
    qtbot, tenant, clock, tmp_path
):
    """The form's Issue on a checklist path issues nothing yet: the checklist starts at "Confirm
    who the new hire is", and its own Issue step issues once that is ticked."""
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    open_user(qtbot, window, "ava", AVA)
    panel = window.guide.panel
    assert (
        "No checklist" in panel.empty.text() and "Passkey via Authenticator" in panel.empty.text()
    )
    window.form.set_path("web-sign-in")
    window.form.one_time.setChecked(True)
    window.form.issue_button.click()
    settle(qtbot, window)

    session = session_of(window)
    assert session.flow.id == "web-sign-in"
    assert tenant.users[AVA].tap is None and not window.passes.has_value  # no pass yet
    assert state(session, "confirm-identity") is StepState.ACTIVE
    assert state(session, "issue-pass") is StepState.PENDING
    assert not row(window, "confirm-identity").body.isHidden()
    # While the session is open, the form's path is the session's.
    assert window.form.flow_id == "web-sign-in"
    assert not window.form.path_buttons["passkey-authenticator"].isEnabled()
    assert [s.session_id for s in window.guide.onboarding.sessions()] == [session.session_id]
    assert window.guide.session_list.session_ids() == [session.session_id]

    row(window, "confirm-identity").tick_button.click()
    row(window, "issue-pass").issue_button.click()
    qtbot.waitUntil(lambda: window.passes.has_value, timeout=WAIT_MS)
    settle(qtbot, window)
    assert state(session, "issue-pass") is StepState.DONE
    assert tenant.users[AVA].tap is not None
    assert row(window, "issue-pass").body.isHidden()  # finished steps fold away
    assert window.form.issue_button.text() == "Replace the current pass…"
    assert [s.session_id for s in window.guide.onboarding.sessions()] == [session.session_id]


def test_registration_window_counts_down_from_the_first_use_of_the_pass(
    qtbot, tenant, clock, tmp_path
):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    session = start_flow(qtbot, window, AVA, FLOWS["passkey-authenticator"])
    row(window, "confirm-identity").tick_button.click()
    row(window, "issue-pass").issue_button.click()
    qtbot.waitUntil(lambda: window.passes.has_value, timeout=WAIT_MS)
    settle(qtbot, window)
    timer = row(window, "create-passkey").timer
    assert timer.text() == "Registration window: starts when the pass is first used"
    # Each poll reads only what the step needs: Authenticator, and the pass (its first use).
    before = len(tenant.requests)
    next_poll(qtbot, window, clock)
    assert polled(tenant, before) == ["microsoftAuthenticatorMethods", "temporaryAccessPassMethods"]

    phone(qtbot, window, "authenticator-ios")  # signs in with the one-time pass
    next_poll(qtbot, window, clock)
    assert state(session, "add-account") is StepState.DONE
    assert session.checklist.pass_first_used_at is not None
    # Graph has no time of use: the poll that first saw it used starts the window.
    assert session.checklist.pass_first_used_at == clock.now()
    assert timer.text() == "Registration window: 10:00 left"
    assert not row(window, "create-passkey").body.isHidden()
    before = len(tenant.requests)
    next_poll(qtbot, window, clock)
    assert polled(tenant, before) == ["fido2Methods"]  # first use seen: passkeys only
    assert timer.text() == "Registration window: 9:47 left"

    clock.advance(61)
    window.tick()  # the heartbeat redraws the countdown every second
    assert timer.text() == "Registration window: 8:46 left"
    clock.advance(600)
    window.tick()
    assert timer.text() == "Registration window: time is up"
    settle(qtbot, window)


def test_several_sessions_at_once_poll_in_the_background_and_switch(qtbot, tenant, clock, tmp_path):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    ava = start_flow(qtbot, window, AVA, FLOWS["passkey-authenticator"])
    row(window, "confirm-identity").tick_button.click()
    row(window, "issue-pass").issue_button.click()
    qtbot.waitUntil(lambda: window.passes.has_value, timeout=WAIT_MS)
    settle(qtbot, window)
    nora = start_flow(qtbot, window, NORA, FLOWS["oobe-pass"])

    onboarding = window.guide.onboarding
    assert onboarding.poller(ava.session_id).core.visibility is Visibility.BACKGROUND
    assert onboarding.poller(nora.session_id).core.visibility is Visibility.FOREGROUND
    assert len(window.guide.session_list.session_ids()) == 2
    summaries = {s.upn: s for s in window.session_summaries()}
    assert summaries[AVA].status is RosterStatus.PASS_ISSUED
    assert summaries[NORA].status is RosterStatus.WAITING

    # Ava adds Authenticator while Nora is on screen: seen within one background poll.
    tenant.phone(AVA).sign_in_with_pass()
    tenant.phone(AVA).register_authenticator("android")
    changed = []
    window.sessions_changed.connect(lambda: changed.append(1))
    next_poll(qtbot, window, clock)
    assert state(ava, "add-account") is StepState.ACTIVE  # 13 s: no background poll yet
    clock.advance(60)
    window.tick()
    settle(qtbot, window)
    assert state(ava, "add-account") is StepState.DONE
    assert changed  # the roster's queue hears of it
    assert {s.upn: s for s in window.session_summaries()}[AVA].status is RosterStatus.AUTHENTICATOR

    # Switching through the list brings Ava back, in the foreground.
    window.guide.session_list.choose(ava.session_id)
    settle(qtbot, window)
    assert window.card.user.user_principal_name == AVA
    assert session_of(window) is ava
    assert onboarding.poller(ava.session_id).core.visibility is Visibility.FOREGROUND
    assert onboarding.poller(nora.session_id).core.visibility is Visibility.BACKGROUND
    assert window.open_session(nora.session_id)
    assert session_of(window) is nora
