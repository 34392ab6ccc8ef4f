"""An Authenticator against the demo tenant's authority, as the tests build it."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import keyring.backend

from tapdesk.auth import Authenticator
from tapdesk.config import Settings
from tapdesk.core.clock import Clock
from tapdesk.demo import DEMO_AUTHORITY, DEMO_CLIENT_ID, DEMO_TENANT_ID
from tapdesk.runtime.paths import AppPaths
from tests.helpers.keyring import MemoryKeyring


def demo_authenticator(
    http: httpx.Client,
    paths: AppPaths,
    clock: Clock,
    *,
    open_browser: Callable[[str], bool] = lambda url: False,  # no browser unless given one
    keyring_backend: keyring.backend.KeyringBackend | None = None,
    settings: Settings | None = None,
) -> Authenticator:
    """Real MSAL over ``http`` (the demo tenant's transport), a memory keyring by default."""
    return Authenticator(
        settings or Settings(),
        paths,
        http_client=http,
        keyring_backend=keyring_backend or MemoryKeyring(),
        authority=DEMO_AUTHORITY,
        client_id=DEMO_CLIENT_ID,
        open_browser=open_browser,
        clock=clock,
        tenant=DEMO_TENANT_ID,
    )
