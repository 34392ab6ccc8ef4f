"""The flow's words filled in from the pass and the account (core/flow_text)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tapdesk.core.flow_text import TextFacts, applies, fill, render
from tapdesk.core.flows import Condition, Line
from tapdesk.core.models import MethodKind

EXPIRES = datetime(2030, 1, 7, 15, 45, tzinfo=UTC)
LOCAL = EXPIRES.astimezone()
ONCE = TextFacts(usable_once=True, lifetime_minutes=60, expires=EXPIRES)
REUSABLE = TextFacts(usable_once=False, lifetime_minutes=90, expires=EXPIRES)
UNKNOWN = TextFacts()


@pytest.mark.parametrize(
    ("facts", "said"),
    [
        (ONCE, "a one-time code, typed once, for 1 h"),
        (
            REUSABLE,
            f"a temporary code, typed as often as you need until {LOCAL:%H:%M}, for 1 h 30 min",
        ),
        (UNKNOWN, "a temporary code, typed when asked, for its lifetime"),
    ],
)
def test_placeholders_follow_the_pass(facts: TextFacts, said: str) -> None:
    assert fill("a {pass_kind} code, typed {pass_uses}, for {lifetime}", facts) == said


def test_the_expiry_is_a_time_of_day_or_for_a_long_pass_a_day_and_time() -> None:
    assert fill("{pass_expires}", ONCE) == f"{LOCAL:%H:%M}"
    week = TextFacts(usable_once=False, lifetime_minutes=10080, expires=EXPIRES)
    assert fill("{pass_expires}", week) == f"{LOCAL:%a %d %b %H:%M}"
    # Up to half a day, the time alone is clear; beyond, the day is named too.
    half_day = TextFacts(usable_once=False, lifetime_minutes=720, expires=EXPIRES)
    assert fill("{pass_expires}", half_day) == f"{LOCAL:%H:%M}"
    longer = TextFacts(usable_once=False, lifetime_minutes=721, expires=EXPIRES)
    assert fill("{pass_expires}", longer) == f"{LOCAL:%a %d %b %H:%M}"
    planned = TextFacts(usable_once=False, lifetime_minutes=720)
    assert fill("{pass_expires}", planned) == "12 h after it is issued"
    assert fill("{pass_expires}", UNKNOWN) == "it expires"


def test_text_without_placeholders_is_left_alone() -> None:
    assert fill("Type the code {not one} as shown.", ONCE) == "Type the code {not one} as shown."


@pytest.mark.parametrize(
    ("condition", "holds_for"),
    [
        (Condition.ONE_TIME, {"once"}),
        (Condition.REUSABLE, {"reusable"}),
        (Condition.HAS_AUTHENTICATOR, {"has"}),
        (Condition.NO_AUTHENTICATOR, {"none"}),
    ],
)
def test_a_condition_holds_only_when_the_fact_is_known_and_matches(
    condition: Condition, holds_for: set[str]
) -> None:
    facts = {
        "once": TextFacts(usable_once=True),
        "reusable": TextFacts(usable_once=False),
        "has": TextFacts.of(
            usable_once=None, lifetime_minutes=None, kinds=[MethodKind.AUTHENTICATOR]
        ),
        "none": TextFacts.of(usable_once=None, lifetime_minutes=None, kinds=[MethodKind.PASSWORD]),
        "unknown": UNKNOWN,
    }
    line = Line("x", condition)
    assert {name for name, f in facts.items() if applies(line, f)} == holds_for


def test_kinds_not_known_leave_the_authenticator_fact_unknown() -> None:
    assert TextFacts.of(usable_once=True, lifetime_minutes=60).has_authenticator is None


def test_render_keeps_the_lines_that_apply_in_order_with_their_sources() -> None:
    page = "https://learn.microsoft.com/x"
    lines = (
        Line("Always."),
        Line("Only {pass_kind}.", Condition.ONE_TIME, (page,)),
        Line("Type it again.", Condition.REUSABLE),
        Line("Seen.", field_tested=True),
    )
    assert render(lines, ONCE) == (
        Line("Always."),
        Line("Only one-time.", Condition.ONE_TIME, (page,)),
        Line("Seen.", field_tested=True),
    )
    assert [line.text for line in render(lines, REUSABLE)] == ["Always.", "Type it again.", "Seen."]


def test_facts_of_keep_every_fact_given() -> None:
    assert TextFacts.of(
        usable_once=False, lifetime_minutes=90, expires=EXPIRES, kinds=[MethodKind.PASSWORD]
    ) == TextFacts(False, 90, EXPIRES, False)
