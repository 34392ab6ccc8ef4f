from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tapdesk.core.lifecycle import Countdown, PassState, Urgency, countdown
from tapdesk.core.models import PassCode, TapPolicy, TemporaryAccessPass, UsabilityReason
from tapdesk.core.passrules import IssueRequest, lifetime_bounds, validate_request
from tapdesk.core.upn import check_upn, check_user_ref
from tapdesk.errors import (
    LifetimeOutOfRange,
    OneTimeForced,
    PolicyDisabled,
    StartInPast,
    UsageError,
)
from tests.helpers.clock import START, FakeClock

POLICY = TapPolicy(
    default_lifetime_minutes=60, minimum_lifetime_minutes=60, maximum_lifetime_minutes=480
)


def tap(start: datetime | None = None, lifetime: int = 60, **kw: object) -> TemporaryAccessPass:
    return TemporaryAccessPass("p1", START, start, lifetime, False, **kw)  # type: ignore[arg-type]


# --- UPN ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "No sign-in name"),
        ("ava newhire@contoso.com", "space"),
        ("ava.newhire", "no @domain"),
        ("a@b@contoso.com", "more than one @"),
        ("@contoso.com", "nothing before"),
        ("ava(x)@contoso.com", "character"),
        (".ava@contoso.com", "misplaced dot"),
        ("ava@contoso", "not a valid domain"),
        ("ava@-contoso.com", "not a valid domain"),
        ("a" * 65 + "@contoso.com", "too long"),
    ],
)
def test_malformed_upn_names_the_problem_and_the_fix(text: str, problem: str) -> None:
    with pytest.raises(UsageError) as info:
        check_upn(text)
    assert problem in info.value.message
    assert info.value.hint


@pytest.mark.parametrize(
    "text",
    [
        "ava.newhire@contoso.com",
        " ava@contoso.onmicrosoft.com ",
        "gina_fabrikam.com#EXT#@contoso.com",
        "$svc@c.io",
    ],
)
def test_valid_upns(text: str) -> None:
    assert check_upn(text) == text.strip()


def test_object_id_is_accepted_lowercased() -> None:
    assert (
        check_user_ref("ABCDEF00-1111-2222-3333-444455556666")
        == "abcdef00-1111-2222-3333-444455556666"
    )


@given(st.text(max_size=150))
def test_any_text_is_a_valid_reference_or_a_usage_error(text: str) -> None:
    try:
        assert check_user_ref(text)
    except UsageError as exc:
        assert exc.message and exc.hint


# --- pass rules --------------------------------------------------------------------------------
def test_lifetime_inside_policy_passes_and_outside_is_refused() -> None:
    assert (
        validate_request(IssueRequest(lifetime_minutes=120), POLICY, START).lifetime_minutes == 120
    )
    with pytest.raises(LifetimeOutOfRange) as info:
        validate_request(IssueRequest(lifetime_minutes=30), POLICY, START)
    assert "60 to 480" in info.value.message and "30" in info.value.message
    with pytest.raises(LifetimeOutOfRange):
        validate_request(IssueRequest(lifetime_minutes=481), POLICY, START)


def test_unknown_policy_checks_only_the_absolute_range() -> None:
    unknown = TapPolicy.documented_defaults()
    assert (
        validate_request(IssueRequest(lifetime_minutes=30), unknown, START).lifetime_minutes == 30
    )
    with pytest.raises(LifetimeOutOfRange) as info:
        validate_request(IssueRequest(lifetime_minutes=9), unknown, START)
    assert "10 to 43200" in info.value.message


def test_one_time_forced_fills_in_and_refuses_reusable() -> None:
    forced = TapPolicy(one_time_forced=True)
    assert validate_request(IssueRequest(), forced, START).usable_once is True
    with pytest.raises(OneTimeForced):
        validate_request(IssueRequest(usable_once=False), forced, START)
    assert validate_request(IssueRequest(usable_once=False), POLICY, START).usable_once is False


def test_start_in_the_past_and_naive_times_are_refused() -> None:
    with pytest.raises(StartInPast):
        validate_request(IssueRequest(start=START - timedelta(minutes=5)), POLICY, START)
    with pytest.raises(UsageError):
        validate_request(IssueRequest(start=datetime(2030, 1, 6, 9)), POLICY, START)
    later = START + timedelta(hours=1)
    assert validate_request(IssueRequest(start=later), POLICY, START).start == later


def test_disabled_policy_is_refused() -> None:
    with pytest.raises(PolicyDisabled):
        validate_request(IssueRequest(), TapPolicy(enabled=False), START)


@given(
    st.integers(min_value=10, max_value=43200),
    st.integers(min_value=10, max_value=43200),
    st.integers(),
)
def test_lifetime_bounds_always_contain_the_default(low: int, high: int, default: int) -> None:
    bounds = lifetime_bounds(
        TapPolicy(
            minimum_lifetime_minutes=low,
            maximum_lifetime_minutes=high,
            default_lifetime_minutes=default % 50000,
        )
    )
    assert 10 <= bounds.minimum <= bounds.default <= bounds.maximum <= 43200


def test_graph_body_uses_graph_field_names() -> None:
    body = IssueRequest(60, True, START).as_graph_body()
    assert body == {
        "startDateTime": "2030-01-06T08:00:00Z",
        "lifetimeInMinutes": 60,
        "isUsableOnce": True,
    }
    assert IssueRequest().as_graph_body() == {}


# --- lifecycle and countdown -------------------------------------------------------------------
def test_countdown_walks_start_active_expired() -> None:
    clock = FakeClock()
    watch = Countdown(tap(start=START + timedelta(minutes=4)), clock)
    assert (watch.view().state, watch.view().text) == (PassState.NOT_YET_VALID, "valid in 4 min")
    clock.advance(4 * 60 + 7 * 60 + 50)  # 7:50 into a 60-minute life
    view = watch.view()
    assert (view.state, view.text, view.urgency) == (
        PassState.ACTIVE,
        "expires in 52:10",
        Urgency.OK,
    )
    clock.advance(52 * 60 + 9)
    assert watch.view().text == "expires in 00:01"
    assert watch.view().urgency is Urgency.CRITICAL
    clock.advance(1)
    assert (watch.view().state, watch.view().text) == (PassState.EXPIRED, "expired")


def test_expiry_is_start_or_creation_plus_lifetime() -> None:
    assert tap(lifetime=90).expires == START + timedelta(minutes=90)
    later = START + timedelta(hours=2)
    assert tap(start=later, lifetime=90).expires == later + timedelta(minutes=90)


def test_used_and_revoked_are_final() -> None:
    used = tap(usability_reason=UsabilityReason.ONE_TIME_USED)
    assert countdown(used, START).text == "used"
    clock = FakeClock()
    watch = Countdown(tap(), clock)
    watch.mark_revoked()
    assert watch.view().state is PassState.REVOKED


def test_long_countdowns_show_hours() -> None:
    assert countdown(tap(lifetime=480), START).text == "expires in 8:00:00"
    assert countdown(tap(start=START + timedelta(hours=3)), START).text == "valid in 3 h"


def test_warning_before_critical() -> None:
    assert countdown(tap(lifetime=60), START + timedelta(minutes=46)).urgency is Urgency.WARNING


def test_pass_code_never_shows_itself_by_accident() -> None:
    code = PassCode("Xy7+kQ2m")
    assert "Xy7" not in repr(code) and "Xy7" not in str(code) and "Xy7" not in f"{code}"
    assert code.grouped() == ["Xy7+", "kQ2m"]
    issued = tap(code=code)
    assert "Xy7" not in repr(issued)
    assert issued.without_code().code is None
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(code)
