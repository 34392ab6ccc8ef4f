"""Real MSAL (PublicClientApplication) against the demo sign-in authority."""

from __future__ import annotations

import httpx
import msal
import pytest

from tapdesk.demo import (
    DEMO_AUTHORITY,
    DEMO_CLIENT_ID,
    DEMO_GRAPH_URL,
    DEMO_PASSWORD,
    DEMO_TECHNICIAN_UPN,
    DemoTenant,
)
from tests.helpers.clock import FakeClock
from tests.helpers.demo import UPN, ScriptedBrowser, advancing

SCOPES = [
    "https://graph.microsoft.com/User.Read.All",
    "https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite.All",
]


@pytest.fixture
def tenant(clock: FakeClock) -> DemoTenant:
    return DemoTenant(clock=clock, auto_approve_after=0)


def new_app(
    http: httpx.Client, cache: msal.SerializableTokenCache | None = None
) -> msal.PublicClientApplication:
    # A fresh app per test, and http_cache={}: MSAL caches discovery and 400 answers.
    return msal.PublicClientApplication(
        DEMO_CLIENT_ID,
        authority=DEMO_AUTHORITY,
        http_client=http,
        instance_discovery=False,
        token_cache=cache or msal.SerializableTokenCache(),
        http_cache={},
    )


def device_sign_in(app: msal.PublicClientApplication) -> dict[str, object]:
    flow = app.initiate_device_flow(SCOPES)
    assert "user_code" in flow, flow
    result: dict[str, object] = app.acquire_token_by_device_flow(flow)
    return result


def test_device_flow_auto_approves_the_technician(http: httpx.Client, tenant: DemoTenant) -> None:
    app = new_app(http)
    result = device_sign_in(app)
    assert "access_token" in result, result
    (account,) = app.get_accounts()
    assert account["username"] == DEMO_TECHNICIAN_UPN
    me = http.get(
        f"{DEMO_GRAPH_URL}/me", headers={"authorization": f"Bearer {result['access_token']}"}
    )
    assert me.json()["userPrincipalName"] == DEMO_TECHNICIAN_UPN


@pytest.mark.slow
def test_device_flow_waits_until_approved_by_the_clock(
    tenant: DemoTenant, clock: FakeClock
) -> None:
    tenant.auto_approve_after = 3
    transport = httpx.MockTransport(advancing(tenant.handler, lambda: clock.advance(2)))
    with httpx.Client(transport=transport) as http:
        result = device_sign_in(new_app(http))
    assert "access_token" in result, result
    # discovery, devicecode, then polls at +2 s (pending) and +4 s (approved)
    assert tenant.token_requests == 2


def test_device_flow_approved_for_another_user(http: httpx.Client, tenant: DemoTenant) -> None:
    tenant.auto_approve_after = None
    app = new_app(http)
    flow = app.initiate_device_flow(SCOPES)
    tenant.approve_device_code(flow["user_code"], UPN["pat.priv"])
    result = app.acquire_token_by_device_flow(flow)
    assert result["id_token_claims"]["preferred_username"] == UPN["pat.priv"]


def test_device_flow_declined_and_expired(
    http: httpx.Client, tenant: DemoTenant, clock: FakeClock
) -> None:
    tenant.auto_approve_after = None
    app = new_app(http)
    flow = app.initiate_device_flow(SCOPES)
    tenant.deny_device_code(flow["user_code"])
    assert app.acquire_token_by_device_flow(flow)["error"] == "authorization_declined"
    flow = app.initiate_device_flow(SCOPES)
    clock.advance(901)
    assert app.acquire_token_by_device_flow(flow)["error"] == "expired_token"


def test_interactive_auth_code_with_pkce_and_form_post(
    http: httpx.Client, tenant: DemoTenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = ScriptedBrowser(http)
    monkeypatch.delenv("BROWSER", raising=False)
    monkeypatch.setattr("webbrowser.open", browser.open)
    app = new_app(http)
    result = app.acquire_token_interactive(
        SCOPES, login_hint=UPN["pat.priv"], prompt="select_account", timeout=10
    )
    browser.join()
    assert "access_token" in result, result
    assert result["id_token_claims"]["preferred_username"] == UPN["pat.priv"]
    assert "nonce" in result["id_token_claims"]  # MSAL checked it against its own
    assert 'method="POST"' in browser.pages[0]
    assert browser.posts[0].status_code == 200  # MSAL's listener accepted the form_post
    assert tenant.token_requests == 1


def test_refresh_rotates_and_silent_from_deserialised_cache_is_free(
    http: httpx.Client, tenant: DemoTenant
) -> None:
    cache = msal.SerializableTokenCache()
    app = new_app(http, cache)
    first = device_sign_in(app)
    (account,) = app.get_accounts()
    refreshed = app.acquire_token_silent(SCOPES, account=account, force_refresh=True)
    assert refreshed is not None and refreshed["token_source"] == "identity_provider"
    assert refreshed["access_token"] != first["access_token"]
    assert refreshed["refresh_token"] != first["refresh_token"]
    assert tenant.token_requests == 2

    restored = msal.SerializableTokenCache()
    restored.deserialize(cache.serialize())
    second_app = new_app(http, restored)
    (account,) = second_app.get_accounts()
    silent = second_app.acquire_token_silent(SCOPES, account=account)
    assert silent is not None and silent["token_source"] == "cache"
    assert tenant.token_requests == 2  # zero token requests for a cached token


def test_revoked_consent_answers_consent_required(http: httpx.Client, tenant: DemoTenant) -> None:
    app = new_app(http)
    device_sign_in(app)
    tenant.revoke_consent()
    (account,) = app.get_accounts()
    result = app.acquire_token_silent_with_error(SCOPES, account=account, force_refresh=True)
    assert result is not None
    assert (result["error"], result["suberror"]) == ("invalid_grant", "consent_required")
    assert "AADSTS65001" in result["error_description"]


def test_password_grant(http: httpx.Client) -> None:
    app = new_app(http)
    with pytest.warns(DeprecationWarning):
        ok = app.acquire_token_by_username_password(UPN["andy.app"], DEMO_PASSWORD, SCOPES)
    assert ok["id_token_claims"]["preferred_username"] == UPN["andy.app"]
    with pytest.warns(DeprecationWarning):
        bad = app.acquire_token_by_username_password(UPN["andy.app"], "wrong", SCOPES)
    assert bad["error"] == "invalid_grant" and "AADSTS50126" in bad["error_description"]
