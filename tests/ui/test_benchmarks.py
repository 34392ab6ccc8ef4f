"""Benchmarks the issue asks for. They print their figures; neither is a timed assertion.

1. With 1 s of Graph latency, the longest GUI-thread stall during search, select and issue,
   measured by the stall recorder's 5 ms heartbeat (target: at most 33 ms).
2. Cold start to first window shown, against a bare PySide6 window started the same way
   (target: at most 2x).
"""

from __future__ import annotations

import time

import pytest

from tapdesk.app.services import Backend
from tapdesk.ui.window.main_window import MainWindow
from tests.bench import startup
from tests.bench.stalls import StallRecorder
from tests.helpers.demo import UPN
from tests.helpers.qt import sign_in_with_token, token_services, wait_idle

pytestmark = pytest.mark.slow


def test_gui_thread_stall_with_one_second_of_graph_latency(qtbot, tenant, clock, tmp_path, capsys):
    window = MainWindow(Backend.of(token_services(tenant, clock, tmp_path)), heartbeat_ms=1000)
    qtbot.addWidget(window)
    window.resize(1280, 860)
    window.show()
    qtbot.waitExposed(window)
    sign_in_with_token(qtbot, window)
    tenant.latency = 1.0
    beat = StallRecorder()
    beat.__enter__()  # a context manager elsewhere; here it spans several waits
    started = time.perf_counter()
    qtbot.keyClicks(window.search.box, "ava")
    qtbot.waitUntil(lambda: window.search.results.count() == 1, timeout=10_000)
    window.select_user(window.search.users()[0])
    qtbot.waitUntil(lambda: window.facts is not None and window.facts.tap_known, timeout=15_000)
    wait_idle(qtbot, window, timeout=15_000)
    window.form.set_path(None)  # the pass alone: the form's Issue asks Graph at once
    window.form.issue_button.click()
    qtbot.waitUntil(lambda: window.passes.has_value, timeout=10_000)
    wait_idle(qtbot, window)
    beat.__exit__()
    elapsed = time.perf_counter() - started
    assert window.card.user.user_principal_name == UPN["ava.newhire"]
    with capsys.disabled():
        print(
            f"\n[bench] search+select+issue at 1 s latency took {elapsed:.1f} s; longest GUI-thread "
            f"stall {beat.longest * 1000:.1f} ms (target <= 33 ms); the longest: {beat.causes()}"
        )


def test_cold_start_to_first_window_against_a_bare_window(capsys):
    runs = 3
    startup.compile_sources()
    bare = min(startup.bare_first_paint() for _ in range(runs))
    ours = min(startup.tapdesk_first_paint() for _ in range(runs))
    with capsys.disabled():
        print(
            f"\n[bench] cold start to first window (best of {runs}, spawn to first paint): bare "
            f"PySide6 {bare * 1000:.0f} ms, tapdesk {ours * 1000:.0f} ms, ratio "
            f"{ours / bare:.2f}x (target <= 2x)"
        )
