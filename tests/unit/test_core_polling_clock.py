"""The clocks the poller and the countdowns wait on: aware UTC time, and waits passed through."""

from __future__ import annotations

from datetime import UTC

import pytest

from tapdesk.core.clock import SYSTEM_CLOCK, ServerClock, SystemClock
from tests.helpers.clock import FakeClock


def test_the_system_clock_reads_aware_utc() -> None:
    """Pass start and expiry from Graph are UTC; a naive time could not be compared to them."""
    assert SYSTEM_CLOCK.now().tzinfo is UTC


@pytest.mark.parametrize(("seconds", "slept"), [(0.5, [0.5]), (2.0, [2.0]), (0.0, []), (-1.0, [])])
def test_the_system_clock_sleeps_only_for_a_positive_wait(
    monkeypatch: pytest.MonkeyPatch, seconds: float, slept: list[float]
) -> None:
    calls: list[float] = []
    monkeypatch.setattr("tapdesk.core.clock.time.sleep", calls.append)
    SystemClock().sleep(seconds)
    assert calls == slept


def test_the_server_clock_waits_on_its_base_clock() -> None:
    base = FakeClock()
    server = ServerClock(base, lambda: 600.0)
    server.sleep(5.0)
    assert base.sleeps == [5.0]
