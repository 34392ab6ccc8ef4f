"""What the composition root (:mod:`tapdesk.app.main`) hands to a front end.

:class:`Services` holds the real, built parts with their own types. A front end holds a
:class:`Backend`: the settings, folders and clock at once, and the services built on first use.
The window's first uses happen in worker tasks (sign-in, search), so importing httpx and MSAL,
probing the keyring and opening the demo tenant's file run there while the window is already on
screen. The CLI builds them up front.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tapdesk.config import Settings
from tapdesk.core.clock import Clock
from tapdesk.runtime.paths import AppPaths

if TYPE_CHECKING:  # the window imports this module before httpx and MSAL are loaded
    import httpx

    from tapdesk.auth import Authenticator
    from tapdesk.demo import DemoTenant
    from tapdesk.demo.relay import DemoServer
    from tapdesk.graph.client import GraphClient
    from tapdesk.store import Store


@dataclass
class Services:
    settings: Settings
    paths: AppPaths
    graph: GraphClient
    auth: Authenticator | None  # None when a token comes from TAPDESK_ACCESS_TOKEN
    clock: Clock
    demo: DemoTenant | None = None  # set only on the demo tenant (phone panel, training)
    http: httpx.Client | None = None  # the shared client, for reachability checks
    authority: str | None = None  # sign-in authority in use (demo or the tenant's)
    store: Store | None = None  # sessions and the audit trail
    notices: list[str] = field(default_factory=list)  # say once, visibly (database set aside)
    # The demo tenant's own sign-in page answers in-process: no browser opens.
    browser_simulated: bool = False
    # The demo tenant's own process (``demo_process``), which ``http`` talks to.
    demo_server: DemoServer | None = None

    def close(self) -> None:
        self.graph.close()
        if self.http is not None:
            self.http.close()
        if self.demo_server is not None:  # after the client: no request of ours is in flight
            self.demo_server.close()
        if self.store is not None:
            self.store.close()


class Backend:
    """The services of one front end: what is known at once, the rest built once on first use.

    :meth:`services` builds on the first call (thread-safe: one build, whoever asks first) and
    raises the build's error to every caller, so the window shows it like any failed task. Call
    it on a worker; only :meth:`close` may run on the GUI thread.
    """

    def __init__(
        self, settings: Settings, paths: AppPaths, clock: Clock, build: Callable[[], Services]
    ) -> None:
        self.settings = settings
        self.paths = paths
        self.clock = clock
        self._build = build
        self._services: Services | None = None
        self._error: BaseException | None = None
        self._done = False
        self._lock = threading.Lock()
        self._changes: list[Callable[[Settings], Settings]] = []  # for services not built yet

    @classmethod
    def of(cls, services: Services) -> Backend:
        """Services built already (the self-test, tests)."""
        backend = cls(services.settings, services.paths, services.clock, lambda: services)
        backend.services()
        return backend

    @property
    def demo(self) -> bool:
        return self.settings.demo

    @property
    def signs_in(self) -> bool:
        """False when a token comes from the environment: nobody signs in or out."""
        return not self.settings.access_token

    @property
    def ready(self) -> bool:
        return self._done and self._error is None

    def services(self) -> Services:
        with self._lock:
            if not self._done:
                try:
                    self._services = self._build()
                except BaseException as exc:  # kept, so every later caller sees the same error
                    self._error = exc
                self._done = True
                for change in self._changes:
                    self._changed(change)
        if self._error is not None:
            raise self._error
        assert self._services is not None
        return self._services

    def update_settings(self, change: Callable[[Settings], Settings]) -> Settings:
        """Settings changed while running (the window's Tools > Settings…): ``change`` applies
        to these settings and to the services' own (a demo's Graph URL filled in), now or
        when they are built. Returns the new settings."""
        with self._lock:
            self.settings = change(self.settings)
            if self._done:
                self._changed(change)
            else:
                self._changes.append(change)
            return self.settings

    def _changed(self, change: Callable[[Settings], Settings]) -> None:
        if self._services is not None:
            self._services.settings = change(self._services.settings)

    def close(self) -> None:
        """Close what was built; never waits for (or forces) a build nobody used."""
        if self.ready and self._services is not None:
            self._services.close()
