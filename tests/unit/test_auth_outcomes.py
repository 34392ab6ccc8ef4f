"""MSAL error dicts and exceptions become the documented tapdesk errors."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping

import httpx
import msal
import pytest

from tapdesk.auth.outcomes import check, error_for, msal_boundary, needs_interaction
from tapdesk.auth.strategies import use_broker
from tapdesk.config import Settings
from tapdesk.errors import (
    AuthError,
    ConsentRequired,
    ExitCode,
    Offline,
    SignInRequired,
    TapdeskError,
)

SCOPES = [
    "https://graph.microsoft.com/User.Read.All",
    "https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite.All",
]
CLIENT = "11111111-2222-3333-4444-555555555555"


def mapped(result: Mapping[str, object]) -> TapdeskError:
    return error_for(result, scopes=SCOPES, client_id=CLIENT)


@pytest.mark.parametrize(
    "result",
    [
        {"error": "invalid_grant", "error_description": "AADSTS65001: The user or admin..."},
        {"error": "invalid_grant", "suberror": "consent_required"},
        {"error": "consent_required"},
        {"error": "access_denied", "error_codes": [90094]},
    ],
)
def test_consent_errors_name_the_permissions_to_ask_for(result: dict[str, object]) -> None:
    error = mapped(result)
    assert isinstance(error, ConsentRequired)
    assert error.exit_code is ExitCode.NOT_PERMITTED
    assert "User.Read.All, UserAuthenticationMethod.ReadWrite.All" in error.hint
    assert CLIENT in error.hint
    assert "https://" not in error.hint
    assert not needs_interaction(result)


@pytest.mark.parametrize("code", ["invalid_grant", "interaction_required", "login_required"])
def test_interaction_errors_ask_to_sign_in_again(code: str) -> None:
    result = {"error": code, "error_description": "AADSTS50076: MFA", "correlation_id": "c-1"}
    error = mapped(result)
    assert isinstance(error, SignInRequired)
    assert error.request_id == "c-1"
    assert needs_interaction(result)


def test_declined_and_expired() -> None:
    assert "cancelled" in mapped({"error": "access_denied"}).message
    assert "expired" in mapped({"error": "expired_token"}).message
    # An unknown device code (used already, or forgotten after it expired) reads the same.
    assert "expired" in mapped({"error": "bad_verification_code"}).message
    assert "expired" in mapped({"error": "authorization_pending"}).message


def test_app_registration_problem_points_at_the_client_id() -> None:
    error = mapped({"error": "invalid_client", "error_description": "AADSTS7000218: body"})
    assert isinstance(error, AuthError)
    assert "AADSTS7000218" in error.message
    assert "public client flows" in error.hint


def test_unknown_error_never_echoes_the_description() -> None:
    error = mapped({"error": "weird", "error_description": "AADSTS9999: secret-ish free text"})
    assert type(error) is AuthError
    assert "weird, AADSTS9999" in error.message
    assert "free text" not in str(error)


def test_check_passes_success_and_raises_for_none() -> None:
    assert check({"access_token": "x"}, scopes=SCOPES, client_id=CLIENT) == {"access_token": "x"}
    with pytest.raises(SignInRequired):
        check(None, scopes=SCOPES, client_id=CLIENT)


def test_transport_failures_are_offline() -> None:
    with pytest.raises(Offline), msal_boundary():
        raise httpx.ConnectError("no route")
    with pytest.raises(Offline), msal_boundary():
        raise httpx.ReadTimeout("slow")


def test_status_errors_and_msal_timeout() -> None:
    request = httpx.Request("GET", "https://login.example.test/")
    response = httpx.Response(503, request=request)
    with pytest.raises(AuthError, match="HTTP 503"), msal_boundary():
        raise httpx.HTTPStatusError("boom", request=request, response=response)
    with pytest.raises(AuthError, match="timed out"), msal_boundary():
        raise msal.BrowserInteractionTimeoutError("late")


def test_broker_only_on_windows_and_only_when_enabled() -> None:
    assert not use_broker(Settings(broker=True), platform="linux")
    assert not use_broker(Settings(broker=False), platform="win32")
    # On Windows it also needs msal[broker] (pymsalruntime).
    installed = importlib.util.find_spec("pymsalruntime") is not None
    assert use_broker(Settings(broker=True), platform="win32") is installed
