"""Driving the onboarding checklist on the real window: a store, the phone panel, due polls.

Polls are made deterministic: :func:`settle` waits until no poll is running or due, so a
change on the (simulated) phone is seen only when the test moves the fake clock one poll
interval on and beats the heartbeat (:func:`next_poll`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tapdesk.core.checklist import SYSTEM_ACTOR, StepState
from tapdesk.core.flows import Action, Check, Flow, Step, StepKind, load_flows
from tapdesk.core.polling import PollPhase
from tapdesk.core.verify import observable
from tapdesk.demo import DemoTenant
from tapdesk.runtime.resources import flows_dir
from tapdesk.store import Store
from tapdesk.ui import application
from tapdesk.ui.onboarding.step_row import StepRow
from tapdesk.ui.window.main_window import MainWindow
from tapdesk.workflows.onboarding import OnboardingSession
from tests.helpers.clock import FakeClock
from tests.helpers.qt import WAIT_MS, confirm, open_user, show_window, token_services

POLL_STEP = 13.0  # longer than the longest jittered foreground interval (12 s)
FLOWS = {flow.id: flow for flow in load_flows(flows_dir())[0]}
# What the new hire does (a phone panel button) for each check Graph can see.
PHONE_FOR_CHECK = {
    Check.AUTHENTICATOR_ADDED: "authenticator-ios",
    Check.AUTHENTICATOR_PASSKEY: "passkey-android",
    Check.PASSKEY_ADDED: "passkey-ios",
    Check.SECURITY_KEY_ADDED: "security-key",
    Check.WINDOWS_HELLO_ADDED: "windows-hello",
    Check.PASS_USED: "sign-in",
}


def onboarding_window(
    qtbot: Any,
    tenant: DemoTenant,
    clock: FakeClock,
    home: Path,
    *,
    store: Store | None = None,
    sign_in: bool = True,
    **settings: Any,
) -> MainWindow:
    """The window on the demo tenant with a real store in ``home`` (or the one given)."""
    application()
    services = token_services(tenant, clock, home, **settings)
    services.store = store or Store.open(home / "data" / "tapdesk.db")
    window = show_window(qtbot, services, sign_in=sign_in)
    if store is None:
        window.destroyed.connect(services.store.close)
    return window


def session_of(window: MainWindow) -> OnboardingSession:
    session = window.guide.panel.session
    assert session is not None, "no checklist on screen"
    return session


def row(window: MainWindow, step_id: str) -> StepRow:
    return window.guide.panel.rows[step_id]


def polls_quiet(window: MainWindow) -> bool:
    onboarding = window.guide.onboarding
    for session in onboarding.sessions():
        poller = onboarding.poller(session.session_id)
        if poller is None:
            continue
        if poller.phase is PollPhase.IN_FLIGHT or poller.core.due():
            return False
    return True


def settle(qtbot: Any, window: MainWindow) -> None:
    """Nothing running, no poll due: what Graph shows now is what the checklist shows."""
    qtbot.waitUntil(
        lambda: not window.runner.busy and polls_quiet(window) and not window.guide.panel.revealing,
        timeout=WAIT_MS,
    )


def next_poll(qtbot: Any, window: MainWindow, clock: FakeClock) -> None:
    """One foreground poll interval later."""
    clock.advance(POLL_STEP)
    window.tick()
    settle(qtbot, window)


def phone(qtbot: Any, window: MainWindow, key: str) -> str:
    panel = window.guide.phone
    assert panel is not None, "no simulated phone (not the demo tenant?)"
    panel.buttons[key].click()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=WAIT_MS)
    return panel.status.text()


def start_flow(qtbot: Any, window: MainWindow, upn: str, flow: Flow) -> OnboardingSession:
    """Open the user, choose the flow's path and its suggested pass, start the checklist."""
    open_user(qtbot, window, upn.split("@")[0].split(".")[0], upn)
    window.form.set_path(flow.id)
    suggestion = flow.pass_suggestion
    once = True if suggestion is None or suggestion.usable_once is None else suggestion.usable_once
    window.form.one_time.setChecked(once)
    panel = window.guide.panel
    assert panel.start_button.isEnabled()
    panel.start_button.click()
    settle(qtbot, window)
    return session_of(window)


def seen_in_graph(session: OnboardingSession, step: Step) -> bool:
    """Whether Graph can show the step's check for the session's pass (it never shows the use
    of a reusable one)."""
    facts = session.pass_facts
    if step.check is None:
        return False
    return facts is None or observable(step.check, usable_once=facts.usable_once)


def state(session: OnboardingSession, step_id: str) -> StepState:
    return session.checklist.record(step_id).state


def walk(
    qtbot: Any,
    window: MainWindow,
    tenant: DemoTenant,
    clock: FakeClock,
    codes: list[str] | None = None,
) -> list[str]:
    """Every step of the shown session to the end, as a technician with the new hire would.

    Returns the steps that ticked themselves (each within one poll of the change); a check
    Graph cannot show (:func:`seen_in_graph`) is ticked by hand after the phone did it;
    ``codes`` collects the passes shown (to look for them where they must not be).
    """
    session = session_of(window)
    ticked_by_graph: list[str] = []
    for _ in range(len(session.flow.steps) * 2):
        step = session.checklist.active_step
        if step is None:
            break
        # The checklist redraws a turn after the pass shows: wait for the active step to open.
        qtbot.waitUntil(lambda step=step: not row(window, step.id).body.isHidden(), timeout=WAIT_MS)
        current = row(window, step.id)
        if step.kind is StepKind.MANUAL:
            current.tick_button.click()
        elif step.action is Action.ISSUE_PASS:
            assert current.issue_button.isVisible() and current.issue_button.isEnabled()
            current.issue_button.click()
            if window.confirm_dialog is not None:  # a live pass (Erin's): replacing asks first
                confirm(qtbot, window)
            qtbot.waitUntil(lambda: window.passes.has_value, timeout=WAIT_MS)
            if codes is not None:
                codes.append(window.passes.code_label.plain_text().replace(" ", ""))
        elif step.kind is StepKind.TIMER:
            assert step.timer is not None
            clock.advance(step.timer.seconds + 1)
            window.tick()
        elif step.action is Action.REVOKE_PASS:
            current.revoke_button.click()
            confirm(qtbot, window)
            settle(qtbot, window)
            if state(session, step.id) is not StepState.DONE:
                next_poll(qtbot, window, clock)
            ticked_by_graph.append(step.id)
        elif not seen_in_graph(session, step):
            # A reusable pass's use: Graph shows none, so the technician ticks what they saw.
            assert step.check is not None
            status = phone(qtbot, window, PHONE_FOR_CHECK[step.check])
            assert status.startswith("✓"), status
            assert current.tick_button.isVisible()
            current.tick_button.click()
        else:
            assert step.kind is StepKind.VERIFY and step.check is not None
            settle(qtbot, window)
            assert state(session, step.id) is StepState.ACTIVE
            assert current.waiting.text().startswith("Waiting for")
            status = phone(qtbot, window, PHONE_FOR_CHECK[step.check])
            assert status.startswith("✓"), status
            settle(qtbot, window)
            assert state(session, step.id) is StepState.ACTIVE  # Graph not asked yet
            next_poll(qtbot, window, clock)
            assert state(session, step.id) is StepState.DONE, step.id
            assert session.checklist.record(step.id).actor == SYSTEM_ACTOR
            ticked_by_graph.append(step.id)
        settle(qtbot, window)
    return ticked_by_graph
