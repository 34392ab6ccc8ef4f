"""The sign-in authority (host login.tapdesk-demo.test), enough of Entra for real MSAL.

Serves OIDC discovery, the device-code endpoint, an authorize page that form-posts the code
back to the app's loopback listener, and the token endpoint (grants live in ``grants``).
"""

from __future__ import annotations

import html
import secrets
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlparse

import httpx

from tapdesk.demo import grants
from tapdesk.demo.constants import (
    DEMO_CLIENT_ID,
    DEMO_DOMAIN,
    DEMO_TECHNICIAN_UPN,
    DEMO_TENANT_ID,
    DEVICE_LOGIN_URL,
    GRAPH_HOST,
    LOGIN_HOST,
)
from tapdesk.demo.grants import check_client
from tapdesk.demo.issuance import issuer, prune_expired
from tapdesk.demo.model import DemoUser, Grant, TenantState, fingerprint
from tapdesk.demo.responses import OAuthProblem

DEVICE_CODE_LIFETIME = timedelta(seconds=900)
# Seconds between polls, as Entra answers (v2-oauth2-device-code); MSAL waits this long.
DEVICE_POLL_INTERVAL = 5
AUTH_CODE_LIFETIME = timedelta(minutes=10)
_USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ23456789"  # no vowels or look-alikes
_TENANT_ALIASES = {DEMO_DOMAIN, "organizations", "common"}
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


def handle(
    request: httpx.Request,
    state: TenantState,
    now: datetime,
    *,
    token_lifetime: float,
    auto_approve_after: float | None,
) -> httpx.Response:
    parts = request.url.path.strip("/").split("/")
    try:
        if parts[:2] == ["common", "userrealm"] and len(parts) == 3:
            return _user_realm(parts[2])
        if parts == ["device"]:
            return _html("<p>Enter the code shown by the app. (tapdesk demo tenant)</p>")
        if parts[0] not in {*_TENANT_ALIASES, state.tenant_id}:
            raise OAuthProblem("invalid_tenant", 90002, f"Tenant '{parts[0]}' not found.")
        rest, method = parts[1:], request.method
        if rest == ["v2.0", ".well-known", "openid-configuration"] and method == "GET":
            return httpx.Response(200, json=discovery(state.tenant_id))
        if rest == ["discovery", "v2.0", "keys"] and method == "GET":
            return httpx.Response(200, json={"keys": []})  # ID tokens are unsigned
        endpoint = "/".join(rest)
        if endpoint == "oauth2/v2.0/authorize" and method == "GET":
            return _authorize(request.url.params, state, now)
        if endpoint == "oauth2/v2.0/logout" and method == "GET":
            return _html("<p>You have signed out of the tapdesk demo tenant.</p>")
        form = dict(parse_qsl(request.content.decode(), keep_blank_values=True))
        if endpoint == "oauth2/v2.0/devicecode" and method == "POST":
            return _device_code(form, state, now)
        if endpoint == "oauth2/v2.0/token" and method == "POST":
            prune_expired(state, now)
            body = grants.redeem(form, state, now, token_lifetime, auto_approve_after)
            return httpx.Response(200, json=body, headers={"cache-control": "no-store"})
        return httpx.Response(404, text="Not found")
    except OAuthProblem as problem:
        return problem.response(now)


def discovery(tenant_id: str = DEMO_TENANT_ID) -> dict[str, Any]:
    authority = f"https://{LOGIN_HOST}/{tenant_id}"
    base = f"{authority}/oauth2/v2.0"
    return {
        "issuer": issuer(tenant_id),
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "device_authorization_endpoint": f"{base}/devicecode",
        "end_session_endpoint": f"{base}/logout",
        "jwks_uri": f"{authority}/discovery/v2.0/keys",
        "userinfo_endpoint": f"https://{GRAPH_HOST}/oidc/userinfo",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["none"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "name", "tid", "oid"],
        "request_uri_parameter_supported": False,
        "tenant_region_scope": "EU",
        "cloud_instance_name": LOGIN_HOST.removeprefix("login."),
        "cloud_graph_host_name": GRAPH_HOST,
        "msgraph_host": GRAPH_HOST,
    }


def _user_realm(username: str) -> httpx.Response:
    # MSAL asks this before a password grant; "Managed" means "no federation, just post it".
    return httpx.Response(
        200,
        json={
            "ver": "1.0",
            "account_type": "Managed",
            "domain_name": username.rpartition("@")[2] or DEMO_DOMAIN,
            "cloud_instance_name": LOGIN_HOST.removeprefix("login."),
            "cloud_audience_urn": "urn:federation:MicrosoftOnline",
        },
    )


def _device_code(form: dict[str, str], state: TenantState, now: datetime) -> httpx.Response:
    check_client(form.get("client_id"))
    scopes = form.get("scope", "").split()
    if not scopes:
        missing = "The request body must contain the following parameter: 'scope'."
        raise OAuthProblem("invalid_request", 900144, missing)
    taken = {grant.user_code for grant in state.device_codes.values()}
    user_code = _new_user_code(taken)
    device_code = secrets.token_urlsafe(64)
    state.device_codes[fingerprint(device_code)] = Grant(
        None, DEMO_CLIENT_ID, scopes, now, now + DEVICE_CODE_LIFETIME, "pending", user_code
    )
    return httpx.Response(
        200,
        json={
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": DEVICE_LOGIN_URL,
            "expires_in": int(DEVICE_CODE_LIFETIME.total_seconds()),
            "interval": DEVICE_POLL_INTERVAL,
            "message": (
                f"To sign in, use a web browser to open the page {DEVICE_LOGIN_URL} and enter "
                f"the code {user_code} to authenticate."
            ),
        },
    )


def _new_user_code(taken: set[str | None]) -> str:
    while True:
        code = "".join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(8))
        if code not in taken:
            return code


def _authorize(params: httpx.QueryParams, state: TenantState, now: datetime) -> httpx.Response:
    client_id = params.get("client_id")
    if client_id != DEMO_CLIENT_ID:
        return _html(f"<p>AADSTS700016: Application '{client_id}' was not found.</p>", 400)
    redirect_uri = params.get("redirect_uri", "")
    target = urlparse(redirect_uri)
    if target.scheme != "http" or target.hostname not in _LOOPBACK_HOSTS:
        return _html("<p>AADSTS50011: The redirect URI does not match the app's.</p>", 400)
    if params.get("response_type") != "code":
        return _html("<p>AADSTS700054: response_type must be 'code'.</p>", 400)
    user = _signed_in_user(params, state, now)
    if user is None:
        return _html("<p>AADSTS50034: The user account does not exist.</p>", 400)
    code = secrets.token_urlsafe(48)
    state.auth_codes[fingerprint(code)] = Grant(
        user.id,
        DEMO_CLIENT_ID,
        params.get("scope", "").split(),
        now,
        now + AUTH_CODE_LIFETIME,
        redirect_uri=redirect_uri,
        code_challenge=params.get("code_challenge"),
        code_challenge_method=params.get("code_challenge_method", "plain"),
        nonce=params.get("nonce"),
        auth_time=state.browser_auth_time,
        with_auth_time=_max_age(params) is not None,
    )
    answer = {
        "code": code,
        "state": params.get("state", ""),
        "session_state": secrets.token_hex(16),
    }
    if params.get("response_mode") == "form_post":
        return _form_post(redirect_uri, answer)
    return httpx.Response(302, headers={"location": f"{redirect_uri}?{urlencode(answer)}"})


def _signed_in_user(
    params: httpx.QueryParams, state: TenantState, now: datetime
) -> DemoUser | None:
    """Who the authorize page signs in: the browser's session (single sign-on) unless the
    request needs someone to enter credentials now, then whoever is at the keyboard.

    Entra re-authenticates for ``prompt=login``, for another account than the session's, and
    when the session's last authentication is older than ``max_age`` seconds (OpenID Connect
    Core 3.1.2.1; MSAL Python sends it, "Microsoft identity platform will actively
    re-authenticate the End-User"). ``select_account`` lets the person pick: here, the one at
    the keyboard, who signs in afresh unless they are the session's account.
    """
    session = state.users.get(state.browser_user_id or "")
    hint = params.get("login_hint") or ""
    at_keyboard = state.find_user(state.keyboard_upn or DEMO_TECHNICIAN_UPN)
    prompt, max_age = params.get("prompt"), _max_age(params)
    stale = (
        max_age is not None
        and state.browser_auth_time is not None
        and (now - state.browser_auth_time).total_seconds() > max_age
    )
    # Credentials are asked for: the hinted account enters them, else whoever is at the keyboard
    # (a hint no account matches only fills in the page: the person types their own).
    asks = session is None or stale or prompt in ("login", "select_account") or bool(hint)
    wanted = (state.find_user(hint) if hint else None) or (at_keyboard if asks else session)
    if wanted is None:
        return None
    if session is None or wanted.id != session.id or prompt == "login" or stale:
        state.browser_user_id, state.browser_auth_time = wanted.id, now
    return wanted


def _max_age(params: httpx.QueryParams) -> int | None:
    # A whole number of seconds (OpenID Connect Core 3.1.2.1); what Entra does with anything
    # else is not documented, so the demo ignores it.
    text = params.get("max_age") or ""
    return int(text) if text.isdigit() else None


def _form_post(action: str, fields: dict[str, str]) -> httpx.Response:
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}" />'
        for k, v in fields.items()
    )
    return _html(
        '<body onload="document.forms[0].submit()">'
        f'<form method="POST" name="hiddenform" action="{html.escape(action)}">{inputs}'
        "<noscript><p>Script is disabled. Click Submit to continue.</p>"
        '<input type="submit" value="Submit" /></noscript></form></body>'
    )


def _html(body: str, status: int = 200) -> httpx.Response:
    page = f"<html><head><title>Working...</title></head>{body}</html>"
    return httpx.Response(status, text=page, headers={"content-type": "text/html; charset=utf-8"})
