"""The pass rules in the words a technician reads: the start grace, lifetimes, one-time, policy."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tapdesk.core.models import TapPolicy
from tapdesk.core.passrules import (
    IssueRequest,
    LifetimeBounds,
    LifetimeRange,
    allowed_lifetimes,
    lifetime_bounds,
    one_time_choice,
    validate_request,
)
from tapdesk.errors import StartInPast, TapdeskError
from tests.helpers.clock import START

POLICY = TapPolicy()


def test_a_start_exactly_a_minute_old_is_accepted_as_given() -> None:
    """The last instant of the 60-second grace still counts as now."""
    start = START - timedelta(seconds=60)
    assert validate_request(IssueRequest(start=start), POLICY, START).start == start


def test_a_start_just_over_a_minute_old_is_refused_with_the_time_and_the_fix() -> None:
    """One microsecond past the grace is a mistake: the message names the time given."""
    start = START - timedelta(seconds=60, microseconds=1)
    with pytest.raises(StartInPast) as refused:
        validate_request(IssueRequest(start=start), POLICY, START)
    assert refused.value.message == "The start time 2030-01-06T07:58+00:00 is in the past."
    assert refused.value.hint == "Leave the start empty to start now, or choose a future time."


def test_the_form_offers_one_time_as_forced_only_when_the_tenant_forces_it() -> None:
    """The issue form greys out "reusable" exactly when the policy says one-time only."""
    assert one_time_choice(TapPolicy(one_time_forced=True)) == "forced"
    assert one_time_choice(TapPolicy(one_time_forced=False)) == "allowed"


def _refused(request: IssueRequest, policy: TapPolicy) -> tuple[str, str]:
    with pytest.raises(TapdeskError) as refused:
        validate_request(request, policy, START)
    return refused.value.message, refused.value.hint


def test_a_disabled_method_is_refused_with_who_can_enable_it() -> None:
    assert _refused(IssueRequest(), TapPolicy(enabled=False)) == (
        "The tenant's Temporary Access Pass method is disabled.",
        "Ask an Authentication Policy Administrator to enable it in Entra ID "
        "(Authentication methods > Temporary Access Pass).",
    )


def test_a_policy_that_could_not_be_read_never_refuses_or_forces() -> None:
    """Unknown values are only the documented defaults: Entra decides, not tapdesk."""
    unread = TapPolicy(enabled=False, one_time_forced=True, known=False)
    assert validate_request(IssueRequest(), unread, START) == IssueRequest()
    assert validate_request(IssueRequest(usable_once=False), unread, START).usable_once is False


@pytest.mark.parametrize("minutes", [60, 480])
def test_the_policys_own_limits_are_allowed(minutes: int) -> None:
    policy = TapPolicy(minimum_lifetime_minutes=60, maximum_lifetime_minutes=480)
    assert validate_request(IssueRequest(minutes), policy, START).lifetime_minutes == minutes


@pytest.mark.parametrize("minutes", [59, 481])
def test_a_lifetime_outside_the_policy_names_the_range_and_the_ask(minutes: int) -> None:
    policy = TapPolicy(minimum_lifetime_minutes=60, maximum_lifetime_minutes=480)
    assert _refused(IssueRequest(minutes), policy) == (
        f"The tenant policy allows 60 to 480 minutes; {minutes} was asked for.",
        "Choose a lifetime between 60 and 480 minutes.",
    )


def test_without_the_policy_microsofts_absolute_range_applies() -> None:
    unread = TapPolicy.documented_defaults()
    assert validate_request(IssueRequest(10), unread, START).lifetime_minutes == 10
    assert validate_request(IssueRequest(43200), unread, START).lifetime_minutes == 43200
    assert _refused(IssueRequest(43201), unread) == (
        "Microsoft allows 10 to 43200 minutes; 43201 was asked for.",
        "Choose a lifetime between 10 and 43200 minutes.",
    )


def test_the_allowed_range_is_the_policys_or_microsofts_whole_range_and_says_so() -> None:
    """The one rule the form shows and validate_request enforces (both ends included)."""
    policy = TapPolicy(minimum_lifetime_minutes=60, maximum_lifetime_minutes=480)
    allowed = allowed_lifetimes(policy)
    assert allowed == LifetimeRange(60, 480, by_policy=True)
    assert [allowed.allows(m) for m in (59, 60, 480, 481)] == [False, True, True, False]
    assert allowed.sentence() == "The tenant policy allows 60 to 480 minutes (1 h to 8 h)."
    unread = allowed_lifetimes(TapPolicy.documented_defaults())
    assert unread == LifetimeRange(10, 43200, by_policy=False)
    assert unread.sentence() == "Microsoft allows 10 to 43200 minutes (10 min to 30 d)."


def test_a_reusable_pass_under_a_one_time_policy_is_refused_with_the_way_out() -> None:
    assert _refused(IssueRequest(usable_once=False), TapPolicy(one_time_forced=True)) == (
        "The tenant policy makes every pass one-time; a reusable pass was asked for.",
        "Issue a one-time pass (--once), or ask for the policy to allow reusable passes.",
    )


def test_a_start_without_a_time_zone_is_refused_with_an_example() -> None:
    assert _refused(IssueRequest(start=datetime(2030, 1, 6, 9)), TapPolicy()) == (
        "The start time has no time zone.",
        "Give it with an offset, for example 2030-01-06T08:00:00+01:00 or ...Z.",
    )


def test_the_form_offers_the_tenants_range_inside_microsofts() -> None:
    """A policy wider than Graph allows, or upside down, still gives a usable range."""
    wide = TapPolicy(
        minimum_lifetime_minutes=5, maximum_lifetime_minutes=50000, default_lifetime_minutes=1
    )
    assert lifetime_bounds(wide) == LifetimeBounds(10, 43200, 10, True)
    upside_down = TapPolicy(
        minimum_lifetime_minutes=120, maximum_lifetime_minutes=60, default_lifetime_minutes=999
    )
    assert lifetime_bounds(upside_down) == LifetimeBounds(120, 120, 120, True)
    assert lifetime_bounds(TapPolicy.documented_defaults()) == LifetimeBounds(60, 480, 60, False)


def test_graph_gets_a_start_with_its_own_offset_and_utc_as_z() -> None:
    cet = timezone(timedelta(hours=1))
    start = datetime(2030, 1, 6, 9, 0, tzinfo=cet)
    assert IssueRequest(start=start).as_graph_body() == {
        "startDateTime": "2030-01-06T09:00:00+01:00"
    }
    assert IssueRequest(start=START).as_graph_body() == {"startDateTime": "2030-01-06T08:00:00Z"}
    assert IssueRequest(30, False).as_graph_body() == {
        "lifetimeInMinutes": 30,
        "isUsableOnce": False,
    }
