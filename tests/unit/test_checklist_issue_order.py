"""Which steps must be finished before a checklist's pass is issued (the identity check first)."""

from __future__ import annotations

from tapdesk.core.checklist import Checklist, StepState
from tapdesk.core.flows import load_flows, parse_flow
from tapdesk.runtime.resources import flows_dir
from tests.helpers.clock import FakeClock


def step(step_id: str, *, optional: bool = False, issue: bool = False) -> str:
    kind = 'kind = "action"\naction = "issue_pass"' if issue else 'kind = "manual"'
    return (
        f'\n[[steps]]\nid = "{step_id}"\ntitle = "{step_id}"\n{kind}\nsay = ["Now {step_id}."]\n'
        + ("optional = true\n" if optional else "")
    )


def start(*steps: str) -> Checklist:
    text = 'id = "order"\ntitle = "Order"\nsummary = "Steps around the pass."\n' + "".join(steps)
    return Checklist.start(
        parse_flow(text, source="test"),
        user_id="u-ava",
        upn="ava@contoso.example",
        technician="tess",
        clock=FakeClock(),
        session_id="s1",
    )


def order() -> Checklist:
    """Two required steps and an optional one before the pass, a required one after it."""
    return start(
        step("confirm-identity"),
        step("note-device", optional=True),
        step("remove-lost-method"),
        step("issue-pass", issue=True),
        step("sign-in"),
    )


def ids(checklist: Checklist) -> list[str]:
    return [s.id for s in checklist.unfinished_before_issue()]


def test_a_new_checklist_names_every_required_step_before_the_pass_in_order() -> None:
    checklist = order()
    # Not the optional step, nor the issue step itself, nor anything after it.
    assert ids(checklist) == ["confirm-identity", "remove-lost-method"]
    assert isinstance(checklist.unfinished_before_issue(), tuple)


def test_finished_steps_drop_out_whichever_way_they_finished() -> None:
    checklist = order()
    checklist.tick("confirm-identity")
    assert ids(checklist) == ["remove-lost-method"]
    checklist.override("remove-lost-method", "removed in the portal")
    assert checklist.record("remove-lost-method").state is StepState.OVERRIDDEN
    assert checklist.unfinished_before_issue() == ()


def test_a_skipped_optional_step_and_later_steps_never_count() -> None:
    checklist = order()
    checklist.tick("confirm-identity")
    checklist.skip("note-device")
    checklist.tick("remove-lost-method")
    assert checklist.unfinished_before_issue() == ()
    assert checklist.record("sign-in").state is StepState.PENDING  # after the pass: not asked


def test_an_optional_step_counts_when_it_is_required() -> None:
    checklist = start(step("note-device"), step("issue-pass", issue=True))
    assert ids(checklist) == ["note-device"]


def test_a_flow_without_an_issue_step_waits_for_nothing() -> None:
    checklist = start(step("confirm-identity"), step("sign-in"))
    assert checklist.record("confirm-identity").state is StepState.ACTIVE
    assert checklist.unfinished_before_issue() == ()


def test_a_flow_that_issues_first_waits_for_nothing() -> None:
    checklist = start(step("issue-pass", issue=True), step("confirm-identity"))
    assert checklist.unfinished_before_issue() == ()


def test_every_shipped_flow_confirms_who_the_new_hire_is_before_the_pass() -> None:
    flows = load_flows(flows_dir())[0]
    first = {f.id: [s.id for s in f.steps_before_issue()] for f in flows}
    assert first == {
        "passkey-authenticator": ["confirm-identity"],
        "oobe-pass": ["confirm-identity"],
        "web-sign-in": ["confirm-identity"],
        "security-key": ["confirm-identity"],
        # A lost phone's methods go before a pass lets anyone add new ones.
        "recover-method": ["confirm-identity", "remove-lost-method"],
    }
