"""The exact words a technician reads for each refused pass and each network failure."""

from __future__ import annotations

import ssl

import httpx
import pytest

from tapdesk import errors as e
from tapdesk.graph import errors

CAUSES = (
    "Possible causes: the pass policy does not cover the user or is switched off, a "
    "lifetime or one-time setting outside the policy, a start time in the past, or an "
    "external guest. Check the user and the policy, or report it with the request-id."
)


def refused(message: str, code: str = "badRequest", status: int = 400) -> httpx.Response:
    """Graph's error envelope as its errors page documents it, request-id in innerError."""
    body = {"error": {"code": code, "message": message, "innerError": {"request-id": "rid-1"}}}
    return httpx.Response(status, json=body)


def shown(error: e.TapdeskError) -> tuple[str, str, str, str | None]:
    """What the window and the CLI show: title, message, hint and request-id."""
    return (error.title, error.message, error.hint, error.request_id)


def test_a_user_outside_the_policy_is_told_whom_to_ask() -> None:
    """Without a subject the message still reads as a sentence: "this user"."""
    error = errors.from_response(
        refused("Converged UserCredentialPolicy does not allow creating this method.")
    )
    assert type(error) is e.NotInPolicyScope
    assert error.message == (
        "The tenant's pass policy does not cover this user, or the Temporary Access Pass "
        "method is turned off."
    )
    assert error.hint == (
        "Ask an Authentication Policy Administrator to add the user to a group the "
        "Temporary Access Pass policy targets."
    )
    assert error.request_id == "rid-1"


def test_an_external_guest_is_told_how_guests_sign_in() -> None:
    error = errors.from_response(refused("TAP cannot be added to an external guest user."))
    assert type(error) is e.ExternalGuest
    assert (error.message, error.hint) == (
        "A Temporary Access Pass cannot be given to an external guest.",
        "External guests sign in with their home organisation's credentials.",
    )


def test_a_lifetime_refusal_without_a_range_asks_for_a_narrower_one() -> None:
    error = errors.from_response(refused("Invalid LifetimeInMinutes specified."))
    assert type(error) is e.LifetimeOutOfRange
    assert (error.message, error.hint) == (
        "The tenant policy allows a narrower range; the requested lifetime is outside it.",
        "Choose a lifetime within a narrower range.",
    )


@pytest.mark.parametrize(
    "message",
    [
        "Invalid IsUsableOnce specified.",  # the property's name alone
        "The policy requires a one-time pass.",  # "one-time" alone
        "Passes must be usable once.",  # "usable once" alone
    ],
)
def test_each_documented_one_time_phrase_says_one_time_passes_only(message: str) -> None:
    """Any one of the three phrases is enough; none needs another with it."""
    error = errors.from_response(refused(message))
    assert shown(error) == (
        "Policy allows one-time passes only",
        "The tenant policy allows one-time passes only.",
        "Issue a one-time pass (--once).",
        "rid-1",
    )


def test_a_refused_start_time_says_start_now_or_later() -> None:
    error = errors.from_response(refused("Invalid StartDateTime specified."))
    assert type(error) is e.StartInPast
    assert shown(error) == (
        "Start time in the past",
        "Microsoft Graph refused the start time.",
        "Start now, or choose a start time in the future.",
        "rid-1",
    )


def test_a_bare_bad_request_names_graphs_code_and_every_possible_cause() -> None:
    error = errors.from_response(refused("Bad request.", code="invalidRequest"))
    assert type(error) is e.GraphError
    assert error.message == (
        "Microsoft Graph refused the request for this user as invalid (invalidRequest) "
        "without saying why."
    )
    assert error.hint == CAUSES


def test_a_bad_request_without_a_code_is_called_bad_request() -> None:
    error = errors.from_response(refused("Bad request.", code=""), subject="user ava@contoso.com")
    assert error.message == (
        "Microsoft Graph refused the request for user ava@contoso.com as invalid (badRequest) "
        "without saying why."
    )
    assert error.hint == CAUSES


def _failed_tls() -> ssl.SSLError:
    return ssl.SSLCertVerificationError(1, "certificate verify failed")


TLS = (
    "The secure connection to Microsoft failed the certificate check.",
    "If your network inspects TLS, its root certificate must be in the system trust store; "
    "check the clock too.",
)


def test_a_certificate_failure_the_connection_was_raised_from_points_at_the_trust_store() -> None:
    """httpx raises ConnectError *from* the ssl error: found through ``__cause__`` alone."""
    failure = httpx.ConnectError("handshake failed")
    failure.__cause__ = _failed_tls()
    error = errors.from_transport(failure)
    assert type(error) is e.Offline
    assert (error.message, error.hint) == TLS


def test_a_certificate_failure_two_links_down_is_still_found() -> None:
    """Wrapped again by a library: the chain is followed through ``__context__`` too."""
    middle = OSError("connect failed")
    middle.__context__ = _failed_tls()
    failure = httpx.ConnectError("handshake failed")
    failure.__cause__ = middle
    assert (errors.from_transport(failure).message, errors.from_transport(failure).hint) == TLS


@pytest.mark.parametrize(
    ("failure", "message", "hint"),
    [
        (
            httpx.ProxyError("407"),
            "The proxy server refused or failed the connection.",
            "Check HTTPS_PROXY / NO_PROXY or the system proxy settings.",
        ),
        (
            httpx.ReadTimeout("slow"),
            "Microsoft did not answer in time.",
            "Check the network connection, then try again.",
        ),
        (
            httpx.ConnectError("[Errno -3] Name resolution failed"),
            "Cannot reach Microsoft: the network or proxy is not connected.",
            "Check the network cable or Wi-Fi and any proxy settings, then try again.",
        ),
    ],
)
def test_each_network_failure_has_its_own_words(
    failure: httpx.TransportError, message: str, hint: str
) -> None:
    error = errors.from_transport(failure)
    assert type(error) is e.Offline
    assert (error.message, error.hint) == (message, hint)
