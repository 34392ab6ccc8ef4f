"""Figures that need no window: client overhead, QR rendering, polling load, memory."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

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
import json, resource
from tests.bench.window import Bench

def rss_mb():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) / 1024

bench = Bench()
bench.open_user()
start = rss_mb()
for _ in range({cycles}):
    bench.issue()
    bench.revoke()
after = rss_mb()
print(json.dumps({{"start": start, "after": after}}))
"""

BARE_MEMORY = """
import json
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1280, 860); w.show(); app.processEvents()
with open("/proc/self/status") as f:
    print(json.dumps({"rss": next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) / 1024}))
"""


def _run_json(script: str) -> dict[str, float]:
    import json

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-600:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory(cycles: int = 50) -> tuple[float, float, float]:
    """(bare window MB, tapdesk after start MB, tapdesk after ``cycles`` issue/revoke MB)."""
    bare = _run_json(BARE_MEMORY)["rss"]
    ours = _run_json(MEMORY.format(cycles=cycles))
    return bare, ours["start"], ours["after"]


__all__ = ["DEMO_TECHNICIAN_UPN", "issue_times", "memory", "polling_rate", "qr_render_seconds"]
