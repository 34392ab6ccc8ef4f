"""What a technician reads when the system-browser sign-in cannot finish, and forged answers."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import httpx
import msal
import pytest

from tapdesk.auth import Authenticator
from tapdesk.auth.strategies import BrowserSignIn, system_browser
from tapdesk.demo import DEMO_AUTHORITY, DEMO_CLIENT_ID, DEMO_TECHNICIAN_UPN, DemoTenant
from tapdesk.errors import AuthError
from tapdesk.runtime import frozen
from tapdesk.runtime.paths import AppPaths
from tests.helpers.auth import demo_authenticator
from tests.helpers.clock import FakeClock
from tests.helpers.demo import ScriptedBrowser


@pytest.fixture
def tenant(clock: FakeClock) -> DemoTenant:
    return DemoTenant(clock=clock, auto_approve_after=None)


def authenticator(
    http: httpx.Client, paths: AppPaths, clock: FakeClock, open_browser: object
) -> Authenticator:
    return demo_authenticator(http, paths, clock, open_browser=open_browser)  # type: ignore[arg-type]


def failure(auth: Authenticator, timeout: float) -> tuple[str, str, str | None]:
    with pytest.raises(AuthError) as caught:
        auth.sign_in_interactive(timeout=timeout)
    return caught.value.message, caught.value.hint, caught.value.code


def test_no_browser_says_so_and_offers_the_device_code(
    http: httpx.Client, paths: AppPaths, clock: FakeClock
) -> None:
    with authenticator(http, paths, clock, lambda url: False) as auth:
        assert failure(auth, timeout=5) == (
            "No web browser could be opened for the sign-in.",
            "Use device code sign-in instead.",
            "no_browser",
        )


def test_a_browser_nobody_finishes_times_out_with_the_fix(
    http: httpx.Client, paths: AppPaths, clock: FakeClock
) -> None:
    # A timeout of 0 ends the wait at once: no real waiting in the test.
    with authenticator(http, paths, clock, lambda url: True) as auth:
        assert failure(auth, timeout=0) == (
            "The browser sign-in timed out.",
            "Sign in again and finish in the browser.",
            "timeout",
        )


def test_a_sign_in_cancelled_before_the_browser_opens_never_opens_it(
    http: httpx.Client,
) -> None:
    opened: list[str] = []
    app = msal.PublicClientApplication(
        DEMO_CLIENT_ID, authority=DEMO_AUTHORITY, http_client=http, instance_discovery=False
    )

    def open_browser(url: str) -> bool:
        opened.append(url)
        return True

    sign_in = BrowserSignIn(open_browser)
    sign_in.cancel()
    with pytest.raises(AuthError) as caught:
        sign_in.run(app, ["User.Read"], prompt=None, login_hint=None, timeout=5)
    assert (caught.value.message, caught.value.code) == ("Sign-in was cancelled.", "cancelled")
    assert opened == []


def test_an_answer_with_another_state_is_refused_and_the_real_one_signs_in(
    http: httpx.Client, paths: AppPaths, clock: FakeClock
) -> None:
    """A forged or stale redirect (wrong state) must not end the wait."""
    browser = ScriptedBrowser(http)
    forged: list[httpx.Response] = []
    threads: list[threading.Thread] = []

    def forging_browser(url: str) -> bool:
        redirect = parse_qs(urlsplit(url).query)["redirect_uri"][0]

        def post_forged_then_real() -> None:
            forged.append(httpx.post(redirect, data={"code": "stolen", "state": "x"}, timeout=10))
            browser.open(url)

        thread = threading.Thread(target=post_forged_then_real, daemon=True)
        thread.start()
        threads.append(thread)
        return True

    with authenticator(http, paths, clock, forging_browser) as auth:
        account = auth.sign_in_interactive(timeout=10)
    for thread in threads:
        thread.join(timeout=10)
    browser.join()
    assert forged[0].status_code == 400
    assert account.username == DEMO_TECHNICIAN_UPN


def test_the_system_browser_opens_the_sign_in_address(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []

    def open_url(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(frozen, "open_url", open_url)
    assert system_browser("https://login.example.test/authorize?x=1")
    assert opened == ["https://login.example.test/authorize?x=1"]
