"""MSAL's ``{"error": ...}`` dicts and transport exceptions become tapdesk errors here.

Messages are fixed text plus identifiers (error code, AADSTS number, correlation id): never a
token and never MSAL's free-text description, which tapdesk does not control.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import httpx
import msal

from tapdesk.errors import AuthError, ConsentRequired, Offline, SignInRequired, TapdeskError

# The user must sign in again (expired or revoked refresh token, MFA or CA step-up needed).
_INTERACTION = frozenset({"interaction_required", "invalid_grant", "login_required"})
# AADSTS65001: no consent for the app; AADSTS90094: only an administrator can grant it.
_CONSENT_CODES = frozenset({"AADSTS65001", "AADSTS90094"})
_DECLINED = frozenset({"access_denied", "authorization_declined"})
# bad_verification_code: the device code is unknown (used, or forgotten after it expired).
_EXPIRED = frozenset(
    {"expired_token", "authorization_pending", "code_expired", "bad_verification_code"}
)
_APP_REGISTRATION = frozenset({"invalid_client", "unauthorized_client"})
_AADSTS = re.compile(r"\bAADSTS\d+\b")

TIMED_OUT = "The browser sign-in timed out."


def aadsts(result: Mapping[str, Any]) -> str | None:
    found = _AADSTS.search(str(result.get("error_description") or ""))
    if found:
        return found.group(0)
    codes = result.get("error_codes") or []
    return f"AADSTS{codes[0]}" if codes else None


def needs_interaction(result: Mapping[str, Any]) -> bool:
    return result.get("error") in _INTERACTION and not is_consent(result)


def is_consent(result: Mapping[str, Any]) -> bool:
    return (
        "consent_required" in (result.get("error"), result.get("suberror"))
        or aadsts(result) in _CONSENT_CODES
    )


def scope_names(scopes: Sequence[str]) -> list[str]:
    """``https://graph.microsoft.com/User.Read.All`` -> ``User.Read.All``, as the portal shows."""
    return [s.rsplit("/", 1)[-1] for s in scopes]


def consent_error(scopes: Sequence[str], client_id: str, ref: str | None = None) -> ConsentRequired:
    return ConsentRequired(
        "tapdesk has not been granted the Microsoft Graph permissions it needs in this tenant.",
        hint=(
            "Ask your administrator to grant admin consent to the tapdesk app registration "
            f"(client ID {client_id}) for these delegated Microsoft Graph permissions: "
            f"{', '.join(scope_names(scopes))}."
        ),
        request_id=ref,
        code="consent_required",
    )


def error_for(result: Mapping[str, Any], *, scopes: Sequence[str], client_id: str) -> TapdeskError:
    """The exception for an MSAL error result."""
    code = str(result.get("error") or "unknown_error")
    ref = result.get("correlation_id")
    number = aadsts(result)
    label = f"{code}, {number}" if number else code
    if is_consent(result):
        return consent_error(scopes, client_id, ref)
    if code in _INTERACTION:
        return SignInRequired(
            "Your sign-in has expired or needs to be confirmed again.",
            hint="Sign in again.",
            request_id=ref,
            code=code,
        )
    if code in _DECLINED:
        return AuthError("Sign-in was cancelled or declined.", request_id=ref, code=code)
    if code in _EXPIRED:
        return AuthError(
            "The sign-in code expired before it was used.",
            hint="Start the sign-in again and enter the new code within its time.",
            code=code,
        )
    if code in _APP_REGISTRATION:
        return AuthError(
            f"Microsoft Entra did not accept tapdesk's app registration ({label}).",
            hint="Check the client ID in tapdesk.toml. Device code sign-in also needs "
            "'Allow public client flows' switched on in the app registration.",
            request_id=ref,
            code=code,
        )
    return AuthError(
        f"Microsoft sign-in refused the request ({label}).",
        hint="Try again; if it keeps failing, give your administrator the request ID.",
        request_id=ref,
        code=code,
    )


def check(
    result: Mapping[str, Any] | None, *, scopes: Sequence[str], client_id: str
) -> Mapping[str, Any]:
    """Return a successful result; raise for an error result or a missing one."""
    if result is None:
        raise SignInRequired("You are not signed in.", hint="Sign in to continue.")
    if "error" in result:
        raise error_for(result, scopes=scopes, client_id=client_id)
    return result


@contextmanager
def msal_boundary() -> Iterator[None]:
    """Turn the exceptions MSAL lets through into tapdesk errors."""
    try:
        yield
    except httpx.TransportError as exc:
        raise Offline(
            "Cannot reach the Microsoft sign-in service.",
            hint="Check the network connection or proxy, then try again.",
        ) from exc
    except httpx.HTTPStatusError as exc:
        raise AuthError(
            f"The Microsoft sign-in service answered HTTP {exc.response.status_code}.",
            hint="Try again in a moment.",
            status=exc.response.status_code,
        ) from exc
    except msal.BrowserInteractionTimeoutError as exc:
        raise AuthError(
            TIMED_OUT, hint="Sign in again and finish in the browser.", code="timeout"
        ) from exc
