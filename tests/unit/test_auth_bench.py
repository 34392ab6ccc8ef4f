"""Sign-in on a shared bench: a saved sign-in waits for the person at the keyboard, and Entra's
``max_age``/``auth_time`` decide whether continuing needs a fresh sign-in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tapdesk.auth import Authenticator
from tapdesk.auth.authenticator import NOT_FRESH, NOT_FRESH_HINT
from tapdesk.auth.cache import CACHE_FILE
from tapdesk.auth.freshness import authenticated_at, is_fresh
from tapdesk.auth.keystore import KEY_NAME, SERVICE, key_name
from tapdesk.config import Settings
from tapdesk.demo import DEMO_TECHNICIAN_UPN, DEMO_TENANT_ID, DemoTenant
from tapdesk.errors import AuthError, SignInRequired
from tapdesk.runtime.paths import AppPaths
from tests.helpers.auth import demo_authenticator
from tests.helpers.clock import FakeClock
from tests.helpers.demo import ScriptedBrowser
from tests.helpers.keyring import MemoryKeyring
from tests.helpers.wam import install_wam

BENCH = Settings(shared_bench=True)  # continue in one click within 60 minutes
Make = Callable[..., Authenticator]


@pytest.fixture
def make(
    http: httpx.Client, paths: AppPaths, clock: FakeClock, browser: ScriptedBrowser
) -> Iterator[Make]:
    """``make()``: tapdesk started (again) on this bench: one keyring, one home folder."""
    keyring = MemoryKeyring()
    made: list[Authenticator] = []

    def start(open_browser: Callable[[str], bool] | None = None) -> Authenticator:
        auth = demo_authenticator(
            http,
            paths,
            clock,
            open_browser=open_browser or browser.open,
            keyring_backend=keyring,
            settings=BENCH,
        )
        made.append(auth)
        return auth

    yield start
    for auth in made:
        auth.close()


def test_a_saved_sign_in_waits_until_the_person_at_the_keyboard_continues(
    make: Make, clock: FakeClock
) -> None:
    make().sign_in_interactive(timeout=10)
    later = make()  # the next start of tapdesk on this bench
    assert later.sign_in_silent() is None
    with pytest.raises(SignInRequired):
        later.access_token()  # nothing reaches Graph as the saved technician unasked
    saved = later.saved_sign_in()
    assert saved is not None
    assert (saved.account.username, saved.account.name) == (DEMO_TECHNICIAN_UPN, "Tess Technician")
    assert saved.authenticated_at == clock.now().replace(microsecond=0)
    assert later.continue_as(DEMO_TECHNICIAN_UPN).username == DEMO_TECHNICIAN_UPN
    assert later.access_token()
    assert later.sign_in_silent() is not None  # confirmed in this run


def test_entra_that_ignores_max_age_is_refused_and_its_tokens_dropped(
    make: Make, clock: FakeClock, http: httpx.Client
) -> None:
    make().sign_in_interactive(timeout=10)
    clock.advance(2 * 3600)
    # An authority that does not honour max_age hands back the old sign-in (its auth_time).
    lenient = ScriptedBrowser(http)
    auth = make(open_browser=lambda url: lenient.open(url.replace("max_age=3600", "max_age=99999")))
    with pytest.raises(AuthError) as refused:
        auth.continue_as(DEMO_TECHNICIAN_UPN, timeout=10)
    lenient.join()
    assert (refused.value.message, refused.value.hint) == (NOT_FRESH, NOT_FRESH_HINT)
    assert refused.value.code == "not_fresh"
    assert auth.saved_sign_in() is None  # MSAL had cached them: gone again


def test_an_id_token_without_auth_time_never_counts_as_fresh(
    make: Make, clock: FakeClock, http: httpx.Client
) -> None:
    lenient = ScriptedBrowser(http)
    auth = make(open_browser=lambda url: lenient.open(url.replace("&max_age=3600", "")))
    with pytest.raises(AuthError) as refused:  # MSAL: "max_age was requested, ... auth_time"
        auth.sign_in_interactive(timeout=10)
    lenient.join()
    assert refused.value.code == "not_fresh"
    assert auth.saved_sign_in() is None


def test_the_broker_answer_is_checked_against_max_age_too(
    tenant: DemoTenant,
    http: httpx.Client,
    paths: AppPaths,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """MSAL checks auth_time only on the browser path; a WAM answer is checked by tapdesk."""
    wam = install_wam(tenant, monkeypatch)
    auth = demo_authenticator(http, paths, clock, settings=BENCH)
    old = int((clock.now() - timedelta(hours=3)).timestamp())

    def answer(claims: dict[str, Any]) -> Callable[[], dict[str, Any]]:
        return lambda: {"access_token": "t", "token_type": "Bearer", "id_token_claims": claims}

    wam.answers += [answer({"auth_time": old}), answer({})]
    for _ in range(2):
        with pytest.raises(AuthError) as refused:
            auth.sign_in_interactive()
        assert refused.value.code == "not_fresh"
    # No hint on a bench: WAM lets the person pick instead of taking a cached account.
    assert [r["prompt"] for r in wam.requests] == ["select_account", "select_account"]


def test_the_cache_shared_by_all_tenants_before_is_removed(
    http: httpx.Client, paths: AppPaths, clock: FakeClock
) -> None:
    keyring = MemoryKeyring()
    paths.data_dir.mkdir(parents=True)
    (paths.data_dir / CACHE_FILE).write_bytes(b"tapdesk-token-cache/1 fernet\nold")
    keyring.secrets[(SERVICE, KEY_NAME)] = "old key"
    keyring.secrets[(SERVICE, key_name("other-tenant"))] = "theirs"
    auth = demo_authenticator(http, paths, clock, keyring_backend=keyring)
    assert auth.saved_sign_in() is None
    assert not (paths.data_dir / CACHE_FILE).exists()
    assert keyring.secrets == {(SERVICE, key_name("other-tenant")): "theirs"}
    assert auth.cache_path.name == f"token-cache.{DEMO_TENANT_ID}.bin"


def test_freshness_reads_auth_time_and_never_guesses() -> None:
    now = FakeClock().now().replace(microsecond=0)
    at = authenticated_at({"auth_time": int(now.timestamp()) - 600})
    assert at == now - timedelta(seconds=600)
    for missing in ({}, {"auth_time": "600"}, {"auth_time": True}, {"auth_time": 10**20}):
        assert authenticated_at(missing) is None
    assert is_fresh(at, 600, now)  # exactly as old as allowed still counts
    assert not is_fresh(at, 599, now)
    assert is_fresh(at, 599, now, skew=120)  # Entra's clock may run a little ahead
    assert not is_fresh(at, 479, now, skew=120)
    assert not is_fresh(None, 10**6, now)
