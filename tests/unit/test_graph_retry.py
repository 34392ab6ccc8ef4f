from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tapdesk import errors as e
from tapdesk.graph import errors
from tapdesk.graph.retry import RetryPolicy, parse_retry_after


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2.128", 2.128),
        ("0", 0.0),
        ("7", 7.0),
        (" 1.5 ", 1.5),
        ("-3", 0.0),
        ("nan", None),
        ("inf", None),
        ("1e400", None),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_seconds_including_fractions(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


def test_retry_after_http_date() -> None:
    now = datetime(2030, 1, 6, 8, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Sun, 06 Jan 2030 08:00:05 GMT", now) == 5.0


NOW = datetime(2030, 1, 6, 8, 0, 0, tzinfo=UTC)
_UNREADABLE = ["nan", "NaN", "-nan", "+nan", "inf", "-inf", "+Infinity", "INF", "1e400", "-1e400"]
_GARBAGE = ["", " ", "soon", "5 s", "1,5", "0x10", "Sun, 32 Jan 2030 08:00:00 GMT", "tomorrow"]


def _seconds(number: float) -> float | None:
    """The rule for a number of seconds: never negative, and nothing for nan or infinity."""
    return max(0.0, number) if math.isfinite(number) else None


def _date_header(offset: int, gmt: bool) -> str:
    when = NOW + timedelta(seconds=offset)
    return format_datetime(when if gmt else when.replace(tzinfo=None), usegmt=gmt)


# (header, what it means): every shape a Retry-After may take, well-formed or not.
HEADERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(lambda x: (repr(x), _seconds(x))),
    st.integers(-(10**400), 10**400).map(lambda n: (str(n), _seconds(float(str(n))))),
    st.sampled_from(_UNREADABLE).map(lambda text: (f" {text} ", None)),
    st.builds(
        lambda offset, gmt: (_date_header(offset, gmt), float(max(0, offset))),
        st.integers(-(10**9), 10**9),
        st.booleans(),
    ),
    st.sampled_from(_GARBAGE).map(lambda text: (text, None)),
)


@given(HEADERS)
def test_retry_after_is_finite_seconds_never_negative_or_nothing(
    header_and_meaning: tuple[str, float | None],
) -> None:
    """Delta-seconds or an HTTP date, in seconds from now, floored at 0; nan, infinity, a
    number too big for a float and anything unreadable mean no header (None)."""
    header, meaning = header_and_meaning
    value = parse_retry_after(header, NOW)
    assert value == meaning
    assert value is None or (math.isfinite(value) and value >= 0)


@given(st.text(max_size=40))
def test_retry_after_never_raises(header: str) -> None:
    value = parse_retry_after(header, NOW)
    assert value is None or (math.isfinite(value) and value >= 0)


def test_backoff_is_exponential_with_jitter_and_capped() -> None:
    policy = RetryPolicy(base_seconds=0.5, cap_seconds=8.0, jitter=lambda: 1.0)
    assert [policy.backoff(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    low = RetryPolicy(jitter=lambda: 0.0)
    assert low.backoff(3) == 0.05  # never an immediate hammering retry


def test_server_retry_after_is_honoured_as_given() -> None:
    """Graph's throttling page: wait the number of seconds Retry-After says; back off only
    when it is absent."""
    policy = RetryPolicy(jitter=lambda: 1.0)
    assert policy.delay(1, "2.128") == 2.128
    assert policy.delay(1, "120") == 120  # never shortened: the budget decides whether to wait
    assert policy.delay(3, None) == 2.0
    assert policy.delay(3, "inf") == 2.0 and policy.delay(3, "nan") == 2.0  # unreadable


def test_bounded_in_attempts_and_total_time() -> None:
    policy = RetryPolicy(max_attempts=3, max_total_seconds=10)
    assert policy.allows(1, 0, 2) and policy.allows(2, 5, 5)
    assert not policy.allows(3, 0, 1)
    assert not policy.allows(1, 9, 2)


def response(
    status: int, code: str = "", message: str = "", headers: dict[str, str] | None = None
) -> httpx.Response:
    body = {"error": {"code": code, "message": message, "innerError": {"request-id": "rid-body"}}}
    return httpx.Response(status, json=body, headers=headers or {})


@pytest.mark.parametrize(
    ("status", "code", "message", "kind"),
    [
        (
            400,
            "badRequest",
            "Invalid LifetimeInMinutes specified. The valid range between 60 and 480.",
            e.LifetimeOutOfRange,
        ),
        (
            400,
            "badRequest",
            "Converged UserCredentialPolicy does not allow creating or updating this "
            "authentication method. AuthMethodType [TemporaryAccessPass].",
            e.NotInPolicyScope,
        ),
        (403, "accessDenied", "Converged UserCredentialPolicy does not allow", e.NotInPolicyScope),
        (
            400,
            "badRequest",
            "Temporary Access Pass cannot be added to an external guest user.",
            e.ExternalGuest,
        ),
        (401, "InvalidAuthenticationToken", "Access token has expired", e.SignInRequired),
        (403, "accessDenied", "Request Authorization failed", e.NotPermitted),
        (403, "Authorization_RequestDenied", "AADSTS65001: consent required", e.ConsentRequired),
        (404, "Request_ResourceNotFound", "Resource 'x' does not exist", e.NotFound),
        (429, "TooManyRequests", "slow down", e.Throttled),
        (503, "serviceNotAvailable", "", e.ServiceUnavailable),
        (504, "", "", e.ServiceUnavailable),
        (409, "conflict", "", e.GraphError),
    ],
)
def test_each_graph_error_maps_to_a_technician_message(
    status: int, code: str, message: str, kind: type
) -> None:
    error = errors.from_response(response(status, code, message), subject="user ava@contoso.com")
    assert type(error) is kind
    assert error.request_id == "rid-body"
    assert error.message and error.hint
    assert message not in error.message or not message  # our words, not Graph's developer text


@pytest.mark.parametrize(
    ("status", "message", "kind"),
    [
        # Words from a pass refusal in a 5xx or 404 body do not make it a policy error.
        (503, "Invalid StartDateTime specified.", e.ServiceUnavailable),
        (404, "Invalid LifetimeInMinutes specified.", e.NotFound),
        (500, "external guest", e.ServiceUnavailable),
        (401, "Converged UserCredentialPolicy does not allow", e.SignInRequired),
    ],
)
def test_the_status_decides_the_kind_the_message_only_the_words(
    status: int, message: str, kind: type
) -> None:
    assert type(errors.from_response(response(status, "x", message))) is kind


def test_a_generic_bad_request_says_what_could_have_caused_it() -> None:
    error = errors.from_response(
        response(400, "badRequest", "Bad request."), subject="user ava@contoso.com"
    )
    assert type(error) is e.GraphError
    assert "ava@contoso.com" in error.message and "badRequest" in error.message
    for cause in ("policy", "lifetime", "start time", "external guest", "request-id"):
        assert cause in error.hint
    assert error.request_id == "rid-body"


def test_lifetime_error_quotes_the_tenant_range() -> None:
    error = errors.from_response(
        response(
            400,
            "badRequest",
            "The valid range between 120 and 240. Invalid LifetimeInMinutes specified.",
        )
    )
    assert "120 to 240 minutes" in error.message


def test_request_id_prefers_the_header_and_reads_both_spellings() -> None:
    assert errors.request_id(response(404, headers={"request-id": "rid-header"})) == "rid-header"
    legacy = httpx.Response(404, json={"error": {"innererror": {"requestId": "rid-old"}}})
    assert errors.request_id(legacy) == "rid-old"
    assert errors.request_id(httpx.Response(502, text="<html>bad gateway</html>")) is None


def test_transport_errors_say_offline_timeout_or_proxy() -> None:
    assert "not connected" in errors.from_transport(httpx.ConnectError("x")).message
    assert "in time" in errors.from_transport(httpx.ReadTimeout("x")).message
    assert "proxy" in errors.from_transport(httpx.ProxyError("x")).message


def test_a_retry_after_date_already_past_means_ask_now() -> None:
    """Without a given ``now`` the date is read against the real UTC clock (an aware one)."""
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_a_retry_after_date_is_read_against_the_callers_clock() -> None:
    """The client passes its own clock's time: the wait is measured from it, not the system's."""
    now = datetime(2030, 1, 6, 8, 0, 0, tzinfo=UTC)
    assert RetryPolicy().delay(1, "Sun, 06 Jan 2030 08:00:05 GMT", now) == 5.0
