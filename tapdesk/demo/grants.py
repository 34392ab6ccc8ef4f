"""The token endpoint's grants: device_code, authorization_code (PKCE), refresh_token, password.

Error codes and texts follow Entra's (AADSTS numbers as seen in real responses).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from tapdesk.demo.constants import DEMO_CLIENT_ID, DEMO_PASSWORD, DEMO_TECHNICIAN_UPN
from tapdesk.demo.issuance import check_can_sign_in, token_response
from tapdesk.demo.model import Grant, TenantState, fingerprint
from tapdesk.demo.responses import OAuthProblem

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def check_client(client_id: str | None) -> None:
    if client_id != DEMO_CLIENT_ID:
        raise OAuthProblem(
            "unauthorized_client",
            700016,
            f"Application with identifier '{client_id}' was not found in the directory "
            "'Northwind Traders'.",
        )


def redeem(
    form: dict[str, str],
    state: TenantState,
    now: datetime,
    token_lifetime: float,
    auto_approve_after: float | None,
) -> dict[str, Any]:
    check_client(form.get("client_id"))
    grant_type = form.get("grant_type")
    scopes = form.get("scope", "").split()
    nonce, auth_time = None, None
    if grant_type == DEVICE_GRANT:
        grant = _redeem_device_code(form, state, now, auto_approve_after)
        user_id, scopes = grant.user_id, grant.scopes
    elif grant_type == "authorization_code":
        grant = _redeem_auth_code(form, state, now)
        user_id, scopes, nonce = grant.user_id, grant.scopes, grant.nonce
        auth_time = grant.auth_time if grant.with_auth_time else None
    elif grant_type == "refresh_token":
        grant = _redeem_refresh_token(form, state, now)
        user_id, scopes = grant.user_id, scopes or [*grant.scopes, "offline_access"]
        # A refreshed ID token names the original sign-in's time (OpenID Connect Core 12.2).
        auth_time = grant.auth_time if grant.with_auth_time else None
    elif grant_type == "password":
        user_id = check_can_sign_in(state.find_user(form.get("username", ""))).id
        if form.get("password") != DEMO_PASSWORD:
            raise _problem("invalid_grant", 50126, BAD_PASSWORD)
    else:
        raise _problem("unsupported_grant_type", 70003, f"Unsupported grant type '{grant_type}'.")
    user = check_can_sign_in(state.users.get(user_id or ""))
    return token_response(
        state,
        user,
        scopes,
        now,
        token_lifetime,
        nonce=nonce,
        with_client_info=form.get("client_info") == "1",
        auth_time=auth_time,
    )


def _redeem_device_code(
    form: dict[str, str], state: TenantState, now: datetime, auto_approve_after: float | None
) -> Grant:
    key = fingerprint(form.get("device_code", ""))
    grant = state.device_codes.get(key)
    if grant is None:  # never issued, already redeemed, or pruned long after expiry
        raise _problem("bad_verification_code", 70000, BAD_DEVICE_CODE)
    if now >= grant.expires:
        raise _problem("expired_token", 70019, "Verification code expired.")
    if grant.status == "pending" and auto_approve_after is not None:
        # Whoever is at the keyboard (the training technician unless a test says otherwise)
        # "signs in on their phone" a moment after the code appears.
        technician = state.find_user(state.keyboard_upn or DEMO_TECHNICIAN_UPN)
        if technician and now >= grant.issued + timedelta(seconds=auto_approve_after):
            grant.status, grant.user_id = "approved", technician.id
    if grant.status == "denied":
        raise _problem("authorization_declined", 70000, "The end user declined the sign-in.")
    if grant.status != "approved":
        raise _problem("authorization_pending", 70016, PENDING)
    del state.device_codes[key]  # redeemed once
    return grant


def _redeem_auth_code(form: dict[str, str], state: TenantState, now: datetime) -> Grant:
    grant = state.auth_codes.pop(fingerprint(form.get("code", "")), None)  # single use
    if grant is None:
        raise _problem("invalid_grant", 70000, BAD_CODE)
    if now >= grant.expires:
        raise _problem("invalid_grant", 70008, EXPIRED_GRANT)
    if form.get("redirect_uri") != grant.redirect_uri:
        raise _problem("invalid_grant", 50011, REDIRECT_MISMATCH)
    if grant.code_challenge and not _pkce_ok(form.get("code_verifier", ""), grant):
        raise _problem("invalid_grant", 50148, PKCE_MISMATCH)
    return grant


def _pkce_ok(verifier: str, grant: Grant) -> bool:
    if grant.code_challenge_method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        computed = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    else:
        computed = verifier
    return secrets.compare_digest(computed, grant.code_challenge or "")


def _redeem_refresh_token(form: dict[str, str], state: TenantState, now: datetime) -> Grant:
    grant = state.refresh_tokens.get(fingerprint(form.get("refresh_token", "")))
    if grant is None:
        raise _problem(
            "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid."
        )
    if now >= grant.expires:
        raise _problem("invalid_grant", 70008, EXPIRED_GRANT)
    # Entra hands out a new refresh token each time; the old one stays valid until it expires.
    return grant


def _problem(error: str, aadsts: int, text: str) -> OAuthProblem:
    return OAuthProblem(error, aadsts, text)


PENDING = "OAuth 2.0 device flow error. Authorization is pending. Continue polling."
BAD_PASSWORD = "Error validating credentials due to invalid username or password."
BAD_DEVICE_CODE = "The provided value for the input parameter 'device_code' is not valid."
BAD_CODE = "The provided value for the 'code' parameter is not valid."
EXPIRED_GRANT = "The provided authorization code or refresh token has expired due to inactivity."
REDIRECT_MISMATCH = "The redirect URI does not match the one used to obtain the authorization code."
PKCE_MISMATCH = (
    "The code_verifier does not match the code_challenge supplied in the authorization "
    "request for PKCE."
)
