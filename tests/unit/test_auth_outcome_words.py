"""The exact words, hint, code and request ID a technician reads for each MSAL outcome."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from tapdesk.auth.outcomes import check, consent_error, error_for, scope_names
from tapdesk.errors import AuthError, ConsentRequired, SignInRequired, TapdeskError

SCOPES = [
    "https://graph.microsoft.com/User.Read.All",
    "https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite.All",
]
CLIENT = "11111111-2222-3333-4444-555555555555"
CONSENT_MESSAGE = (
    "tapdesk has not been granted the Microsoft Graph permissions it needs in this tenant."
)
CONSENT_HINT = (
    "Ask your administrator to grant admin consent to the tapdesk app registration "
    f"(client ID {CLIENT}) for these delegated Microsoft Graph permissions: "
    "User.Read.All, UserAuthenticationMethod.ReadWrite.All."
)


def mapped(result: Mapping[str, object]) -> TapdeskError:
    return error_for(result, scopes=SCOPES, client_id=CLIENT)


def shown(error: TapdeskError) -> tuple[type, str, str, str | None, str | None]:
    """What the window and the CLI show: kind, message, hint, request ID and code."""
    return type(error), error.message, error.hint, error.request_id, error.code


def test_consent_error_reads_the_fixed_words_and_keeps_the_correlation_id() -> None:
    # The correlation ID is what the administrator gives Microsoft support.
    error = mapped({"error": "consent_required", "correlation_id": "corr-7"})
    assert shown(error) == (
        ConsentRequired,
        CONSENT_MESSAGE,
        CONSENT_HINT,
        "corr-7",
        "consent_required",
    )


def test_consent_error_without_a_reference_has_no_request_id() -> None:
    error = consent_error(SCOPES, CLIENT)
    assert shown(error) == (
        ConsentRequired,
        CONSENT_MESSAGE,
        CONSENT_HINT,
        None,
        "consent_required",
    )


def test_a_bare_scope_name_is_shown_as_written() -> None:
    # A site may configure scopes without the Graph prefix; the hint names them as given.
    assert scope_names(["User.Read", "https://graph.microsoft.com/User.Read.All"]) == [
        "User.Read",
        "User.Read.All",
    ]


@pytest.mark.parametrize("code", ["invalid_grant", "interaction_required", "login_required"])
def test_expired_sign_in_asks_to_sign_in_again(code: str) -> None:
    error = mapped({"error": code, "correlation_id": "corr-1"})
    assert shown(error) == (
        SignInRequired,
        "Your sign-in has expired or needs to be confirmed again.",
        "Sign in again.",
        "corr-1",
        code,
    )


@pytest.mark.parametrize("code", ["access_denied", "authorization_declined"])
def test_declined_sign_in_says_so_with_its_reference(code: str) -> None:
    error = mapped({"error": code, "correlation_id": "corr-2"})
    assert shown(error) == (AuthError, "Sign-in was cancelled or declined.", "", "corr-2", code)


@pytest.mark.parametrize(
    "code", ["expired_token", "authorization_pending", "code_expired", "bad_verification_code"]
)
def test_expired_device_code_says_to_start_again(code: str) -> None:
    error = mapped({"error": code, "correlation_id": "corr-3"})
    assert shown(error) == (
        AuthError,
        "The sign-in code expired before it was used.",
        "Start the sign-in again and enter the new code within its time.",
        None,
        code,
    )


@pytest.mark.parametrize("code", ["invalid_client", "unauthorized_client"])
def test_app_registration_refusal_names_the_code_and_the_fix(code: str) -> None:
    error = mapped({"error": code, "error_codes": [7000218], "correlation_id": "corr-4"})
    assert shown(error) == (
        AuthError,
        f"Microsoft Entra did not accept tapdesk's app registration ({code}, AADSTS7000218).",
        "Check the client ID in tapdesk.toml. Device code sign-in also needs "
        "'Allow public client flows' switched on in the app registration.",
        "corr-4",
        code,
    )


def test_other_refusal_without_an_aadsts_number_names_only_the_code() -> None:
    error = mapped({"error": "temporarily_unavailable", "correlation_id": "corr-5"})
    assert shown(error) == (
        AuthError,
        "Microsoft sign-in refused the request (temporarily_unavailable).",
        "Try again; if it keeps failing, give your administrator the request ID.",
        "corr-5",
        "temporarily_unavailable",
    )


def test_an_error_without_a_code_is_reported_as_unknown_error() -> None:
    error = mapped({"error": None})
    assert (error.message, error.code) == (
        "Microsoft sign-in refused the request (unknown_error).",
        "unknown_error",
    )


def test_no_result_at_all_means_not_signed_in() -> None:
    with pytest.raises(SignInRequired) as caught:
        check(None, scopes=SCOPES, client_id=CLIENT)
    assert (caught.value.message, caught.value.hint) == (
        "You are not signed in.",
        "Sign in to continue.",
    )
