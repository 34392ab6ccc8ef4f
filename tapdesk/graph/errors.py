"""Graph responses and transport failures -> the technician-facing error tree (tapdesk.errors).

Graph's own ``message`` is for developers and may change; we branch on status, ``code`` and a
few documented phrases, and write our own words. Nothing from a request body is echoed.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Mapping
from typing import Any

import httpx

from tapdesk.core.text import one_line
from tapdesk.errors import (
    ConsentRequired,
    ExternalGuest,
    GraphError,
    LifetimeOutOfRange,
    NotFound,
    NotInPolicyScope,
    NotPermitted,
    Offline,
    OneTimeForced,
    ServiceUnavailable,
    SignInRequired,
    StartInPast,
    TapdeskError,
    Throttled,
)
from tapdesk.graph.retry import parse_retry_after

_RANGE = re.compile(r"between\s+(\d+)\s+and\s+(\d+)", re.IGNORECASE)


_TOKEN_MAX = 100  # Graph codes are ~30 characters; request-ids 36


def _error_body(response: httpx.Response) -> Mapping[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    error = data.get("error") if isinstance(data, Mapping) else None
    return error if isinstance(error, Mapping) else {}


def _token(value: object) -> str:
    """An identifier Graph sends (a code, a request-id) as shown to people: one line, short.
    A hostile or broken server could put markup, line breaks or a page of text there."""
    return one_line(str(value))[:_TOKEN_MAX]


def request_id(response: httpx.Response) -> str | None:
    """Graph's request-id: the response header, else innerError (both spellings and casings)."""
    header = response.headers.get("request-id")
    if header:
        return _token(header)
    error = _error_body(response)
    for inner_key in ("innerError", "innererror"):
        inner = error.get(inner_key)
        if isinstance(inner, Mapping):
            for key in ("request-id", "requestId"):
                if isinstance(inner.get(key), str):
                    return _token(inner[key])
    return None


def from_response(response: httpx.Response, *, subject: str = "") -> TapdeskError:
    """Map an error response. ``subject`` names what was asked for ("user ava@…") for messages.

    The kind of error comes from the HTTP status and Graph's ``error.code`` ("You should only
    code against error codes", Graph's errors page). Within a 400, which Entra answers with the
    generic ``badRequest`` for every refused pass, a few documented phrases of the message only
    choose the explanation; without one, the answer lists what could have caused it.
    """
    error = _error_body(response)
    code = _token(error.get("code") or "")
    lowered = str(error.get("message") or "").lower()
    status = response.status_code
    common: dict[str, Any] = {"request_id": request_id(response), "status": status, "code": code}
    if status == 400:
        return _bad_request(lowered, str(error.get("message") or ""), subject, common)
    if status == 401:
        return SignInRequired(
            "Your sign-in has expired or was not accepted by Microsoft Graph.",
            hint="Sign in again (tapdesk login).",
            **common,
        )
    if status == 403:
        if "converged usercredentialpolicy" in lowered:  # field reports: 400 or 403 (graph-tap §5)
            return _bad_request(lowered, str(error.get("message") or ""), subject, common)
        if "consent" in lowered or "scope" in lowered:
            return ConsentRequired(
                "The app lacks a Microsoft Graph permission for this action.",
                hint="Ask an administrator to grant admin consent for tapdesk's permissions "
                "(User.Read.All, UserAuthenticationMethod.ReadWrite.All).",
                **common,
            )
        return NotPermitted(
            f"You are not allowed to do this for {subject or 'this user'}.",
            hint="Passes need the Authentication Administrator role, or Privileged "
            "Authentication Administrator when the user holds an admin role; nobody can issue "
            "a pass to themselves.",
            **common,
        )
    if status == 404:
        return NotFound(
            f"{(subject or 'That item').capitalize()} was not found in this tenant.",
            hint="Check the spelling. A user created in the last few minutes may still be replicating.",
            **common,
        )
    if status == 429:
        throttled = Throttled(
            "Microsoft Graph is limiting requests and kept refusing after several tries.",
            hint="Wait a minute, then try again.",
            **common,
        )
        throttled.retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return throttled
    if status in (500, 502, 503, 504):
        return ServiceUnavailable(
            f"Microsoft Graph answered {status} and kept failing after several tries.",
            hint="Wait a minute, then try again; check the Microsoft 365 service health page.",
            **common,
        )
    return GraphError(
        f"Microsoft Graph refused the request ({status}{', ' + code if code else ''}).",
        hint="Try again; if it persists, report it with the request-id.",
        **common,
    )


def _bad_request(lowered: str, text: str, subject: str, common: dict[str, Any]) -> TapdeskError:
    """A 400: the documented phrases say which rule of the pass was broken."""
    who = subject or "this user"
    if "converged usercredentialpolicy" in lowered:
        return NotInPolicyScope(
            f"The tenant's pass policy does not cover {who}, or the Temporary Access Pass "
            "method is turned off.",
            hint="Ask an Authentication Policy Administrator to add the user to a group the "
            "Temporary Access Pass policy targets.",
            **common,
        )
    if "external guest" in lowered:
        return ExternalGuest(
            "A Temporary Access Pass cannot be given to an external guest.",
            hint="External guests sign in with their home organisation's credentials.",
            **common,
        )
    if "lifetimeinminutes" in lowered:
        match = _RANGE.search(text)
        span = f"{match.group(1)} to {match.group(2)} minutes" if match else "a narrower range"
        return LifetimeOutOfRange(
            f"The tenant policy allows {span}; the requested lifetime is outside it.",
            hint=f"Choose a lifetime within {span}.",
            **common,
        )
    if "isusableonce" in lowered or "one-time" in lowered or "usable once" in lowered:
        return OneTimeForced(
            "The tenant policy allows one-time passes only.",
            hint="Issue a one-time pass (--once).",
            **common,
        )
    if "startdatetime" in lowered:
        return StartInPast(
            "Microsoft Graph refused the start time.",
            hint="Start now, or choose a start time in the future.",
            **common,
        )
    code = common.get("code") or "badRequest"
    return GraphError(
        f"Microsoft Graph refused the request for {who} as invalid ({code}) without saying why.",
        hint="Possible causes: the pass policy does not cover the user or is switched off, a "
        "lifetime or one-time setting outside the policy, a start time in the past, or an "
        "external guest. Check the user and the policy, or report it with the request-id.",
        **common,
    )


def from_transport(exc: httpx.TransportError) -> Offline:
    """Network trouble, in words that point at the likely fix."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return Offline(
                "The secure connection to Microsoft failed the certificate check.",
                hint="If your network inspects TLS, its root certificate must be in the system "
                "trust store; check the clock too.",
            )
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.ProxyError):
        return Offline(
            "The proxy server refused or failed the connection.",
            hint="Check HTTPS_PROXY / NO_PROXY or the system proxy settings.",
        )
    if isinstance(exc, httpx.TimeoutException):
        return Offline(
            "Microsoft did not answer in time.",
            hint="Check the network connection, then try again.",
        )
    return Offline(
        "Cannot reach Microsoft: the network or proxy is not connected.",
        hint="Check the network cable or Wi-Fi and any proxy settings, then try again.",
    )
