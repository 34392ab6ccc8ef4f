"""Figures that need no window: client overhead, QR rendering, polling load, memory."""

from __future__ import annotations

import os
import textwrap
import time
from typing import Any

import httpx

from tapdesk.core.passrules import IssueRequest
from tapdesk.core.polling import Poller, Visibility
from tapdesk.core.verify import GraphRead
from tapdesk.demo import DEMO_GRAPH_URL, DEMO_TECHNICIAN_UPN, DemoTenant
from tapdesk.graph.client import GraphClient
from tests.bench import child
from tests.helpers.clock import FakeClock

AVA = "ava.newhire@northwind.example"


def issue_times(calls: int = 200) -> tuple[float, float]:
    """Median seconds per pass issued: through GraphClient, and the bare transport call."""
    tenant = DemoTenant()
    token = tenant.access_token()
    graph = GraphClient(
        DEMO_GRAPH_URL, lambda force_refresh=False: token, transport=tenant.transport()
    )
    user_id = graph.get_user(AVA).id
    url = f"{DEMO_GRAPH_URL}/users/{user_id}/authentication/temporaryAccessPassMethods"

    def bare() -> None:
        request = httpx.Request("POST", url, json={}, headers={"Authorization": f"Bearer {token}"})
        tenant.handler(request).read()

    def client() -> None:
        graph.create_tap(user_id, IssueRequest())

    def median(call: object) -> float:
        samples = []
        for _ in range(calls):
            started = time.perf_counter()
            call()  # type: ignore[operator]
            samples.append(time.perf_counter() - started)
        return sorted(samples)[len(samples) // 2]

    try:
        return median(client), median(bare)
    finally:
        graph.close()


def qr_render_seconds(payload: str, runs: int = 50) -> float:
    from tapdesk.ui.qr import matrix_image, qr_matrix

    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        matrix_image(qr_matrix(payload), scale=8)
        samples.append(time.perf_counter() - started)
    return sorted(samples)[len(samples) // 2]


def polling_rate(foreground: int, background: int, minutes: float = 30.0) -> float:
    """Graph list calls per second from pollers on a fake clock (passkey step: one list each)."""
    clock = FakeClock()
    pollers = [
        Poller(
            clock=clock,
            visibility=Visibility.FOREGROUND if i < foreground else Visibility.BACKGROUND,
        )
        for i in range(foreground + background)
    ]
    for poller in pollers:
        poller.set_reads({GraphRead.FIDO2})
    calls, end = 0, clock.monotonic() + minutes * 60
    while clock.monotonic() < end:
        for poller in pollers:
            if poller.due():
                calls += len(poller.begin())
                poller.succeeded()
        clock.advance(0.25)
    return calls / (minutes * 60)


# The leak check: the window on the bench (tests.bench.window), issue and revoke in a loop.
MEMORY = """
import json
from tapdesk.ui import application
application()  # first, as tapdesk does: PySide's import hooks set before the rest loads
from tests.bench import memory
from tests.bench.window import Bench

bench = Bench({tenant!r})
bench.start()
bench.open_user()
start = memory.breakdown()
for _ in range({cycles}):
    bench.issue()
    bench.revoke()
after = memory.breakdown()
print(json.dumps({{"start": start, "after": after}}))
"""

BARE_MEMORY = """
import json
from PySide6.QtWidgets import QApplication, QMainWindow
from tests.bench import memory
app = QApplication([])
w = QMainWindow(); w.resize(1280, 860); w.show(); app.processEvents()
print(json.dumps(memory.breakdown()))
"""


def _run_json(script: str, *options: str) -> dict[str, Any]:
    import json

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = child.python(
        [*options, "-c", textwrap.dedent(script)], what="memory run", env=env, timeout=600
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bare_memory() -> dict[str, Any]:
    return _run_json(BARE_MEMORY)


def leak(cycles: int = 50, tenant: str = "process") -> tuple[float, float]:
    """Resident MB of the bench's window after start, and after ``cycles`` issue/revoke."""
    ours = _run_json(MEMORY.format(cycles=cycles, tenant=tenant))
    return ours["start"]["VmRSS"], ours["after"]["VmRSS"]


__all__ = [
    "DEMO_TECHNICIAN_UPN",
    "bare_memory",
    "issue_times",
    "leak",
    "polling_rate",
    "qr_render_seconds",
]
