"""When to ask Graph again: one :class:`Poller` per active session, pure and clock-driven.

The interval
------------
A session polls only while a ``verify`` step (or an action's confirming check) is waiting, and
only the narrow lists that step needs (:meth:`tapdesk.core.checklist.Checklist.reads_needed`):
usually **one** list call, two while a one-time pass's first use is also awaited.

- **Foreground** (the session's panel is on screen): every **10 s**, jittered ±20 % (8-12 s).
  The technician is standing next to the new hire; a tick "within one poll" then arrives about
  5 s after the phone finished on average, 12 s at worst. Graph's throttling guide (graph-tap
  §5.2) warns against tight polling; the reference suggests 15-30 s for one user, but that is
  a suggestion and the budget below shows 10 s costs nothing that matters. Jitter keeps twenty
  sessions opened together from firing in the same instant.
- **Background** (the session is listed, e.g. in the new-hire-day queue, but not open): 60 s.
- **Hidden** (nothing is watching): paused. Back on screen, it polls at once if the last
  answer is older than the interval.
- **Stopped** when the flow completes or is abandoned.

The budget (graph-tap §5.2): the identity-and-access limit is a token bucket per app **and
tenant**, so every technician running tapdesk in one tenant shares it. The smallest tenant size
gets 3,500 resource units per 10 s; each of these list calls costs 1 unit. Worst case for one
tapdesk: 20 sessions all in the foreground, 2 reads each, shortest jittered interval 8 s =
5 requests/s = 50 units per 10 s, 1.4 % of the bucket. The usual case (one session open, 19 in
the queue, one read each) is about 0.4 requests/s. Ten technicians at the worst case together
use 14 %. See :func:`requests_per_second`.

Backoff
-------
A 429 waits exactly ``Retry-After`` (plus up to 10 % so sessions throttled together spread
out), never less; without the header, and after any retryable failure (network, 5xx), the
wait doubles from 20 s (interval x 2^n, halved-to-full jitter) up to 5 minutes. One success
resets it. A failure that waiting will not cure (403, sign-in needed) blocks the poller until
:meth:`Poller.unblock`. The poll itself should call Graph without in-call retries so that this
schedule alone decides when to ask again.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from tapdesk.core.clock import SYSTEM_CLOCK, Clock
from tapdesk.core.verify import GraphRead

if TYPE_CHECKING:
    from tapdesk.core.checklist import Checklist

# The identity-and-access bucket of the smallest tenant size (graph-tap §5.2).
TENANT_UNITS_PER_10S = 3_500


class Visibility(str, Enum):
    HIDDEN = "hidden"
    BACKGROUND = "background"
    FOREGROUND = "foreground"


class PollPhase(str, Enum):
    IDLE = "idle"  # nothing to read for the current step
    PAUSED = "paused"  # nothing is watching
    WAITING = "waiting"  # the next poll is scheduled
    IN_FLIGHT = "in flight"
    BACKING_OFF = "backing off"  # after a 429 or a failure
    BLOCKED = "blocked"  # a failure that waiting will not cure
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class PollSettings:
    interval: float = 10.0
    background_interval: float = 60.0
    jitter: float = 0.2  # fraction either side of the interval
    max_backoff: float = 300.0
    retry_after_spread: float = 0.1  # extra fraction added to Retry-After (never less)

    def interval_for(self, visibility: Visibility) -> float:
        return self.background_interval if visibility is Visibility.BACKGROUND else self.interval


DEFAULT_SETTINGS = PollSettings()


# The window's watcher of the pass on screen (one at most) looks this often, on the same rules.
PASS_WATCH_INTERVAL = 20.0


def requests_per_second(
    foreground: int,
    background: int = 0,
    reads_per_poll: int = 1,
    settings: PollSettings = DEFAULT_SETTINGS,
    *,
    pass_on_screen: bool = False,
) -> float:
    """Worst-case Graph request rate of one tapdesk (shortest jittered intervals)."""
    fastest = settings.interval * (1 - settings.jitter)
    slowest_bg = settings.background_interval * (1 - settings.jitter)
    watch = 1 / (PASS_WATCH_INTERVAL * (1 - settings.jitter)) if pass_on_screen else 0.0
    return reads_per_poll * (foreground / fastest + background / slowest_bg) + watch


class Poller:
    """The schedule of one session's polls. The window drives it:

    1. after every checklist change: ``follow(checklist)`` (its reads; stop once it closes);
    2. ``delay()`` gives the seconds to the next poll (None: nothing scheduled) for a timer;
    3. when it fires and ``due()``: ``reads = begin()``, fetch those lists on a worker, then
       exactly one of ``succeeded()``, ``throttled(retry_after)`` or ``failed(retryable=…)``.
    """

    def __init__(
        self,
        settings: PollSettings = DEFAULT_SETTINGS,
        *,
        clock: Clock = SYSTEM_CLOCK,
        random: Callable[[], float] = random.random,
        visibility: Visibility = Visibility.FOREGROUND,
    ) -> None:
        self.settings = settings
        self._clock = clock
        self._random = random
        self._visibility = visibility
        self._reads: frozenset[GraphRead] = frozenset()
        self._next_at = clock.monotonic()
        self._hold_until: float | None = None
        self._last_poll: float | None = None
        self._in_flight = False
        self._stopped = False
        self._blocked = False
        self._throttled = False
        self.failures = 0

    # --- inputs ------------------------------------------------------------------------------
    @property
    def reads(self) -> frozenset[GraphRead]:
        return self._reads

    @property
    def visibility(self) -> Visibility:
        return self._visibility

    def set_reads(self, reads: Iterable[GraphRead]) -> None:
        """What the current step needs. A change (a new step) polls at once, backoff permitting."""
        new = frozenset(reads)
        if new != self._reads and new:
            self._next_at = self._floor()
        self._reads = new

    def follow(self, checklist: Checklist) -> None:
        """Poll for what the checklist's current step needs; stop for good once it closes."""
        if checklist.closed:
            self.stop()
        else:
            self.set_reads(checklist.reads_needed())

    def set_visibility(self, visibility: Visibility) -> None:
        if visibility is self._visibility:
            return
        self._visibility = visibility
        if visibility is Visibility.HIDDEN:
            return
        interval = self.settings.interval_for(visibility)
        due = self._floor() if self._last_poll is None else self._last_poll + interval
        self._next_at = max(self._floor(), due)

    def poll_soon(self) -> None:
        """The technician asked to check now (backoff still applies)."""
        self._next_at = self._floor()

    def stop(self) -> None:
        """The flow is complete or closed: never poll again."""
        self._stopped = True

    def unblock(self) -> None:
        """After a blocking failure was dealt with (signed in again, role granted)."""
        self._blocked = False
        self.failures = 0
        self._hold_until = None
        self._next_at = self._clock.monotonic()

    # --- the driver --------------------------------------------------------------------------
    @property
    def phase(self) -> PollPhase:
        if self._stopped:
            return PollPhase.STOPPED
        if self._blocked:
            return PollPhase.BLOCKED
        if self._in_flight:
            return PollPhase.IN_FLIGHT
        if not self._reads:
            return PollPhase.IDLE
        if self._visibility is Visibility.HIDDEN:
            return PollPhase.PAUSED
        if self._hold_until is not None and self._hold_until > self._clock.monotonic():
            return PollPhase.BACKING_OFF
        return PollPhase.WAITING

    def delay(self) -> float | None:
        """Seconds until the next poll is due, or None when none is scheduled."""
        if self.phase not in (PollPhase.WAITING, PollPhase.BACKING_OFF):
            return None
        return max(0.0, self._next_at - self._clock.monotonic())

    def due(self) -> bool:
        return self.delay() == 0.0

    def begin(self) -> frozenset[GraphRead]:
        """Start a poll: the lists to fetch. Call only when :meth:`due`."""
        if not self.due():
            raise RuntimeError(f"no poll is due (phase {self.phase.value})")
        self._in_flight = True
        return self._reads

    def succeeded(self) -> None:
        now = self._end()
        self.failures = 0
        self._hold_until = None
        self._throttled = False
        self._last_poll = now
        interval = self.settings.interval_for(self._visibility)
        spread = self.settings.jitter * (2 * self._random() - 1)
        self._next_at = now + interval * (1 + spread)

    def throttled(self, retry_after: float | None) -> None:
        """A 429 (or a 503 with Retry-After): honour the server's wait."""
        now = self._end()
        self.failures += 1
        self._throttled = True
        if retry_after is None or retry_after != retry_after:  # absent or NaN
            wait = self._backoff()
        else:
            wait = max(0.0, retry_after) * (1 + self.settings.retry_after_spread * self._random())
        self._hold(now, wait)

    def failed(self, *, retryable: bool = True) -> None:
        now = self._end()
        self.failures += 1
        self._throttled = False
        if not retryable:
            self._blocked = True
            return
        self._hold(now, self._backoff())

    # --- views -------------------------------------------------------------------------------
    @property
    def status_text(self) -> str:
        phase = self.phase
        if phase is PollPhase.STOPPED:
            return "Not checking: the session is closed"
        if phase is PollPhase.BLOCKED:
            return "Checking stopped after an error; fix it and retry"
        if phase is PollPhase.IN_FLIGHT:
            return "Checking Microsoft Graph…"
        if phase is PollPhase.IDLE:
            return ""
        if phase is PollPhase.PAUSED:
            return "Checking paused while the session is not on screen"
        left = round(self.delay() or 0.0)
        if phase is PollPhase.BACKING_OFF:
            why = (
                "Microsoft Graph asked us to slow down"
                if self._throttled
                else "Microsoft Graph did not answer"
            )
            return f"{why}; next check in {left} s"
        return f"Next check in {left} s"

    # --- internals ---------------------------------------------------------------------------
    def _end(self) -> float:
        self._in_flight = False
        return self._clock.monotonic()

    def _floor(self) -> float:
        now = self._clock.monotonic()
        return max(now, self._hold_until or now)

    def _backoff(self) -> float:
        ceiling = min(self.settings.max_backoff, self.settings.interval * 2.0**self.failures)
        return ceiling * (0.5 + 0.5 * self._random())

    def _hold(self, now: float, wait: float) -> None:
        self._hold_until = now + wait
        self._next_at = self._hold_until
