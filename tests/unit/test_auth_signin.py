"""Real MSAL against the demo tenant's authority: every strategy, the cache, sign-out."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from keyring.backends import fail

from tapdesk.auth import Account, Authenticator, CacheProtection, DeviceFlow
from tapdesk.auth.cache import LOCKED_NOTICE, NO_KEYRING_NOTICE
from tapdesk.auth.keystore import SERVICE, key_name
from tapdesk.config import Settings
from tapdesk.core.readiness import technician_findings
from tapdesk.demo import (
    DEMO_AUTHORITY,
    DEMO_CLIENT_ID,
    DEMO_TECHNICIAN_UPN,
    DEMO_TENANT_ID,
    DemoTenant,
)
from tapdesk.demo.constants import DEVICE_LOGIN_URL
from tapdesk.errors import AuthError, ConfigError, ConsentRequired, Offline, SignInRequired
from tapdesk.runtime.paths import AppPaths
from tests.helpers.clock import FakeClock
from tests.helpers.demo import UPN, ScriptedBrowser
from tests.helpers.keyring import LockedKeyring, MemoryKeyring

MakeAuth = Callable[..., Authenticator]

KEY = key_name(DEMO_TENANT_ID)  # the demo tenant's entry: each tenant has its own


@pytest.fixture
def tenant(clock: FakeClock) -> DemoTenant:
    return DemoTenant(clock=clock, auto_approve_after=None)


@pytest.fixture
def keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def make_auth(
    http: httpx.Client,
    keyring: MemoryKeyring,
    paths: AppPaths,
    browser: ScriptedBrowser,
    clock: FakeClock,
) -> Iterator[MakeAuth]:
    made: list[Authenticator] = []

    def make(**overrides: Any) -> Authenticator:
        settings = overrides.pop("settings", Settings())
        options: dict[str, Any] = {
            "http_client": http,
            "keyring_backend": keyring,
            "authority": DEMO_AUTHORITY,
            "client_id": DEMO_CLIENT_ID,
            "open_browser": browser.open,
            "clock": clock,
            "tenant": DEMO_TENANT_ID,
        }
        options.update(overrides)
        auth = Authenticator(settings, paths, **options)
        made.append(auth)
        return auth

    yield make
    for auth in made:
        auth.close()


def device_sign_in(
    auth: Authenticator, tenant: DemoTenant, upn: str = DEMO_TECHNICIAN_UPN
) -> Account:
    """The quickest real sign-in: the code is approved before MSAL first polls."""
    flow = auth.start_device_flow()
    tenant.approve_device_code(flow.user_code, upn)
    return auth.finish_device_flow(flow)


def cached_secrets(auth: Authenticator, keyring: MemoryKeyring) -> list[str]:
    """Every token in the cache file, read the way an attacker with the key would."""
    blob = auth.cache_path.read_bytes().split(b"\n", 1)[1]
    key = keyring.secrets[(SERVICE, KEY)]
    state = json.loads(Fernet(key.encode()).decrypt(blob))
    found = [
        entry["secret"]
        for section in ("AccessToken", "RefreshToken", "IdToken")
        for entry in state.get(section, {}).values()
    ]
    assert len(found) == 3
    return found


def opens_nothing(opened: threading.Event) -> Callable[[str], bool]:
    """A browser that opens but is never finished; ``opened`` tells when it was asked."""

    def open_browser(url: str) -> bool:
        opened.set()
        return True

    return open_browser


def in_thread(target: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = target()
        except Exception as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


# --- device code ----------------------------------------------------------------------------


def test_device_code_sign_in(
    make_auth: MakeAuth, tenant: DemoTenant, clock: FakeClock, keyring: MemoryKeyring
) -> None:
    auth = make_auth()
    flow = auth.start_device_flow()
    assert flow.verification_uri == DEVICE_LOGIN_URL
    assert flow.user_code in flow.message
    assert (flow.expires_at - clock.now()).total_seconds() == 900
    assert flow.msal_flow["device_code"] not in repr(flow)

    tenant.approve_device_code(flow.user_code)
    account = auth.finish_device_flow(flow)

    assert account.username == DEMO_TECHNICIAN_UPN
    assert account.name == "Tess Technician"
    assert account.roles.names() == ["Authentication Administrator"]  # the training default
    assert auth.account == account
    assert auth.cache_protection is CacheProtection.KEYRING
    assert auth.notices == []
    assert auth.cache_path.exists()
    assert (SERVICE, KEY) in keyring.secrets


@pytest.mark.slow
def test_device_code_approved_while_polling(make_auth: MakeAuth, tenant: DemoTenant) -> None:
    auth = make_auth()
    flow = auth.start_device_flow()
    thread, outcome = in_thread(lambda: auth.finish_device_flow(flow))
    time.sleep(0.3)  # MSAL has polled once and heard authorization_pending
    tenant.approve_device_code(flow.user_code)
    thread.join(timeout=10)
    assert outcome["value"].username == DEMO_TECHNICIAN_UPN


def test_device_code_cancelled_from_another_thread(make_auth: MakeAuth) -> None:
    auth = make_auth()
    flow = auth.start_device_flow()
    thread, outcome = in_thread(lambda: auth.finish_device_flow(flow))
    time.sleep(0.2)
    started = time.monotonic()
    auth.cancel_device_flow(flow)
    thread.join(timeout=10)
    assert time.monotonic() - started < 2.5
    error = outcome["error"]
    assert isinstance(error, AuthError) and error.code == "cancelled"
    assert auth.account is None
    with pytest.raises(AuthError, match="cancelled"):
        auth.finish_device_flow(flow)  # a cancelled flow stays cancelled


def test_device_code_declined(make_auth: MakeAuth, tenant: DemoTenant) -> None:
    auth = make_auth()
    flow = auth.start_device_flow()
    tenant.deny_device_code(flow.user_code)
    with pytest.raises(AuthError, match="declined"):
        auth.finish_device_flow(flow)


# --- system browser -------------------------------------------------------------------------


def test_browser_sign_in_with_loopback_redirect(
    make_auth: MakeAuth, browser: ScriptedBrowser, tenant: DemoTenant
) -> None:
    auth = make_auth()
    account = auth.sign_in_interactive(timeout=10)
    browser.join()
    assert account.username == DEMO_TECHNICIAN_UPN
    assert "form" in browser.pages[0]
    assert browser.posts[0].status_code == 200  # MSAL's listener accepted the form_post
    assert tenant.token_requests == 1


@pytest.mark.slow
def test_browser_sign_in_times_out(make_auth: MakeAuth) -> None:
    auth = make_auth(open_browser=lambda url: True)  # a browser nobody finishes
    started = time.monotonic()
    with pytest.raises(AuthError, match="timed out") as caught:
        auth.sign_in_interactive(timeout=1)
    assert caught.value.code == "timeout"
    assert time.monotonic() - started < 4
    # The listener was released: the next sign-in can start at once.
    with pytest.raises(AuthError, match="timed out"):
        auth.sign_in_interactive(timeout=1)


def test_browser_sign_in_cancelled(make_auth: MakeAuth) -> None:
    opened = threading.Event()
    auth = make_auth(open_browser=opens_nothing(opened))
    thread, outcome = in_thread(lambda: auth.sign_in_interactive(timeout=30))
    assert opened.wait(10)
    auth.cancel_interactive()
    thread.join(timeout=10)
    assert outcome["error"].code == "cancelled"


def broken_browser(url: str) -> bool:
    raise OSError("no $BROWSER")


@pytest.mark.parametrize("open_browser", [lambda url: False, broken_browser])
def test_no_browser_suggests_device_code(
    make_auth: MakeAuth, open_browser: Callable[[str], bool]
) -> None:
    auth = make_auth(open_browser=open_browser)
    with pytest.raises(AuthError, match="browser") as caught:
        auth.sign_in_interactive(timeout=5)
    assert caught.value.code == "no_browser"
    assert "device code" in caught.value.hint


def test_only_one_interactive_sign_in_at_a_time(make_auth: MakeAuth) -> None:
    opened = threading.Event()
    auth = make_auth(open_browser=opens_nothing(opened))
    thread, outcome = in_thread(lambda: auth.sign_in_interactive(timeout=30))
    assert opened.wait(10)
    flow = auth.start_device_flow()
    with pytest.raises(AuthError, match="already in progress"):
        auth.finish_device_flow(flow)
    auth.cancel_interactive()
    thread.join(timeout=10)
    assert outcome["error"].code == "cancelled"


def test_interactive_tries_silent_first(
    make_auth: MakeAuth, tenant: DemoTenant, browser: ScriptedBrowser
) -> None:
    auth = make_auth()
    device_sign_in(auth, tenant)
    before = tenant.token_requests
    assert auth.sign_in_interactive(timeout=5).username == DEMO_TECHNICIAN_UPN
    assert browser.pages == [] and tenant.token_requests == before


# --- account switch -------------------------------------------------------------------------


def test_switch_to_another_account_with_login_hint(
    make_auth: MakeAuth, tenant: DemoTenant, browser: ScriptedBrowser
) -> None:
    auth = make_auth()
    device_sign_in(auth, tenant)
    account = auth.sign_in_interactive(login_hint=UPN["pat.priv"], timeout=10)
    assert account.username == UPN["pat.priv"]
    assert account.roles.can_issue_to_admins
    assert technician_findings(account.roles) == []

    # One account at a time: a restart comes back as Pat, with no trace of Tess.
    restored = make_auth()
    assert restored.sign_in_silent() == account


def test_use_another_account_forces_account_selection(
    make_auth: MakeAuth, tenant: DemoTenant, browser: ScriptedBrowser
) -> None:
    urls: list[str] = []

    def recording_browser(url: str) -> bool:
        urls.append(url)
        return browser.open(url)

    auth = make_auth(open_browser=recording_browser)
    device_sign_in(auth, tenant)
    auth.sign_in_interactive(select_account=True, timeout=10)
    assert "prompt=select_account" in urls[0]


# --- the cache across restarts --------------------------------------------------------------


def test_silent_sign_in_from_restored_cache_makes_no_token_request(
    make_auth: MakeAuth, tenant: DemoTenant
) -> None:
    first = make_auth()
    account = device_sign_in(first, tenant)
    token = first.access_token()
    first.close()

    before = tenant.token_requests
    restored = make_auth()
    assert restored.sign_in_silent() == account
    assert restored.access_token() == token
    assert tenant.token_requests == before


def test_refresh_after_expiry(make_auth: MakeAuth, tenant: DemoTenant, clock: FakeClock) -> None:
    tenant.token_lifetime = 120  # MSAL treats tokens with under 5 minutes left as expired
    auth = make_auth()
    device_sign_in(auth, tenant)
    before = tenant.token_requests
    first = auth.access_token()
    clock.advance(60)
    second = auth.access_token()
    assert tenant.token_requests == before + 2  # each call refreshed with the refresh token
    assert first != second


def test_force_refresh_and_new_roles(make_auth: MakeAuth, tenant: DemoTenant) -> None:
    auth = make_auth()
    device_sign_in(auth, tenant)
    tenant.set_roles(DEMO_TECHNICIAN_UPN, ["Privileged Authentication Administrator"])
    before = tenant.token_requests
    auth.access_token()
    assert tenant.token_requests == before  # cached token, old roles
    auth.access_token(force_refresh=True)
    assert tenant.token_requests == before + 1
    assert auth.account is not None
    assert auth.account.roles.names() == ["Privileged Authentication Administrator"]


def test_sign_out_removes_file_and_key(
    make_auth: MakeAuth, tenant: DemoTenant, keyring: MemoryKeyring
) -> None:
    auth = make_auth()
    device_sign_in(auth, tenant)
    assert auth.cache_path.exists()
    auth.sign_out()
    assert not auth.cache_path.exists()
    assert keyring.secrets == {}
    assert auth.account is None
    with pytest.raises(SignInRequired):
        auth.access_token()
    assert make_auth().sign_in_silent() is None
    assert device_sign_in(auth, tenant).username == DEMO_TECHNICIAN_UPN  # and back in


def test_signing_in_again_after_sign_out_survives_a_restart(
    make_auth: MakeAuth, tenant: DemoTenant, keyring: MemoryKeyring
) -> None:
    """Sign-out forgets the cache key in memory too: the next sign-in stores a new key, and the
    next start reads the cache with it instead of setting it aside."""
    auth = make_auth()
    device_sign_in(auth, tenant)
    old_key = keyring.secrets[(SERVICE, KEY)]
    auth.sign_out()
    account = device_sign_in(auth, tenant)
    assert keyring.secrets.get((SERVICE, KEY)) not in (None, old_key)
    auth.close()
    restarted = make_auth()
    assert restarted.sign_in_silent() == account
    assert restarted.notices == []


def test_cache_file_holds_no_token(
    make_auth: MakeAuth, tenant: DemoTenant, keyring: MemoryKeyring
) -> None:
    auth = make_auth()
    device_sign_in(auth, tenant)
    access = auth.access_token()
    data = auth.cache_path.read_bytes()
    secrets = cached_secrets(auth, keyring)
    assert access in secrets
    for secret in secrets:
        assert secret.encode() not in data
        assert secret[:24].encode() not in data
    assert all(len(value) < 100 for value in keyring.secrets.values())


# --- without a usable keyring ---------------------------------------------------------------


def test_no_keyring_backend_keeps_tokens_in_memory(make_auth: MakeAuth, tenant: DemoTenant) -> None:
    auth = make_auth(keyring_backend=fail.Keyring())
    device_sign_in(auth, tenant)
    device_sign_in(auth, tenant)
    auth.access_token()
    assert auth.cache_protection is CacheProtection.MEMORY
    assert auth.notices == [NO_KEYRING_NOTICE]
    assert not auth.cache_path.exists()
    assert make_auth(keyring_backend=fail.Keyring()).sign_in_silent() is None


def test_locked_keyring_keeps_working_in_memory(make_auth: MakeAuth, tenant: DemoTenant) -> None:
    auth = make_auth(keyring_backend=LockedKeyring())
    assert device_sign_in(auth, tenant).username == DEMO_TECHNICIAN_UPN
    auth.access_token()
    assert auth.cache_protection is CacheProtection.MEMORY
    assert auth.notices == [LOCKED_NOTICE]
    assert not auth.cache_path.exists()
    auth.sign_out()  # even the key deletion failing is no error


def test_plaintext_only_with_the_administrator_setting(
    make_auth: MakeAuth, tenant: DemoTenant
) -> None:
    allowed = make_auth(
        keyring_backend=fail.Keyring(), settings=Settings(allow_plaintext_cache=True)
    )
    device_sign_in(allowed, tenant)
    assert allowed.cache_protection is CacheProtection.PLAINTEXT_BY_POLICY
    assert allowed.access_token().encode() in allowed.cache_path.read_bytes()
    allowed.sign_out()

    refused = make_auth(keyring_backend=fail.Keyring())
    device_sign_in(refused, tenant)
    assert refused.cache_protection is CacheProtection.MEMORY
    assert not refused.cache_path.exists()


def test_corrupt_cache_file_is_set_aside(make_auth: MakeAuth, tenant: DemoTenant) -> None:
    first = make_auth()
    device_sign_in(first, tenant)
    first.cache_path.write_bytes(b"tapdesk-token-cache/1 fernet\nnot-fernet-at-all")

    auth = make_auth()
    assert auth.sign_in_silent() is None
    [notice] = auth.notices
    assert "moved aside" in notice
    assert list(auth.cache_path.parent.glob(f"{auth.cache_path.name}.corrupt-*"))
    assert device_sign_in(auth, tenant).username == DEMO_TECHNICIAN_UPN
    assert make_auth().sign_in_silent() is not None


# --- errors at the boundary -----------------------------------------------------------------


def test_revoked_consent_names_the_permissions(make_auth: MakeAuth, tenant: DemoTenant) -> None:
    auth = make_auth()
    device_sign_in(auth, tenant)
    tenant.revoke_consent()
    with pytest.raises(ConsentRequired) as caught:
        auth.access_token(force_refresh=True)
    assert "User.Read.All, UserAuthenticationMethod.ReadWrite.All" in caught.value.hint
    assert DEMO_CLIENT_ID in caught.value.hint
    with pytest.raises(ConsentRequired):
        device_sign_in(make_auth(), tenant)


def test_unreachable_authority_is_offline_and_sign_out_still_works(
    make_auth: MakeAuth, tenant: DemoTenant, keyring: MemoryKeyring
) -> None:
    device_sign_in(make_auth(), tenant)

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Name or service not known", request=request)

    with httpx.Client(transport=httpx.MockTransport(unreachable)) as offline_http:
        auth = make_auth(http_client=offline_http)
        with pytest.raises(Offline):
            auth.sign_in_silent()
        auth.sign_out()
    assert not auth.cache_path.exists()
    assert keyring.secrets == {}


def test_unknown_client_id_is_an_auth_error(make_auth: MakeAuth) -> None:
    auth = make_auth(client_id="00000000-0000-0000-0000-000000000000")
    with pytest.raises(AuthError, match="app registration"):
        auth.start_device_flow()


def test_no_tenant_configured(paths: AppPaths, keyring: MemoryKeyring) -> None:
    with Authenticator(Settings(), paths, keyring_backend=keyring) as auth:
        with pytest.raises(ConfigError, match="no tenant"):
            auth.sign_in_silent()
        assert auth.account is None


def test_device_flow_object_is_what_the_window_needs(make_auth: MakeAuth) -> None:
    flow = make_auth().start_device_flow()
    assert isinstance(flow, DeviceFlow)
    assert flow.verification_uri.startswith("https://")
    assert len(flow.user_code) >= 8
