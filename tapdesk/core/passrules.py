"""Check a pass request against the tenant policy before anything is sent to Graph."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tapdesk.core.models import TapPolicy
from tapdesk.errors import (
    LifetimeOutOfRange,
    OneTimeForced,
    PolicyDisabled,
    StartInPast,
    UsageError,
)

# Graph's absolute range for any single pass (10 minutes to 30 days).
API_MIN_LIFETIME = 10
API_MAX_LIFETIME = 43200
# A start a few seconds old is "now" that took a while to submit, not a mistake.
START_GRACE = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class IssueRequest:
    lifetime_minutes: int | None = None
    usable_once: bool | None = None
    start: datetime | None = None

    def as_graph_body(self) -> dict[str, object]:
        body: dict[str, object] = {}
        if self.start is not None:
            body["startDateTime"] = self.start.isoformat().replace("+00:00", "Z")
        if self.lifetime_minutes is not None:
            body["lifetimeInMinutes"] = self.lifetime_minutes
        if self.usable_once is not None:
            body["isUsableOnce"] = self.usable_once
        return body


@dataclass(frozen=True, slots=True)
class LifetimeBounds:
    minimum: int
    maximum: int
    default: int
    from_policy: bool


def lifetime_bounds(policy: TapPolicy) -> LifetimeBounds:
    """The range a form should offer: the tenant's, or the documented defaults when unknown."""
    low = max(API_MIN_LIFETIME, policy.minimum_lifetime_minutes)
    high = min(API_MAX_LIFETIME, max(low, policy.maximum_lifetime_minutes))
    default = min(high, max(low, policy.default_lifetime_minutes))
    return LifetimeBounds(low, high, default, policy.known)


@dataclass(frozen=True, slots=True)
class LifetimeRange:
    """The lifetimes a pass may be issued with: the tenant's range, or Microsoft's whole range
    when the policy could not be read (Entra then has the last word)."""

    low: int
    high: int
    by_policy: bool

    def allows(self, minutes: int) -> bool:
        return self.low <= minutes <= self.high

    @property
    def source(self) -> str:
        return "The tenant policy allows" if self.by_policy else "Microsoft allows"

    def sentence(self) -> str:
        """ "The tenant policy allows 60 to 480 minutes (1 h to 8 h).": what a form shows."""
        hours = f"{human_minutes(self.low)} to {human_minutes(self.high)}"
        return f"{self.source} {self.low} to {self.high} minutes ({hours})."


def allowed_lifetimes(policy: TapPolicy) -> LifetimeRange:
    """The one lifetime rule: :func:`validate_request` refuses, and the form flags, outside it."""
    if not policy.known:
        return LifetimeRange(API_MIN_LIFETIME, API_MAX_LIFETIME, by_policy=False)
    bounds = lifetime_bounds(policy)
    return LifetimeRange(bounds.minimum, bounds.maximum, by_policy=True)


def one_time_choice(policy: TapPolicy) -> str:
    """'forced' when the tenant makes every pass one-time, else 'allowed'."""
    return "forced" if policy.one_time_forced else "allowed"


def validate_request(request: IssueRequest, policy: TapPolicy, now: datetime) -> IssueRequest:
    """Return the request with the policy's forced values filled in, or raise a PolicyViolation."""
    if policy.known and not policy.enabled:
        raise PolicyDisabled(
            "The tenant's Temporary Access Pass method is disabled.",
            hint="Ask an Authentication Policy Administrator to enable it in Entra ID "
            "(Authentication methods > Temporary Access Pass).",
        )
    lifetime = request.lifetime_minutes
    if lifetime is not None:
        allowed = allowed_lifetimes(policy)
        if not allowed.allows(lifetime):
            low, high = allowed.low, allowed.high
            raise LifetimeOutOfRange(
                f"{allowed.source} {low} to {high} minutes; {lifetime} was asked for.",
                hint=f"Choose a lifetime between {low} and {high} minutes.",
            )
    usable_once = request.usable_once
    if policy.known and policy.one_time_forced:
        if usable_once is False:
            raise OneTimeForced(
                "The tenant policy makes every pass one-time; a reusable pass was asked for.",
                hint="Issue a one-time pass (--once), or ask for the policy to allow reusable passes.",
            )
        usable_once = True
    start = request.start
    if start is not None:
        if start.tzinfo is None:
            raise UsageError(
                "The start time has no time zone.",
                hint="Give it with an offset, for example 2030-01-06T08:00:00+01:00 or ...Z.",
            )
        if start < now - START_GRACE:
            raise StartInPast(
                f"The start time {start.isoformat(timespec='minutes')} is in the past.",
                hint="Leave the start empty to start now, or choose a future time.",
            )
    return IssueRequest(lifetime, usable_once, start)


def human_minutes(minutes: int) -> str:
    """A lifetime as people say it: 45 min, 1 h 30 min, 2 d 4 h."""
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 1440:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, rest = divmod(minutes, 1440)
    return f"{days} d {human_minutes(rest)}" if rest else f"{days} d"
