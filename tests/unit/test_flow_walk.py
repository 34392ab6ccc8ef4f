"""Every shipped flow walked on the demo tenant, as the new hire would do it.

For each flow, with a one-time and a reusable pass, and with Microsoft Authenticator already
on the account or not: every step must be able to finish the way the flow says (a verify step
by the change the phone makes, seen in Graph; never by an override), and no line the
technician reads may contradict the pass on screen.
"""

from __future__ import annotations

import re

import pytest

from tapdesk.core.checklist import SYSTEM_ACTOR, StepState
from tapdesk.core.flow_text import TextFacts, render
from tapdesk.core.flows import Action, Check, Flow, Line, StepKind, load_flows
from tapdesk.core.passrules import IssueRequest
from tapdesk.demo import DemoTenant
from tapdesk.demo.phone import Phone
from tapdesk.runtime.resources import flows_dir
from tapdesk.workflows.onboarding import OnboardingSession, read
from tests.helpers.clock import FakeClock
from tests.helpers.demo import demo_graph

FLOWS = load_flows(flows_dir())[0]
UPN = "ava.newhire@northwind.example"


# What the new hire does for each check, on their iPhone: the one that already holds
# Authenticator when they have it. Recovering a lost phone happens on a new phone, a Pixel.
def doing(check: Check, phone: Phone, device: str) -> None:
    if check is Check.AUTHENTICATOR_ADDED:
        phone.sign_in_with_pass()
        phone.register_authenticator(device)
    elif check in (Check.AUTHENTICATOR_PASSKEY, Check.PASSKEY_ADDED):
        phone.create_passkey(device)
    elif check is Check.SECURITY_KEY_ADDED:
        phone.register_security_key()
    elif check is Check.PASS_USED:
        phone.sign_in_with_pass()
    else:
        assert check is Check.WINDOWS_HELLO_ADDED
        phone.register_windows_hello()


# Words that would contradict the pass: a reusable pass is never "one-time", and a one-time
# pass is never typed twice.
CONTRADICTS = {
    True: re.compile(r"same code|type it again|as often as", re.IGNORECASE),
    False: re.compile(r"one-time", re.IGNORECASE),
}


def every_line(flow: Flow) -> list[Line]:
    lines = [*flow.preconditions, *flow.caveats]
    for step in flow.steps:
        lines += [*step.say, *step.caveats, *step.fallback]
    return lines


def walk(flow: Flow, *, once: bool, has_app: bool) -> tuple[OnboardingSession, TextFacts]:
    clock = FakeClock()
    tenant = DemoTenant(clock=clock)
    graph = demo_graph(tenant, clock)
    phone = tenant.phone(UPN)
    if has_app:
        phone.register_authenticator("ios")
    user = graph.get_user(UPN)
    session = OnboardingSession.start(flow, user, technician="tess@northwind.example", clock=clock)
    facts = TextFacts()
    for _turn in range(3 * len(flow.steps)):
        step = session.checklist.active_step
        if step is None:
            break
        if step.action is Action.ISSUE_PASS:
            before = graph.list_methods(user.id)
            tap = graph.create_tap(user.id, IssueRequest(lifetime_minutes=60, usable_once=once))
            session.pass_issued(tap, before)
            base = session.checklist.baseline
            assert base is not None
            facts = TextFacts.of(
                usable_once=tap.usable_once,
                lifetime_minutes=tap.lifetime_minutes,
                expires=session.pass_facts.expires if session.pass_facts else None,
                kinds=base.kinds,
            )
        elif step.action is Action.REVOKE_PASS:
            graph.delete_tap(user.id, session.pass_facts.id)  # type: ignore[union-attr]
            session.pass_revoked()
            session.apply(read(graph, user.id, session.reads_needed(), clock))
        elif step.kind is StepKind.TIMER:
            clock.advance(step.timer.seconds + 1)  # type: ignore[union-attr]
            session.advance_timers()
        elif step.kind is StepKind.MANUAL:
            session.tick(step.id)
        else:
            assert step.check is not None
            doing(step.check, phone, "android" if flow.id == "recover-method" else "ios")
            clock.advance(5)
            session.apply(read(graph, user.id, session.reads_needed(), clock))
            if session.checklist.record(step.id).state is not StepState.DONE:
                # Graph has no signal for the use of a reusable pass: the flow says tick it.
                assert session.checklist.can_tick(step.id), f"{step.id} waits for nothing"
                session.tick(step.id)
    return session, facts


CASES = [
    pytest.param(flow, once, has_app, id=f"{flow.id}-{'once' if once else 'reusable'}-{app}")
    for flow in FLOWS
    for once in (True, False)
    for has_app, app in ((False, "new"), (True, "has-app"))
]


@pytest.mark.parametrize(("flow", "once", "has_app"), CASES)
def test_every_step_of_every_flow_can_finish(flow: Flow, once: bool, has_app: bool) -> None:
    session, facts = walk(flow, once=once, has_app=has_app)
    assert session.complete, [(s.id, r.state.value) for s, r in session.records()]
    states = {s.id: r for s, r in session.records()}
    assert all(r.state is StepState.DONE for r in states.values())  # nothing skipped, overridden
    for step, record in session.records():
        if step.kind is StepKind.VERIFY and not (step.check is Check.PASS_USED and not once):
            assert record.actor == SYSTEM_ACTOR, f"{step.id} was not seen in Graph"
    if has_app and flow.id == "passkey-authenticator":
        assert states["add-account"].evidence.startswith("Microsoft Authenticator was already")
    # What the technician reads follows the pass that was issued.
    assert facts.usable_once is once and facts.has_authenticator is has_app
    for line in render(every_line(flow), facts):
        assert "{" not in line.text and "}" not in line.text, line.text
        assert not CONTRADICTS[once].search(line.text), line.text


def test_the_words_follow_the_pass_not_the_flows_suggestion() -> None:
    """A tenant with One-time use = Yes makes the OOBE flow's reusable suggestion one-time."""
    oobe = next(f for f in FLOWS if f.id == "oobe-pass")
    assert oobe.pass_suggestion is not None and oobe.pass_suggestion.usable_once is False
    issue = oobe.step("issue-pass")
    once = [line.text for line in render(issue.say, TextFacts(usable_once=True))]
    reusable = [line.text for line in render(issue.say, TextFacts(usable_once=False))]
    assert once[0].startswith("I'm creating a one-time sign-in code")
    assert reusable[0].startswith("I'm creating a temporary sign-in code")
    assert any("Set up Windows Hello right after it" in text for text in once)
    assert not any("same code" in text for text in once)
    assert any("same code" in text for text in reusable)
