"""The sign-in's words when its setup is wrong, the broker choice, and its small security rules."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import msal
import pytest

from tapdesk.auth import Authenticator
from tapdesk.auth import authenticator as authenticator_module
from tapdesk.auth.claims import jwt_payload
from tapdesk.auth.keystore import backend_usable
from tapdesk.auth.logguard import guard_msal_logging
from tapdesk.auth.strategies import DeviceFlow, use_broker
from tapdesk.config import Settings
from tapdesk.demo import DEMO_AUTHORITY, DEMO_CLIENT_ID, DemoTenant
from tapdesk.errors import AuthError, ConfigError
from tapdesk.runtime.paths import AppPaths
from tests.helpers.clock import FakeClock
from tests.helpers.keyring import MemoryKeyring
from tests.unit.test_auth_cache import store

Handler = Callable[[httpx.Request], httpx.Response]
MakeAuth = Callable[..., Authenticator]


@pytest.fixture
def tenant(clock: FakeClock) -> DemoTenant:
    return DemoTenant(clock=clock, auto_approve_after=None)


@pytest.fixture
def make_auth(paths: AppPaths, clock: FakeClock) -> Iterator[MakeAuth]:
    """An Authenticator on the demo authority, its HTTP answered by ``handler``."""
    with ExitStack() as stack:

        def make(handler: Handler, **options: Any) -> Authenticator:
            http = stack.enter_context(httpx.Client(transport=httpx.MockTransport(handler)))
            return stack.enter_context(
                Authenticator(
                    Settings(),
                    paths,
                    http_client=http,
                    keyring_backend=MemoryKeyring(),
                    clock=clock,
                    **({"authority": DEMO_AUTHORITY, "client_id": DEMO_CLIENT_ID} | options),
                )
            )

        yield make


# --- no tenant, a broken authority ------------------------------------------------------------

NO_TENANT = (
    "Configuration problem: key 'tenant.id': no tenant is configured. "
    "Set [tenant] id and client_id in tapdesk.toml, or try the demo (--demo)."
)


@pytest.mark.parametrize(
    "where", [{"authority": None, "client_id": None}, {"client_id": None}, {"authority": None}]
)
def test_a_missing_tenant_or_client_id_names_the_setting_and_the_fix(
    make_auth: MakeAuth, tenant: DemoTenant, where: dict[str, None]
) -> None:
    # Either half missing is "no tenant": MSAL is never asked with a blank client id.
    with pytest.raises(ConfigError) as caught:
        make_auth(tenant.handler, **where).sign_in_silent()
    assert str(caught.value) == NO_TENANT


def test_an_unusable_authority_names_it_and_the_fix(
    make_auth: MakeAuth, tenant: DemoTenant
) -> None:
    auth = make_auth(tenant.handler, authority="https://login.example")
    with pytest.raises(AuthError) as caught:
        auth.sign_in_silent()
    assert str(caught.value) == (
        "Sign-in failed: The sign-in authority https://login.example could not be used. "
        "Check the tenant ID and cloud in tapdesk.toml."
    )


def test_a_device_code_answer_that_is_not_json_says_no_device_code_started(
    make_auth: MakeAuth, tenant: DemoTenant
) -> None:
    def garbled(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/devicecode"):
            return httpx.Response(200, text="<html>proxy login</html>")
        return tenant.handler(request)

    with pytest.raises(AuthError) as caught:
        make_auth(garbled).start_device_flow()
    assert str(caught.value) == (
        "Sign-in failed: The sign-in service did not start a device code sign-in."
    )


# --- a cancelled device code ------------------------------------------------------------------


def test_a_device_code_cancelled_before_the_wait_reports_cancelled(
    make_auth: MakeAuth, tenant: DemoTenant
) -> None:
    auth = make_auth(tenant.handler)
    flow = auth.start_device_flow()
    auth.cancel_device_flow(flow)
    with pytest.raises(AuthError) as caught:
        auth.finish_device_flow(flow)
    assert (caught.value.code, str(caught.value)) == (
        "cancelled",
        "Sign-in failed: Sign-in was cancelled.",
    )


def test_a_device_code_cancelled_while_msal_polls_reports_cancelled(
    make_auth: MakeAuth, tenant: DemoTenant
) -> None:
    flows: list[DeviceFlow] = []

    def cancel_on_poll(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token") and flows:
            flows[0].cancel()  # the technician pressed Cancel while MSAL asked
        return tenant.handler(request)

    auth = make_auth(cancel_on_poll)
    flows.append(auth.start_device_flow())
    with pytest.raises(AuthError) as caught:
        auth.finish_device_flow(flows[0])
    assert (caught.value.code, str(caught.value)) == (
        "cancelled",
        "Sign-in failed: Sign-in was cancelled.",
    )
    assert auth.account is None


# --- the Windows broker -----------------------------------------------------------------------


@pytest.fixture
def with_broker_runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in ``pymsalruntime`` on the path: what ``pip install msal[broker]`` provides."""
    (tmp_path / "pymsalruntime.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))


@pytest.mark.usefixtures("with_broker_runtime")
def test_the_broker_is_used_on_windows_with_the_setting_on_and_the_runtime_installed() -> None:
    chosen = {
        (broker, platform): use_broker(Settings(broker=broker), platform=platform)
        for broker in (True, False)
        for platform in ("win32", "linux", "darwin")
    }
    assert [key for key, used in chosen.items() if used] == [(True, "win32")]


def test_without_the_runtime_the_broker_is_not_used() -> None:
    # Without pymsalruntime MSAL would refuse a broker-enabled app: fall back to the browser.
    assert not use_broker(Settings(broker=True), platform="win32")


def test_the_app_asks_msal_for_the_broker_exactly_when_it_is_chosen(
    make_auth: MakeAuth, tenant: DemoTenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[object] = []
    real_init = msal.PublicClientApplication.__init__

    def recording_init(self: msal.PublicClientApplication, *args: Any, **kwargs: Any) -> None:
        asked.append(kwargs.get("enable_broker_on_windows"))
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(msal.PublicClientApplication, "__init__", recording_init)
    make_auth(tenant.handler).sign_in_silent()
    monkeypatch.setattr(authenticator_module, "use_broker", lambda settings: True)
    make_auth(tenant.handler).sign_in_silent()
    assert asked == [False, True]


# --- an unreadable cache file -----------------------------------------------------------------


def test_an_unreadable_cache_file_asks_to_sign_in_again_and_logs_only_the_error_kind(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache_store = store(tmp_path, MemoryKeyring())
    cache_store.path.mkdir(parents=True)  # read_bytes fails with an OSError, as on EACCES
    caplog.set_level(logging.WARNING, logger="tapdesk.auth.cache")
    cache_store.load(msal.SerializableTokenCache())
    assert cache_store.notices == [
        f"The saved sign-in in {cache_store.path} could not be read (IsADirectoryError). "
        "Please sign in again."
    ]
    assert [r.getMessage() for r in caplog.records if r.name == "tapdesk.auth.cache"] == [
        "token cache not read: IsADirectoryError"
    ]


# --- which keyrings are trusted ---------------------------------------------------------------


class ProbeFails:
    """A backend whose priority probe raises, as some do without D-Bus."""

    @property
    def priority(self) -> float:
        raise RuntimeError("D-Bus is not running")


def test_a_keyring_of_priority_zero_or_one_whose_probe_fails_is_not_trusted() -> None:
    # Plain objects, not KeyringBackend subclasses, which keyring would register for everyone.
    assert not backend_usable(SimpleNamespace(priority=0))  # type: ignore[arg-type]
    assert not backend_usable(ProbeFails())  # type: ignore[arg-type]
    assert backend_usable(SimpleNamespace(priority=0.1))  # type: ignore[arg-type]


# --- the ID token's claims --------------------------------------------------------------------


def test_claims_of_every_length_are_read_whatever_padding_they_need() -> None:
    # Base64url drops its "=" padding; a payload may need none, one or two of them back.
    for size in range(1, 13):
        claims = {"name": "x" * size}
        body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        assert jwt_payload(f"header.{body}.signature") == claims, size


# --- the MSAL log guard -----------------------------------------------------------------------


def test_the_guard_is_on_msals_logger_even_before_msal_made_it(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # As at start-up before MSAL logs anything: no msal logger exists yet.
    monkeypatch.setattr(logging.Logger.manager, "loggerDict", {})
    caplog.set_level(logging.DEBUG)
    guard_msal_logging()
    logging.getLogger("msal").debug("auth response: code=secret-1")
    assert [r.getMessage() for r in caplog.records] == []


def test_the_guard_leaves_tapdesks_own_debug_records_alone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="tapdesk.auth.somewhere")  # exists before the guard
    guard_msal_logging()
    logging.getLogger("tapdesk.auth.somewhere").debug("loopback listener: POST answered 200")
    assert [r.getMessage() for r in caplog.records] == ["loopback listener: POST answered 200"]


def test_the_guard_reaches_an_msal_logger_made_after_the_first_guarding(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """MSAL makes some loggers only when an app is built; guarding again must cover them (a
    logger's filters do not apply to its children's records)."""
    guard_msal_logging()
    late = logging.getLogger(f"msal.made_later_{id(caplog)}")
    caplog.set_level(logging.DEBUG)
    guard_msal_logging()
    late.debug("auth response: code=secret-2")
    late.warning("token eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl")
    assert [r.getMessage() for r in caplog.records] == ["token <redacted>"]
