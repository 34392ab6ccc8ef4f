"""A clock tests move by hand; ``sleep`` advances time instead of waiting."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

START = datetime(2030, 1, 6, 8, 0, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime = START) -> None:
        self._now = start
        self._mono = 1000.0
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._mono

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)
            self._mono += seconds


def local_zone(monkeypatch: pytest.MonkeyPatch, tz: str) -> Iterator[None]:
    """Run in the time zone ``tz`` (a POSIX TZ value), then back in the machine's."""
    if not hasattr(time, "tzset"):
        pytest.skip("needs time.tzset")
    monkeypatch.setenv("TZ", tz)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
