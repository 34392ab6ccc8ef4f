"""When the idle timer masks a pass, and when it must not: the new hire is still using it."""

from __future__ import annotations

import pytest

from tapdesk.core.checklist import Checklist
from tapdesk.core.lifecycle import IdleStep, idle_step, mask_warning_seconds
from tapdesk.core.models import UsabilityReason
from tests.unit.test_checklist import APP, PASSKEY, PASSWORD, observe, start, tap


@pytest.mark.parametrize(
    ("idle", "expected"),
    [
        (0, IdleStep.NONE),
        (99, IdleStep.NONE),
        (100, IdleStep.WARN),
        (119.9, IdleStep.WARN),
        (120, IdleStep.MASK),
        (900, IdleStep.MASK),
    ],
)
def test_idle_warns_twenty_seconds_before_masking(idle: float, expected: IdleStep) -> None:
    assert idle_step(idle, 120, exempt=False) is expected


def test_a_short_timer_warns_for_a_quarter_of_it() -> None:
    assert mask_warning_seconds(40) == 10
    assert idle_step(29, 40, exempt=False) is IdleStep.NONE
    assert idle_step(30, 40, exempt=False) is IdleStep.WARN


def test_no_timer_or_a_pass_in_use_is_never_masked() -> None:
    assert idle_step(10_000, 0, exempt=False) is IdleStep.NONE
    assert idle_step(10_000, 120, exempt=True) is IdleStep.NONE
    assert idle_step(99, 120, exempt=True) is IdleStep.NONE


def _issued(once: bool = True) -> Checklist:
    checklist, _ = start()
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(once=once), [PASSWORD])
    return checklist


def test_the_pass_is_not_in_use_before_it_is_issued() -> None:
    checklist, _ = start()
    assert not checklist.waiting_for_pass_use
    checklist.tick("confirm-identity")
    assert not checklist.waiting_for_pass_use  # issuing is next, there is no pass yet


def test_a_one_time_pass_is_in_use_until_its_first_use() -> None:
    checklist, clock = start()
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(), [PASSWORD])
    assert checklist.waiting_for_pass_use  # adding the account in Authenticator needs it
    observe(checklist, clock, current=tap())
    assert checklist.waiting_for_pass_use
    used = tap(reason=UsabilityReason.ONE_TIME_USED)
    observe(checklist, clock, APP, current=used)
    assert not checklist.waiting_for_pass_use  # spent: it works no more


def test_a_reusable_pass_is_in_use_until_the_revoke_step() -> None:
    checklist, clock = start()
    checklist.tick("confirm-identity")
    checklist.pass_issued(tap(once=False), [PASSWORD])
    observe(checklist, clock, APP, current=tap(once=False))
    observe(checklist, clock, APP, PASSKEY, current=tap(once=False))
    assert checklist.active_step is not None and checklist.active_step.id == "windows-oobe"
    assert checklist.waiting_for_pass_use
    checklist.tick("windows-oobe")
    assert checklist.active_step is not None and checklist.active_step.id == "revoke-pass"
    assert not checklist.waiting_for_pass_use  # the last step is to revoke it


def test_a_revoked_pass_or_a_closed_session_is_not_in_use() -> None:
    checklist = _issued(once=False)
    checklist.pass_revoked()
    assert not checklist.waiting_for_pass_use
    other = _issued(once=False)
    other.abandon("the new hire went home")
    assert not other.waiting_for_pass_use


def test_a_one_second_timer_still_masks() -> None:
    assert idle_step(1, 1, exempt=False) is IdleStep.MASK
