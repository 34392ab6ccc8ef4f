"""Injected time. Countdowns, expiry, polling and retry waits never read the wall clock directly."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Aware UTC time."""
        ...

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


SYSTEM_CLOCK = SystemClock()


class ServerClock:
    """Our clock corrected by the service's: a pass's start and expiry are the server's times.

    ``offset`` returns how far the server runs ahead of us (seconds; Graph's Date headers), so a
    machine whose clock is ten minutes off still shows the right countdown.
    """

    def __init__(self, base: Clock, offset: Callable[[], float]) -> None:
        self._base = base
        self._offset = offset

    def now(self) -> datetime:
        return self._base.now() + timedelta(seconds=self._offset())

    def monotonic(self) -> float:
        return self._base.monotonic()

    def sleep(self, seconds: float) -> None:
        self._base.sleep(seconds)
