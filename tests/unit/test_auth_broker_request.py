"""What tapdesk asks the Windows broker (WAM) for: scopes, prompt, account hint, window, time.

WAM exists only on Windows, so MSAL's interactive call is replaced by one that records the
request and then signs in for real with a device code against the demo tenant.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import msal
import pytest

from tapdesk.auth import Authenticator
from tapdesk.auth import authenticator as authenticator_module
from tapdesk.config import Settings
from tapdesk.demo import DEMO_TECHNICIAN_UPN, DemoTenant
from tapdesk.errors import AuthError
from tapdesk.runtime.paths import AppPaths
from tests.helpers.auth import demo_authenticator
from tests.helpers.clock import FakeClock
from tests.helpers.demo import UPN


@pytest.fixture
def tenant(clock: FakeClock) -> DemoTenant:
    return DemoTenant(clock=clock, auto_approve_after=None)


@pytest.fixture
def broker_requests(
    tenant: DemoTenant, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[dict[str, Any]]]:
    requests: list[dict[str, Any]] = []

    def broker(
        app: msal.PublicClientApplication, scopes: list[str], **options: Any
    ) -> dict[str, Any]:
        requests.append({"scopes": scopes, **options})
        flow = app.initiate_device_flow(scopes=scopes)
        tenant.approve_device_code(flow["user_code"])
        result: dict[str, Any] = app.acquire_token_by_device_flow(flow)
        return result

    monkeypatch.setattr(authenticator_module, "use_broker", lambda settings: True)
    monkeypatch.setattr(msal.PublicClientApplication, "acquire_token_interactive", broker)
    yield requests


@pytest.fixture
def auth(
    tenant: DemoTenant,
    paths: AppPaths,
    clock: FakeClock,
    broker_requests: list[dict[str, Any]],  # the broker is chosen when the object is built
) -> Iterator[Authenticator]:
    with (
        httpx.Client(transport=tenant.transport()) as http,
        demo_authenticator(http, paths, clock) as made,  # the broker path opens no browser
    ):
        yield made


def test_the_broker_gets_the_graph_scopes_the_console_window_and_five_minutes(
    auth: Authenticator, broker_requests: list[dict[str, Any]]
) -> None:
    account = auth.sign_in_interactive()
    assert account.username == DEMO_TECHNICIAN_UPN
    assert broker_requests == [
        {
            "scopes": auth.scopes,
            # No cached account yet: the account picker, or WAM takes the Windows session's.
            "prompt": msal.Prompt.SELECT_ACCOUNT,
            "login_hint": None,
            "timeout": 300,
            "parent_window_handle": msal.PublicClientApplication.CONSOLE_WINDOW_HANDLE,
            "max_age": None,  # asked only on a shared bench
        }
    ]


def test_the_broker_gets_the_window_the_account_hint_and_the_account_picker(
    auth: Authenticator, broker_requests: list[dict[str, Any]]
) -> None:
    auth.sign_in_interactive(
        parent_window_handle=4242, select_account=True, login_hint="pat@x.test", timeout=60
    )
    assert broker_requests == [
        {
            "scopes": auth.scopes,
            "prompt": msal.Prompt.SELECT_ACCOUNT,
            "login_hint": "pat@x.test",
            "timeout": 60,
            "parent_window_handle": 4242,
            "max_age": None,  # asked only on a shared bench
        }
    ]


def test_a_sign_in_whose_account_msal_did_not_record_is_refused(
    auth: Authenticator, tenant: DemoTenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two cached accounts and neither the one signed in, keep none rather than guess."""
    flow = auth.start_device_flow()
    tenant.approve_device_code(flow.user_code)
    auth.finish_device_flow(flow)  # Tess is cached

    def stranger_broker(
        app: msal.PublicClientApplication, scopes: list[str], **options: Any
    ) -> dict[str, Any]:
        device = app.initiate_device_flow(scopes=scopes)
        tenant.approve_device_code(device["user_code"], UPN["pat.priv"])  # Pat is cached too
        result: dict[str, Any] = app.acquire_token_by_device_flow(device)
        stranger = {"oid": "oid-of-nobody", "preferred_username": "nobody@x.test"}
        return {**result, "id_token_claims": stranger}

    monkeypatch.setattr(msal.PublicClientApplication, "acquire_token_interactive", stranger_broker)
    with pytest.raises(AuthError) as caught:
        auth.sign_in_interactive(select_account=True)
    assert (caught.value.message, caught.value.code) == (
        "The sign-in finished without an account.",
        "no_account",
    )


def test_continuing_on_a_bench_asks_wam_for_that_account_at_most_an_hour_old(
    tenant: DemoTenant,
    paths: AppPaths,
    clock: FakeClock,
    broker_requests: list[dict[str, Any]],
) -> None:
    """Nothing saved yet, so "Continue as" goes to WAM: the account, the window, the timeout and
    max_age as given. (The device-code stand-in carries no auth_time, so it is then refused.)"""
    with (
        httpx.Client(transport=tenant.transport()) as http,
        demo_authenticator(http, paths, clock, settings=Settings(shared_bench=True)) as auth,
        pytest.raises(AuthError) as refused,
    ):
        auth.continue_as("pat@x.test", parent_window_handle=4242, timeout=60)
    assert refused.value.code == "not_fresh"
    assert broker_requests == [
        {
            "scopes": auth.scopes,
            "prompt": None,
            "login_hint": "pat@x.test",
            "timeout": 60,
            "parent_window_handle": 4242,
            "max_age": 3600,
        }
    ]
