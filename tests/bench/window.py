"""Figures from the real window against the demo tenant (offscreen).

The tenant answers either in this process (``inline``: its handler runs on the window's worker
threads and takes the GIL from the GUI thread, a cost no real tenant imposes) or in a process of
its own behind loopback HTTP (``process``: ``tapdesk.demo.relay``), as Graph would. The targets
apply to the separate process; the in-process figure is printed beside it.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tapdesk.app.services import Backend
from tapdesk.core.clock import SYSTEM_CLOCK
from tapdesk.demo import DemoTenant
from tapdesk.demo.relay import DemoServer
from tapdesk.ui import after_paint, application, preload
from tapdesk.ui.window.main_window import MainWindow
from tests.bench.stalls import StallRecorder
from tests.helpers.qt import token_services

AVA = "ava.newhire@northwind.example"
TENANTS = ("process", "inline")


# A technician reads what appeared before acting on it; a script that acts in the same turn
# would measure the list's paint and the selection as one stall no person can cause.
REACTION_S = 0.2


def wait_until(predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    app = QApplication.instance()
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()  # type: ignore[union-attr]
        time.sleep(0.001)


class Counting(httpx.BaseTransport):
    """Counts the requests the window sends, whichever tenant answers them."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class Tenant:
    """A demo tenant on a state file, answering in this process or in its own."""

    def __init__(self, where: str, home: Path) -> None:
        if where not in TENANTS:
            raise ValueError(f"tenant {where!r}: one of {TENANTS}")
        self.where = where
        self.demo = DemoTenant(state_path=home / "demo-tenant.json")
        self.demo.token_lifetime = 86400.0
        self.server: DemoServer | None = None

    def transport(self) -> Counting:
        """Call after seeding the tenant: the separate process reads the state file as it is."""
        if self.where == "process":
            self.server = DemoServer.start(self.demo.state_path)  # type: ignore[arg-type]
            return Counting(self.server.transport())
        return Counting(self.demo.transport())

    def set_latency(self, seconds: float) -> None:
        if self.server is not None:
            self.server.set_latency(seconds)
        self.demo.latency = seconds

    def close(self) -> None:
        if self.server is not None:
            self.server.close()


class Bench:
    """A signed-in window on a fresh demo tenant. ``seed`` prepares the tenant and the store
    before the window starts (people to find, sessions to resume)."""

    def __init__(
        self, tenant: str = "process", seed: Callable[[Bench], None] | None = None
    ) -> None:
        application()
        self._home = tempfile.TemporaryDirectory()
        self.home = Path(self._home.name)
        self.tenant = Tenant(tenant, self.home)
        self.seeded = seed
        if seed is not None:
            seed(self)
        self.transport = self.tenant.transport()
        services = token_services(
            self.tenant.demo, SYSTEM_CLOCK, self.home, transport=self.transport
        )
        self.services = services
        self.window = MainWindow(Backend.of(services))
        self.window.resize(1280, 860)
        self.window.show()

    def start(self) -> None:
        """What ``tapdesk.ui.run`` does after the first paint, then wait until ready."""
        for step in after_paint(application(), self.window):
            step()
        wait_until(lambda: self.window.technician is not None and self.window.policy is not None)
        wait_until(preload.loaded)
        self.idle()

    def idle(self) -> None:
        wait_until(lambda: not self.window.runner.busy)

    def react(self) -> None:
        """The time a person takes to read what appeared (the window keeps running)."""
        until = time.perf_counter() + REACTION_S
        wait_until(lambda: time.perf_counter() >= until)

    def open_user(self, text: str = "ava") -> None:
        box = self.window.search.box
        box.clear()
        QTest.keyClicks(box, text)  # typed, as a technician does: the debounce fires once
        wait_until(lambda: self.window.search.results.count() > 0)
        self.react()
        self.window.select_user(self.window.search.users()[0])
        wait_until(lambda: self.window.facts is not None and self.window.facts.tap_known)
        self.idle()

    def issue(self) -> None:
        # The pass alone: on a checklist path the form's Issue first asks who the new hire is.
        self.window.form.set_path(None)
        self.window.form.issue_button.click()
        wait_until(lambda: self.window.passes.has_value)
        self.idle()

    def start_checklist(self) -> None:
        """The form's Issue on the recommended path: the checklist opens at its first step."""
        self.window.form.set_path(self.window.form.flow_id or "passkey-authenticator")
        self.window.form.issue_button.click()
        wait_until(lambda: self.window.guide.panel.session is not None)
        self.idle()

    def revoke(self) -> None:
        self.window.passes.revoke_button.click()
        wait_until(lambda: self.window.confirm_dialog is not None)
        self.window.confirm_dialog.action_button.click()  # type: ignore[union-attr]
        wait_until(lambda: not self.window.passes.has_value)
        self.idle()

    def close(self) -> None:
        self.window.close()
        self.window.deleteLater()
        self.services.close()
        self.tenant.close()
        self._home.cleanup()


def issue_round_trips(tenant: str = "process") -> float:
    """Graph requests between the Issue click and the pass on screen (user, policy loaded)."""
    bench = Bench(tenant)
    try:
        bench.start()
        bench.open_user()
        before = bench.transport.requests
        bench.issue()
        return float(bench.transport.requests - before)
    finally:
        bench.close()


def search_select_issue(tenant: str, latency: float) -> StallRecorder:
    """Search, select and issue with ``latency`` seconds on every Graph answer."""
    bench = Bench(tenant)
    try:
        bench.start()
        bench.tenant.set_latency(latency)
        with StallRecorder() as stalls:
            bench.open_user()
            bench.issue()
        return stalls
    finally:
        bench.close()


def checklist_start(tenant: str) -> StallRecorder:
    """Select a new hire and start the recommended checklist (at 0.2 s latency)."""
    bench = Bench(tenant)
    try:
        bench.start()
        bench.tenant.set_latency(0.2)
        bench.open_user()
        with StallRecorder() as stalls:
            bench.start_checklist()
        return stalls
    finally:
        bench.close()


SESSIONS = 20


def _open_sessions(bench: Bench) -> None:
    from tests.bench.day import open_sessions, people

    open_sessions(bench, people(bench.tenant.demo, SESSIONS * 2)[:SESSIONS])


def sessions_resume(tenant: str) -> StallRecorder:
    """Start the window with 20 open sessions saved: sign-in, policy, and the sessions resumed."""
    bench = Bench(tenant, seed=_open_sessions)
    try:
        with StallRecorder() as stalls:
            bench.start()
            wait_until(lambda: len(bench.window.session_summaries()) >= SESSIONS)
            bench.idle()
        return stalls
    finally:
        bench.close()
