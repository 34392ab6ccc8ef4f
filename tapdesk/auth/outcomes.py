"""MSAL's ``{"error": ...}`` dicts and transport exceptions become tapdesk errors here.

Messages are fixed text plus identifiers (error code, AADSTS number, broker status, correlation
id): never a token and never MSAL's free-text description, which tapdesk does not control.
"""

from __future__ import annotations

import re
import sys
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
# AADSTS50011: the redirect URI of the request is not registered on the app.
_REDIRECT_URI_CODE = "AADSTS50011"

# The Windows broker (WAM) answers every failure as "broker_error". MSAL 1.39 strips its private
# _broker_status/_broker_error_code keys (application.py _clean_up), so the status and the code
# survive only inside error_description: "<context>. Status: Response_Status.Status_X, Error
# code: N, Tag: M" (broker.py _convert_error). Only those two are read; the context is never shown.
_BROKER_STATUS = re.compile(r"\bStatus: Response_Status\.(Status_[A-Za-z]+)")
_BROKER_CODE = re.compile(r"\bError code: (\d+)")
# What MSAL itself falls back to the WAM window for (application.py, recoverable_errors).
_BROKER_INTERACTION = frozenset({"Status_InteractionRequired", "Status_AccountUnusable"})
_BROKER_CANCELLED = "Status_UserCanceled"
# A missing ms-appx-web redirect URI, as Microsoft documents it: "Status_ApiContractViolation,
# Error code: 3399614473" (https://learn.microsoft.com/entra/msal/python/advanced/wam).
_BROKER_NO_REDIRECT = ("Status_ApiContractViolation", 3399614473)

TIMED_OUT = "The browser sign-in timed out."
CANCELLED = "Sign-in was cancelled."
BROWSER_REDIRECT_URI = "http://localhost"


def broker_redirect_uri(client_id: str) -> str:
    """The redirect URI WAM needs on the app registration (learn.microsoft.com, MSAL Python WAM)."""
    return f"ms-appx-web://microsoft.aad.brokerplugin/{client_id}"


def aadsts(result: Mapping[str, Any]) -> str | None:
    found = _AADSTS.search(str(result.get("error_description") or ""))
    if found:
        return found.group(0)
    codes = result.get("error_codes") or []
    return f"AADSTS{codes[0]}" if codes else None


def broker_status(result: Mapping[str, Any]) -> tuple[str | None, int | None]:
    """The WAM status name and error code of a ``broker_error`` result, else ``(None, None)``."""
    if result.get("error") != "broker_error":
        return None, None
    text = str(result.get("error_description") or "")
    status, code = _BROKER_STATUS.search(text), _BROKER_CODE.search(text)
    return (status.group(1) if status else None), (int(code.group(1)) if code else None)


def needs_interaction(result: Mapping[str, Any]) -> bool:
    if broker_status(result)[0] in _BROKER_INTERACTION:
        return True
    return result.get("error") in _INTERACTION and not is_consent(result)


def redirect_uri_error(client_id: str, *, broker: bool, ref: str | None = None) -> AuthError:
    uri = broker_redirect_uri(client_id) if broker else BROWSER_REDIRECT_URI
    how = "the Windows sign-in (WAM)" if broker else "the browser sign-in"
    return AuthError(
        f"tapdesk's app registration does not allow {how}: a redirect URI is missing.",
        hint=(
            f"In the Microsoft Entra admin center, open the app registration (client ID "
            f"{client_id}) > Authentication > Mobile and desktop applications, and add the "
            f"redirect URI {uri}"
        ),
        request_id=ref,
        code="redirect_uri",
    )


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


def error_for(
    result: Mapping[str, Any], *, scopes: Sequence[str], client_id: str, broker: bool = False
) -> TapdeskError:
    """The exception for an MSAL error result (``broker``: the sign-in went through WAM)."""
    code = str(result.get("error") or "unknown_error")
    ref = result.get("correlation_id")
    number = aadsts(result)
    label = f"{code}, {number}" if number else code
    if is_consent(result):
        return consent_error(scopes, client_id, ref)
    if number == _REDIRECT_URI_CODE:
        return redirect_uri_error(client_id, broker=broker, ref=ref)
    if code == "broker_error":
        return _broker_error(result, client_id, ref)
    if code in _INTERACTION:
        return _sign_in_again(ref, code)
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


def _sign_in_again(ref: str | None, code: str) -> SignInRequired:
    """The server (or WAM) wants the technician to sign in again: expired, revoked, MFA due."""
    return SignInRequired(
        "Your sign-in has expired or needs to be confirmed again.",
        hint="Sign in again.",
        request_id=ref,
        code=code,
    )


def _broker_error(result: Mapping[str, Any], client_id: str, ref: str | None) -> TapdeskError:
    status, number = broker_status(result)
    if status in _BROKER_INTERACTION:
        return _sign_in_again(ref, status)
    if status == _BROKER_CANCELLED:  # the technician closed or cancelled the WAM window
        return AuthError(CANCELLED, code="cancelled")
    if (status, number) == _BROKER_NO_REDIRECT:
        return redirect_uri_error(client_id, broker=True, ref=ref)
    label = ", ".join(str(part) for part in (status or "no status", number) if part is not None)
    return AuthError(
        f"The Windows sign-in (WAM) did not finish ({label}).",
        hint="Try again; if it keeps failing, use device code sign-in and give your "
        "administrator these codes.",
        request_id=ref,
        code="broker_error",
    )


def check(
    result: Mapping[str, Any] | None,
    *,
    scopes: Sequence[str],
    client_id: str,
    broker: bool = False,
) -> Mapping[str, Any]:
    """Return a successful result; raise for an error result or a missing one."""
    if result is None:
        raise SignInRequired("You are not signed in.", hint="Sign in to continue.")
    if "error" in result:
        raise error_for(result, scopes=scopes, client_id=client_id, broker=broker)
    return result


def _is_redirect_uri_error(exc: ValueError) -> bool:
    # msal.broker.RedirectUriError (broker.py), raised for AADSTS50011 in WAM's answer. It is
    # not exported by msal, and msal.broker is only loaded once a broker app exists: look it up
    # rather than import a private module.
    wanted = getattr(sys.modules.get("msal.broker"), "RedirectUriError", None)
    return isinstance(wanted, type) and isinstance(exc, wanted)


@contextmanager
def msal_boundary(client_id: str | None = None) -> Iterator[None]:
    """Turn the exceptions MSAL lets through into tapdesk errors."""
    try:
        yield
    except ValueError as exc:
        if client_id is None or not _is_redirect_uri_error(exc):
            raise
        raise redirect_uri_error(client_id, broker=True) from exc
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
