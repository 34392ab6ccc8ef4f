"""In-process figures from the real window against the demo tenant (offscreen)."""

from __future__ import annotations

import gc
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tapdesk.app.services import Backend
from tapdesk.core.clock import SYSTEM_CLOCK
from tapdesk.demo import DemoTenant
from tapdesk.ui import application
from tapdesk.ui.window.main_window import MainWindow
from tests.helpers.qt import token_services

AVA = "ava.newhire@northwind.example"


def wait_until(predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    app = QApplication.instance()
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()  # type: ignore[union-attr]
        time.sleep(0.001)


class Heartbeat:
    """A 5 ms QTimer on the GUI thread: the longest gap between beats is the longest stall."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def __enter__(self) -> Heartbeat:
        self._last = time.perf_counter()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.stop()


class Bench:
    """A signed-in window on a fresh demo tenant."""

    def __init__(self) -> None:
        application()
        self._home = tempfile.TemporaryDirectory()
        self.tenant = DemoTenant()
        self.tenant.token_lifetime = 86400.0
        services = token_services(self.tenant, SYSTEM_CLOCK, Path(self._home.name))
        self.window = MainWindow(Backend.of(services))
        self.window.resize(1280, 860)
        self.window.show()
        self.window.start()
        wait_until(lambda: self.window.technician is not None and self.window.policy is not None)
        self.idle()
        gc.freeze()  # as tapdesk.ui.run does once the window is up (shorter collector pauses)

    def idle(self) -> None:
        wait_until(lambda: not self.window.runner.busy)

    def open_user(self, text: str = "ava") -> None:
        box = self.window.search.box
        box.clear()
        QTest.keyClicks(box, text)  # typed, as a technician does: the debounce fires once
        wait_until(lambda: self.window.search.results.count() > 0)
        self.window.select_user(self.window.search.users()[0])
        wait_until(lambda: self.window.facts is not None and self.window.facts.tap_known)
        self.idle()

    def issue(self) -> None:
        # The pass alone: on a checklist path the form's Issue first asks who the new hire is.
        self.window.form.set_path(None)
        self.window.form.issue_button.click()
        wait_until(lambda: self.window.passes.has_value)
        self.idle()

    def revoke(self) -> None:
        self.window.passes.revoke_button.click()
        wait_until(lambda: self.window.confirm_dialog is not None)
        self.window.confirm_dialog.action_button.click()
        wait_until(lambda: not self.window.passes.has_value)
        self.idle()

    def close(self) -> None:
        self.window.close()
        self.window.deleteLater()
        self._home.cleanup()


def issue_round_trips() -> float:
    """Graph requests between the Issue click and the pass on screen (user, policy loaded)."""
    bench = Bench()
    try:
        bench.open_user()
        before = len(bench.tenant.requests)
        bench.issue()
        return float(len(bench.tenant.requests) - before)
    finally:
        bench.close()


def longest_stall(latency: float) -> float:
    """Seconds of the longest GUI-thread stall during search, select and issue."""
    bench = Bench()
    try:
        bench.tenant.latency = latency
        with Heartbeat() as beat:
            bench.open_user()
            bench.issue()
        return beat.longest
    finally:
        bench.close()
