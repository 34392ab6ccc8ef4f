"""The Linux Secret Service for real (gnome-keyring over D-Bus), through the Authenticator.

Skips without a D-Bus session, unless TAPDESK_REQUIRE_SECRET_SERVICE=1 (CI sets it and runs
the suite inside ``dbus-run-session`` with ``gnome-keyring-daemon --unlock``), where a missing
Secret Service is a failure instead.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from keyring.backend import KeyringBackend

from tapdesk.auth import Authenticator, CacheProtection
from tapdesk.auth.keystore import SERVICE, key_name
from tapdesk.demo import DEMO_TECHNICIAN_UPN, DEMO_TENANT_ID, DemoTenant
from tapdesk.runtime.paths import AppPaths
from tests.helpers.auth import demo_authenticator
from tests.helpers.clock import FakeClock

pytestmark = pytest.mark.secret_service
KEY_NAME = key_name(DEMO_TENANT_ID)  # the demo tenant's own entry


def unavailable(reason: str) -> None:
    if os.environ.get("TAPDESK_REQUIRE_SECRET_SERVICE") == "1":
        pytest.fail(f"Secret Service required but unavailable: {reason}")
    pytest.skip(reason)


@pytest.fixture
def secret_service() -> Iterator[KeyringBackend]:
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        unavailable("no D-Bus session (DBUS_SESSION_BUS_ADDRESS is unset)")
    from keyring.backends import SecretService

    try:
        priority = SecretService.Keyring.priority
    except Exception as exc:
        unavailable(f"Secret Service backend not viable: {exc}")
    backend = SecretService.Keyring()
    try:
        existing = backend.get_password(SERVICE, KEY_NAME)
    except Exception as exc:
        unavailable(f"Secret Service not usable: {type(exc).__name__}: {exc}")
    if existing is not None:
        # A developer's real tapdesk key: this test signs out, which would delete it.
        pytest.skip("this Secret Service holds a real tapdesk key; not touching it")
    assert priority > 0
    yield backend
    with contextlib.suppress(Exception):  # already gone, as the test expects
        backend.delete_password(SERVICE, KEY_NAME)


def test_round_trip_through_the_secret_service(
    secret_service: KeyringBackend, tmp_path: Path
) -> None:
    clock = FakeClock()
    tenant = DemoTenant(clock=clock, auto_approve_after=None)
    paths = AppPaths.default({"TAPDESK_HOME": str(tmp_path)})

    with httpx.Client(transport=tenant.transport()) as http:

        def make() -> Authenticator:
            return demo_authenticator(http, paths, clock, keyring_backend=secret_service)

        with make() as auth:
            flow = auth.start_device_flow()
            tenant.approve_device_code(flow.user_code)
            account = auth.finish_device_flow(flow)
            token = auth.access_token()
            assert auth.cache_protection is CacheProtection.KEYRING
            assert auth.keyring_name == "keyring.backends.SecretService.Keyring"
        key = secret_service.get_password(SERVICE, KEY_NAME)
        assert key is not None and len(key) == 44
        assert token.encode() not in auth.cache_path.read_bytes()

        before = tenant.token_requests
        with make() as restored:
            assert restored.sign_in_silent() == account
            assert restored.access_token() == token
            assert tenant.token_requests == before
            restored.sign_out()

    assert secret_service.get_password(SERVICE, KEY_NAME) is None
    assert not auth.cache_path.exists()
    assert account.username == DEMO_TECHNICIAN_UPN
