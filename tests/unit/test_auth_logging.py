"""No token, refresh token, authorization code or device code reaches a log record, at DEBUG."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tapdesk.auth import Authenticator
from tapdesk.auth.logguard import guard_msal_logging
from tapdesk.demo import DemoTenant
from tapdesk.runtime.paths import AppPaths
from tests.helpers.auth import demo_authenticator
from tests.helpers.clock import FakeClock
from tests.helpers.demo import UPN, ScriptedBrowser
from tests.helpers.keyring import MemoryKeyring


class RecordingTransport(httpx.BaseTransport):
    """The demo authority, noting every secret it hands out."""

    def __init__(self, tenant: DemoTenant) -> None:
        self._tenant = tenant
        self.secrets: set[str] = set()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._tenant.handler(request)
        body = response.read().decode()
        if request.url.path.endswith(("/token", "/devicecode")) and response.status_code == 200:
            data = json.loads(body)
            for name in ("access_token", "refresh_token", "id_token", "device_code"):
                if data.get(name):
                    self.secrets.add(data[name])
        self.secrets.update(re.findall(r'name="code" value="([^"]+)"', body))
        return response


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    # Every logger on the path at DEBUG, whatever other tests configured; MSAL's own logger
    # too, as if someone switched it to DEBUG to troubleshoot.
    for name in ("msal", "httpx", "httpcore", "tapdesk"):
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog


def test_no_secret_in_any_log_record(debug_logs: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    clock = FakeClock()
    tenant = DemoTenant(clock=clock, auto_approve_after=None)
    tenant.token_lifetime = 120  # every access_token() call refreshes
    recorder = RecordingTransport(tenant)
    paths = AppPaths.default({"TAPDESK_HOME": str(tmp_path)})
    keyring = MemoryKeyring()
    with httpx.Client(transport=recorder) as http:
        browser = ScriptedBrowser(http)

        def make() -> Authenticator:
            return demo_authenticator(
                http, paths, clock, open_browser=browser.open, keyring_backend=keyring
            )

        with make() as auth:
            flow = auth.start_device_flow()
            tenant.approve_device_code(flow.user_code)
            auth.finish_device_flow(flow)
            auth.access_token()
            auth.sign_in_interactive(login_hint=UPN["pat.priv"], timeout=10)
            browser.join()
            clock.advance(30)
            auth.access_token(force_refresh=True)
        with make() as restored:
            assert restored.sign_in_silent() is not None
            restored.sign_out()

    assert len(recorder.secrets) >= 8  # ATs, RTs, ID tokens, a device code, an auth code
    text = "\n".join(
        logging.Formatter("%(name)s %(message)s").format(r) for r in debug_logs.records
    )
    assert "HTTP Request: POST http://localhost:" in text  # the loopback leg ran and logged
    for secret in recorder.secrets:
        assert secret not in text
        assert secret[-20:] not in text
    assert not [r for r in debug_logs.records if r.name.startswith("msal") and r.levelno < 20]


def test_guard_drops_msal_debug_and_masks_jwts(debug_logs: pytest.LogCaptureFixture) -> None:
    guard_msal_logging()
    leaky = logging.getLogger("msal.oauth2cli.authcode")
    leaky.debug("Got auth response: %s", {"code": "auth-code-secret"})
    jwt = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln"
    leaky.warning("something with %s inside", jwt)
    messages = [r.getMessage() for r in debug_logs.records if r.name.startswith("msal")]
    assert messages == ["something with <redacted> inside"]


def test_guard_covers_loggers_msal_creates_later(debug_logs: pytest.LogCaptureFixture) -> None:
    guard_msal_logging()
    late = logging.getLogger("msal.some_module_imported_later")
    guard_msal_logging()  # what Authenticator does after building each app
    late.debug("refresh_token=abc")
    assert not [r for r in debug_logs.records if r.name == late.name]


def test_guard_keeps_msal_info_records(debug_logs: pytest.LogCaptureFixture) -> None:
    # Only DEBUG is dropped: MSAL's INFO lines (which authority, which flow) stay for support.
    guard_msal_logging()
    logging.getLogger("msal.application").info("Broker enabled? %s", False)
    messages = [r.getMessage() for r in debug_logs.records if r.name.startswith("msal")]
    assert messages == ["Broker enabled? False"]
