"""Where a pass is in its life, and the countdown a technician reads, from an injected clock."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from tapdesk.core.clock import Clock
from tapdesk.core.models import TemporaryAccessPass, UsabilityReason


class PassState(str, Enum):
    NOT_YET_VALID = "not yet valid"
    ACTIVE = "active"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"

    @property
    def final(self) -> bool:
        return self in {PassState.EXPIRED, PassState.USED, PassState.REVOKED}


class Urgency(str, Enum):
    OK = "ok"
    WARNING = "warning"
    CRITICAL = "critical"
    DONE = "done"


def pass_state(tap: TemporaryAccessPass, now: datetime, *, revoked: bool = False) -> PassState:
    if revoked:
        return PassState.REVOKED
    if tap.usability_reason is UsabilityReason.ONE_TIME_USED:
        return PassState.USED
    if now < tap.effective_start:
        return PassState.NOT_YET_VALID
    if now >= tap.expires:
        return PassState.EXPIRED
    return PassState.ACTIVE


@dataclass(frozen=True, slots=True)
class CountdownView:
    state: PassState
    text: str
    fraction_left: float  # of the lifetime, 1.0 before the start, 0.0 once final
    seconds_left: float  # until the next state change (start or expiry); 0 once final
    urgency: Urgency


def _clock_text(seconds: float) -> str:
    whole = max(0, math.ceil(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def _until_text(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, math.ceil(seconds))} s"
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def countdown(tap: TemporaryAccessPass, now: datetime, *, revoked: bool = False) -> CountdownView:
    state = pass_state(tap, now, revoked=revoked)
    if state.final:
        return CountdownView(state, state.value, 0.0, 0.0, Urgency.DONE)
    if state is PassState.NOT_YET_VALID:
        wait = (tap.effective_start - now).total_seconds()
        return CountdownView(state, f"valid in {_until_text(wait)}", 1.0, wait, Urgency.OK)
    left = (tap.expires - now).total_seconds()
    fraction = left / (tap.lifetime_minutes * 60) if tap.lifetime_minutes else 0.0
    if fraction <= 0.1 or left <= 120:
        urgency = Urgency.CRITICAL
    elif fraction <= 0.25 or left <= 600:
        urgency = Urgency.WARNING
    else:
        urgency = Urgency.OK
    return CountdownView(state, f"expires in {_clock_text(left)}", fraction, left, urgency)


class Countdown:
    """A pass plus what we learned about it since (used, revoked), read against a clock."""

    def __init__(self, tap: TemporaryAccessPass, clock: Clock) -> None:
        self._tap = tap
        self._clock = clock
        self._revoked = False

    @property
    def tap(self) -> TemporaryAccessPass:
        return self._tap

    def update(self, tap: TemporaryAccessPass) -> None:
        """Take a fresher reading from Graph (e.g. OneTimeUsed)."""
        self._tap = tap

    def mark_revoked(self) -> None:
        self._revoked = True

    def view(self) -> CountdownView:
        return countdown(self._tap, self._clock.now(), revoked=self._revoked)


# --- masking the pass after the technician goes quiet ------------------------------------------
MASK_WARNING_SECONDS = 20  # the most warning given before the pass is masked


class IdleStep(str, Enum):
    NONE = "none"
    WARN = "warn"  # "Masking in 20 s": a key or click keeps it on screen
    MASK = "mask"


def mask_warning_seconds(mask_after_seconds: int) -> float:
    """How long before masking the warning shows: 20 s, or a quarter of a short timer."""
    return min(MASK_WARNING_SECONDS, mask_after_seconds / 4)


def idle_step(idle_seconds: float, mask_after_seconds: int, *, exempt: bool) -> IdleStep:
    """What the idle timer does to a pass on screen. ``exempt``: the new hire is using the pass
    right now (a checklist step waits for it), so masking would only get in their way."""
    if mask_after_seconds <= 0 or exempt:
        return IdleStep.NONE
    if idle_seconds >= mask_after_seconds:
        return IdleStep.MASK
    if idle_seconds >= mask_after_seconds - mask_warning_seconds(mask_after_seconds):
        return IdleStep.WARN
    return IdleStep.NONE
