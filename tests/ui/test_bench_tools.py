"""The benchmark's own tools work (``python -m tests.bench`` is not part of the test run, so these
keep it from rotting): the stall recorder names what blocked the GUI thread, and the window bench
gets to a pass over both tenants. Nothing here is timed."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer

from tests.bench import window
from tests.bench.stalls import StallRecorder


def _block_the_gui_thread() -> None:
    time.sleep(0.08)  # a slot that holds the GUI thread for five frames


def test_the_stall_recorder_names_the_slot_that_blocked(qapp) -> None:
    with StallRecorder() as stalls:
        QTimer.singleShot(20, _block_the_gui_thread)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            qapp.processEvents()
            time.sleep(0.002)
    assert stalls.longest >= 0.08
    worst = stalls.causes()[0]
    assert "_block_the_gui_thread" in worst, worst
    assert "tests/ui/test_bench_tools.py" in worst, worst


def test_the_bench_issues_a_pass_over_a_tenant_in_its_own_process(qapp) -> None:
    stalls = window.search_select_issue("process", 0.0)
    assert stalls.longest > 0


def test_the_bench_counts_one_round_trip_per_issue(qapp) -> None:
    assert window.issue_round_trips("inline") == 1.0


def _runtime_closure(name: str, seen: set[str]) -> set[str]:
    """Every distribution an install of ``name`` pulls in (no extras), as installed here."""
    from importlib import metadata

    from packaging.requirements import Requirement

    key = name.lower().replace("_", "-")
    if key in seen:
        return seen
    seen.add(key)
    try:
        requires = metadata.requires(name) or []
    except metadata.PackageNotFoundError:
        return seen
    for text in requires:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue  # an extra (httpx[cli], msal[broker]), or another platform
        _runtime_closure(requirement.name, seen)
    return seen


def test_the_packages_the_start_up_runs_hide_are_not_installed_with_tapdesk() -> None:
    """``tests/bench/startup.py`` hides click, rich and pygments from the start-up runs: only the
    development tools bring them, and an install of tapdesk does not."""
    from tests.bench.startup import DEV_ONLY

    closure = _runtime_closure("tapdesk", set())
    assert "httpx" in closure  # the walk found tapdesk's requirements
    assert closure.isdisjoint(DEV_ONLY), sorted(closure & set(DEV_ONLY))
