"""The demo sign-in authority over plain HTTP: grants, PKCE, the authorize page, error cases."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import httpx
import pytest

from tapdesk.demo import DEMO_AUTHORITY, DEMO_CLIENT_ID, DEMO_PASSWORD, DemoTenant
from tapdesk.demo.tokens import decode_claims
from tests.helpers.clock import FakeClock
from tests.helpers.demo import UPN

TOKEN = f"{DEMO_AUTHORITY}/oauth2/v2.0/token"
AUTHORIZE = f"{DEMO_AUTHORITY}/oauth2/v2.0/authorize"
REDIRECT = "http://localhost:8400"
VERIFIER = "a" * 43
CHALLENGE = (
    base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).decode().rstrip("=")
)


@pytest.fixture
def tenant(clock: FakeClock) -> DemoTenant:
    return DemoTenant(clock=clock, auto_approve_after=None)


def authorize(http: httpx.Client, **params: str) -> httpx.Response:
    query = {
        "client_id": DEMO_CLIENT_ID,
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": "User.Read.All openid offline_access",
        "state": "s1",
        "nonce": "n1",
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
        "response_mode": "form_post",
        **params,
    }
    return http.get(AUTHORIZE, params=query)


def code_from(page: str) -> str:
    return re.search(r'name="code" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def redeem(http: httpx.Client, code: str, **extra: str) -> httpx.Response:
    data = {
        "client_id": DEMO_CLIENT_ID,
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": VERIFIER,
        **extra,
    }
    return http.post(TOKEN, data=data)


def aadsts(response: httpx.Response) -> tuple[int, str, int]:
    body = response.json()
    return response.status_code, body["error"], body["error_codes"][0]


def test_authorize_page_form_posts_code_and_state(http: httpx.Client) -> None:
    page = authorize(http)
    assert page.headers["content-type"].startswith("text/html")
    assert f'action="{REDIRECT}"' in page.text and 'name="state" value="s1"' in page.text
    response = redeem(http, code_from(page.text))
    assert response.status_code == 200
    claims = decode_claims(response.json()["id_token"])
    assert claims["nonce"] == "n1"
    assert claims["preferred_username"] == UPN["tess.tech"]  # no hint: the technician


def test_login_hint_picks_the_account(http: httpx.Client) -> None:
    page = authorize(http, login_hint=UPN["andy.app"], prompt="select_account")
    claims = decode_claims(redeem(http, code_from(page.text)).json()["access_token"])
    assert claims["upn"] == UPN["andy.app"] and claims["wids"] == []
    unknown = authorize(http, login_hint="stranger@elsewhere.example")
    fallback = decode_claims(redeem(http, code_from(unknown.text)).json()["access_token"])
    assert fallback["upn"] == UPN["tess.tech"]


def test_query_mode_redirects(http: httpx.Client) -> None:
    response = authorize(http, response_mode="query")
    assert response.status_code == 302
    assert response.headers["location"].startswith(f"{REDIRECT}?code=")


def test_pkce_is_verified(http: httpx.Client) -> None:
    bad = redeem(http, code_from(authorize(http).text), code_verifier="b" * 43)
    assert aadsts(bad) == (400, "invalid_grant", 50148)
    plain = authorize(http, code_challenge=VERIFIER, code_challenge_method="plain")
    assert redeem(http, code_from(plain.text)).status_code == 200


def test_code_is_single_use_and_bound_to_redirect(http: httpx.Client) -> None:
    code = code_from(authorize(http).text)
    assert redeem(http, code, redirect_uri="http://localhost:9999").status_code == 400
    assert aadsts(redeem(http, code)) == (400, "invalid_grant", 70000)  # already spent


def test_code_expires(http: httpx.Client, clock: FakeClock) -> None:
    code = code_from(authorize(http).text)
    clock.advance(601)
    assert aadsts(redeem(http, code)) == (400, "invalid_grant", 70008)


def test_authorize_refuses_strangers(http: httpx.Client) -> None:
    assert authorize(http, client_id="00000000-0000-0000-0000-000000000000").status_code == 400
    assert authorize(http, redirect_uri="https://evil.example/cb").status_code == 400


def test_unknown_client_and_grant(http: httpx.Client) -> None:
    stranger = http.post(TOKEN, data={"client_id": "nope", "grant_type": "password"})
    assert aadsts(stranger) == (400, "unauthorized_client", 700016)
    odd = http.post(TOKEN, data={"client_id": DEMO_CLIENT_ID, "grant_type": "magic"})
    assert aadsts(odd)[1] == "unsupported_grant_type"


def password(
    http: httpx.Client, upn: str, secret: str = DEMO_PASSWORD, scope: str = "User.Read"
) -> httpx.Response:
    data = {
        "client_id": DEMO_CLIENT_ID,
        "grant_type": "password",
        "username": upn,
        "password": secret,
        "scope": scope,
    }
    return http.post(TOKEN, data=data)


def test_password_grant_errors(http: httpx.Client) -> None:
    assert aadsts(password(http, UPN["andy.app"], "nope")) == (400, "invalid_grant", 50126)
    assert aadsts(password(http, UPN["carl.disabled"])) == (400, "invalid_grant", 50057)
    assert aadsts(password(http, "nobody@northwind.example")) == (400, "invalid_grant", 50034)


def test_tokens_carry_roles_and_granted_scopes(http: httpx.Client) -> None:
    body = password(http, UPN["tess.tech"], scope="User.Read.All openid offline_access").json()
    claims = decode_claims(body["access_token"])
    assert claims["scp"] == "User.Read.All openid"
    assert sorted(claims["wids"]) == [
        "c4e39bd9-1100-46d3-8c65-fb160da0071f",  # Authentication Administrator
    ]
    assert "refresh_token" in body and "id_token" in body and "client_info" not in body
    bare = password(http, UPN["tess.tech"], scope="User.Read").json()
    assert "refresh_token" not in bare and "id_token" not in bare


def test_default_scope_means_everything_consented(http: httpx.Client, tenant: DemoTenant) -> None:
    body = password(http, UPN["tess.tech"], scope="https://graph.microsoft.com/.default").json()
    assert "UserAuthMethod-TAP.ReadWrite.All" in decode_claims(body["access_token"])["scp"]
    unconsented = password(http, UPN["tess.tech"], scope="Mail.Read")
    assert aadsts(unconsented) == (400, "invalid_grant", 65001)
    assert unconsented.json()["suberror"] == "consent_required"


def test_token_lifetime_knob(http: httpx.Client, tenant: DemoTenant) -> None:
    tenant.token_lifetime = 300
    body = password(http, UPN["tess.tech"]).json()
    claims = decode_claims(body["access_token"])
    assert body["expires_in"] == 300 and claims["exp"] - claims["iat"] == 300


def test_refresh_token_of_deleted_user_fails(http: httpx.Client, tenant: DemoTenant) -> None:
    body = password(http, UPN["andy.app"], scope="User.Read offline_access").json()
    tenant.delete_user(UPN["andy.app"])
    data = {
        "client_id": DEMO_CLIENT_ID,
        "grant_type": "refresh_token",
        "refresh_token": body["refresh_token"],
    }
    assert aadsts(http.post(TOKEN, data=data)) == (400, "invalid_grant", 50034)
    data["refresh_token"] = "made-up"
    assert http.post(TOKEN, data=data).json()["error"] == "invalid_grant"


def start_device_flow(http: httpx.Client) -> dict[str, Any]:
    response = http.post(
        f"{DEMO_AUTHORITY}/oauth2/v2.0/devicecode",
        data={"client_id": DEMO_CLIENT_ID, "scope": "User.Read openid offline_access"},
    )
    flow: dict[str, Any] = response.json()
    return flow


def poll(http: httpx.Client, device_code: str) -> httpx.Response:
    grant = "urn:ietf:params:oauth:grant-type:device_code"
    data = {"client_id": DEMO_CLIENT_ID, "grant_type": grant, "device_code": device_code}
    return http.post(TOKEN, data=data)


def test_device_code_shape(http: httpx.Client, tenant: DemoTenant) -> None:
    flow = start_device_flow(http)
    assert re.fullmatch(r"[A-Z0-9]{8}", flow["user_code"])
    # Entra's documented defaults (v2-oauth2-device-code): 15 minutes, a poll every 5 s.
    assert (flow["expires_in"], flow["interval"]) == (900, 5)
    assert flow["user_code"] in flow["message"]
    with pytest.raises(KeyError):
        tenant.approve_device_code("NOTACODE")


def test_device_code_polling_errors_as_documented(
    http: httpx.Client, tenant: DemoTenant, clock: FakeClock
) -> None:
    # v2-oauth2-device-code: authorization_pending, authorization_declined,
    # bad_verification_code (a device code the service does not know), expired_token.
    assert aadsts(poll(http, "made-up"))[:2] == (400, "bad_verification_code")
    flow = start_device_flow(http)
    assert aadsts(poll(http, flow["device_code"]))[1] == "authorization_pending"
    tenant.approve_device_code(flow["user_code"])
    assert poll(http, flow["device_code"]).status_code == 200
    assert aadsts(poll(http, flow["device_code"]))[1] == "bad_verification_code"  # spent

    denied = start_device_flow(http)
    tenant.deny_device_code(denied["user_code"])
    assert aadsts(poll(http, denied["device_code"]))[1] == "authorization_declined"

    late = start_device_flow(http)
    clock.advance(901)
    assert aadsts(poll(http, late["device_code"]))[1] == "expired_token"
    clock.advance(3600)  # pruned an hour after expiry: then the code is unknown
    assert aadsts(poll(http, late["device_code"]))[1] == "bad_verification_code"


def test_discovery_and_unknown_tenant(http: httpx.Client) -> None:
    config = http.get(f"{DEMO_AUTHORITY}/v2.0/.well-known/openid-configuration").json()
    for key in ("authorization_endpoint", "token_endpoint", "device_authorization_endpoint"):
        assert config[key].startswith("https://login.tapdesk-demo.test/")
    other = http.get(
        "https://login.tapdesk-demo.test/contoso.example/v2.0/.well-known/openid-configuration"
    )
    assert aadsts(other) == (400, "invalid_tenant", 90002)


# --- who signs in: the browser's session, prompt and max_age ---------------------------------
def signed_in(http: httpx.Client, **params: str) -> dict[str, Any]:
    """The ID token's claims after an authorize and its code's redemption."""
    body = redeem(http, code_from(authorize(http, **params).text)).json()
    return decode_claims(body["id_token"])


def refreshed(http: httpx.Client, refresh_token: str) -> dict[str, Any]:
    data = {"client_id": DEMO_CLIENT_ID, "grant_type": "refresh_token",
            "refresh_token": refresh_token, "scope": "User.Read.All openid offline_access"}  # fmt: skip
    return decode_claims(http.post(TOKEN, data=data).json()["id_token"])


def test_max_age_asks_again_once_the_session_is_older_and_auth_time_says_when(
    http: httpx.Client, tenant: DemoTenant, clock: FakeClock
) -> None:
    """OpenID Connect Core 3.1.2.1: with max_age the ID token carries auth_time, and a session
    authenticated longer ago than max_age seconds is authenticated again."""
    first = int(clock.now().timestamp())
    assert "auth_time" not in signed_in(http)  # not asked for: an optional claim in Entra
    clock.advance(600)
    assert signed_in(http, max_age="900")["auth_time"] == first  # single sign-on, 10 min old
    clock.advance(600)
    tenant.at_keyboard(UPN["andy.app"])  # someone else sits down: the page asks them
    claims = signed_in(http, max_age="900")
    assert claims["auth_time"] == first + 1200
    assert claims["preferred_username"] == UPN["andy.app"]


def test_a_refreshed_id_token_keeps_the_sign_in_time(http: httpx.Client, clock: FakeClock) -> None:
    """OpenID Connect Core 12.2: auth_time stays the original authentication's."""
    page = authorize(http, max_age="3600")
    body = redeem(http, code_from(page.text)).json()
    first = decode_claims(body["id_token"])["auth_time"]
    clock.advance(1800)
    assert refreshed(http, body["refresh_token"])["auth_time"] == first


def test_prompt_and_hints_choose_who_enters_credentials(
    http: httpx.Client, tenant: DemoTenant, clock: FakeClock
) -> None:
    signed_in(http)  # the training technician's session
    tenant.at_keyboard(UPN["andy.app"])
    assert signed_in(http)["preferred_username"] == UPN["tess.tech"]  # the cookie signs in
    clock.advance(60)
    picked = signed_in(http, prompt="select_account", max_age="3600")
    assert picked["preferred_username"] == UPN["andy.app"]
    assert picked["auth_time"] == int(clock.now().timestamp())
    clock.advance(60)
    again = signed_in(http, prompt="login", max_age="3600")
    assert again["auth_time"] == int(clock.now().timestamp())  # prompt=login: always anew
    tenant.end_browser_session()
    tenant.at_keyboard(None)
    assert signed_in(http)["preferred_username"] == UPN["tess.tech"]
