"""Figures that need no window: client overhead, QR rendering, polling load, memory."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx

from tapdesk.core.passrules import IssueRequest
from tapdesk.core.polling import Poller, Visibility
from tapdesk.core.verify import GraphRead
from tapdesk.demo import DEMO_GRAPH_URL, DEMO_TECHNICIAN_UPN, DemoTenant
from tapdesk.graph.client import GraphClient
from tests.helpers.clock import FakeClock

AVA = "ava.newhire@northwind.example"
ROOT = Path(__file__).resolve().parents[2]


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


MEMORY = """
import json
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
    done = subprocess.run(
        [sys.executable, *options, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-600:])
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def memory(
    cycles: int = 50, tenant: str = "process"
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Breakdowns (``tests.bench.memory``) of the bare window, tapdesk after start (signed in,
    a user open), and tapdesk after ``cycles`` issue/revoke cycles."""
    bare = _run_json(BARE_MEMORY)
    ours = _run_json(MEMORY.format(cycles=cycles, tenant=tenant))
    return bare, ours["start"], ours["after"]


TRACED = """
import json, tracemalloc
from tests.bench.window import Bench
bench = Bench("process")
bench.start()
bench.open_user()
snapshot = tracemalloc.take_snapshot()
by_package = {}
for stat in snapshot.statistics("filename"):
    name = stat.traceback[0].filename
    for marker in ("/site-packages/", "/lib/python3"):
        if marker in name:
            name = name.split(marker, 1)[1].split("/")[0 if marker == "/site-packages/" else 1]
            break
    else:
        name = "tapdesk" if "/tapdesk/" in name else ("tests" if "/tests/" in name else name)
    by_package[name] = by_package.get(name, 0) + stat.size
top = sorted(by_package.items(), key=lambda kv: -kv[1])[:8]
print(json.dumps({"total": sum(by_package.values()) / 2**20, "top": [[k, v / 2**20] for k, v in top]}))
"""


def python_memory() -> dict[str, Any]:
    """Python's own allocations after start, by package (tracemalloc from the first import)."""
    return _run_json(TRACED, "-X", "tracemalloc=1")


__all__ = [
    "DEMO_TECHNICIAN_UPN",
    "issue_times",
    "memory",
    "polling_rate",
    "python_memory",
    "qr_render_seconds",
]
