"""What the token endpoint hands out: scopes granted, access/ID/refresh tokens, client_info."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from tapdesk.demo.authz import role_ids
from tapdesk.demo.constants import (
    DEMO_CLIENT_ID,
    GRAPH_AUDIENCE,
    GRAPH_SCOPE_PREFIXES,
    LOGIN_HOST,
    OIDC_SCOPES,
)
from tapdesk.demo.model import DemoUser, Grant, TenantState, fingerprint
from tapdesk.demo.responses import OAuthProblem
from tapdesk.demo.tokens import client_info, sign_access_token, unsigned_token

REFRESH_TOKEN_LIFETIME = timedelta(days=90)


def consent_required() -> OAuthProblem:
    return OAuthProblem(
        "invalid_grant",
        65001,
        f"The user or administrator has not consented to use the application with ID "
        f"'{DEMO_CLIENT_ID}' named 'tapdesk'. Send an interactive authorization request for "
        "this user and resource.",
        suberror="consent_required",
    )


def graph_scopes(requested: list[str], consented: list[str]) -> list[str]:
    """Graph permissions (short form) a request asks for; refused unless all are consented.

    ``.default`` stands for everything consented, as in Entra.
    """
    by_lower = {scope.lower(): scope for scope in consented}
    granted: list[str] = []
    for scope in requested:
        if scope.lower() in OIDC_SCOPES:
            continue
        short = scope
        for prefix in GRAPH_SCOPE_PREFIXES:
            short = short.removeprefix(prefix)
        wanted = consented if short == ".default" else [by_lower.get(short.lower(), "")]
        if "" in wanted:
            raise consent_required()
        granted.extend(s for s in wanted if s not in granted)
    return granted


def check_can_sign_in(user: DemoUser | None) -> DemoUser:
    if user is None:
        raise OAuthProblem(
            "invalid_grant", 50034, "The user account does not exist in the directory."
        )
    if not user.account_enabled:
        raise OAuthProblem(
            "invalid_grant",
            50057,
            "The user account is disabled. The account has been disabled by an administrator.",
        )
    return user


def token_response(
    state: TenantState,
    user: DemoUser,
    requested: list[str],
    now: datetime,
    lifetime: float,
    *,
    nonce: str | None = None,
    with_client_info: bool = False,
    auth_time: datetime | None = None,
) -> dict[str, Any]:
    """``auth_time``: put in the ID token (the sign-in asked for max_age, or a refresh of one)."""
    """Entra's v2 token response; refresh token only with offline_access, ID token with openid."""
    granted = graph_scopes(requested, state.consented_scopes)
    oidc: list[str] = [
        s for s in ("openid", "profile", "email") if s in {r.lower() for r in requested}
    ]
    iat = int(now.timestamp())
    exp = iat + int(lifetime)
    access_claims = {
        "aud": GRAPH_AUDIENCE,
        "iss": issuer(state.tenant_id),
        "tid": state.tenant_id,
        "oid": user.id,
        "upn": user.upn,
        "preferred_username": user.upn,
        "name": user.display_name,
        "appid": DEMO_CLIENT_ID,
        "scp": " ".join(granted + oidc),
        "wids": role_ids(user),
        "iat": iat,
        "nbf": iat,
        "exp": exp,
        "uti": secrets.token_urlsafe(16),  # unique per token, as in Entra
    }
    body: dict[str, Any] = {
        "token_type": "Bearer",
        "scope": " ".join(requested),
        "expires_in": int(lifetime),
        "ext_expires_in": int(lifetime),
        "access_token": sign_access_token(access_claims),
    }
    lowered = {r.lower() for r in requested}
    if "offline_access" in lowered:
        refresh = secrets.token_urlsafe(48)
        state.refresh_tokens[fingerprint(refresh)] = Grant(
            user.id,
            DEMO_CLIENT_ID,
            granted,
            now,
            now + REFRESH_TOKEN_LIFETIME,
            auth_time=auth_time,
            with_auth_time=auth_time is not None,
        )
        body["refresh_token"] = refresh
    if "openid" in lowered:
        id_claims: dict[str, Any] = {
            "aud": DEMO_CLIENT_ID,
            "iss": issuer(state.tenant_id),
            "tid": state.tenant_id,
            "oid": user.id,
            "sub": fingerprint(f"{user.id}/{DEMO_CLIENT_ID}")[:43],
            "preferred_username": user.upn,
            "name": user.display_name,
            "iat": iat,
            "exp": exp,
        }
        if role_ids(user):  # Entra leaves out a claim with no value
            id_claims["wids"] = role_ids(user)
        if nonce is not None:
            id_claims["nonce"] = nonce
        if auth_time is not None:
            id_claims["auth_time"] = int(auth_time.timestamp())
        body["id_token"] = unsigned_token(id_claims)
    if with_client_info:
        body["client_info"] = client_info(user.id, state.tenant_id)
    return body


def issuer(tenant_id: str) -> str:
    return f"https://{LOGIN_HOST}/{tenant_id}/v2.0"


def prune_expired(state: TenantState, now: datetime) -> None:
    # Kept an hour past expiry so a late poll still hears "expired" rather than "unknown".
    cutoff = now - timedelta(hours=1)
    for table in (state.refresh_tokens, state.device_codes, state.auth_codes):
        for key in [k for k, grant in table.items() if grant.expires <= cutoff]:
            del table[key]
