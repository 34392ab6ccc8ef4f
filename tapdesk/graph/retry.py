"""When to try a Graph call again, and how long to wait.

Graph's throttling guidance: "Wait the number of seconds specified in the Retry-After header"
and back off exponentially only when it is absent. A wait is honoured as given, never shortened;
when it does not fit the operation's budget the call stops and says when Graph will listen again.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRYABLE_STATUS = frozenset({429, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded in attempts and in total time; ``Retry-After`` is waited in full or not at all."""

    max_attempts: int = 5
    max_total_seconds: float = 60.0
    base_seconds: float = 0.5
    cap_seconds: float = 8.0
    jitter: Callable[[], float] = field(default=random.random, compare=False)

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter for attempt 1, 2, ... (never zero)."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2.0 ** (attempt - 1))
        return max(0.05, ceiling * self.jitter())

    def delay(self, attempt: int, retry_after: str | None, now: datetime | None = None) -> float:
        parsed = parse_retry_after(retry_after, now)
        return parsed if parsed is not None else self.backoff(attempt)

    def allows(self, attempt: int, elapsed: float, delay: float) -> bool:
        """May we wait ``delay`` and make attempt ``attempt + 1``?"""
        return attempt < self.max_attempts and elapsed + delay <= self.max_total_seconds


NO_RETRY = RetryPolicy(max_attempts=1)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds (Graph sends fractions) or an HTTP date."""
    if value is None:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds):  # "nan", "inf": as unreadable as "soon"
        return None
    return max(0.0, seconds)
