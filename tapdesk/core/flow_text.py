"""A flow's words made to agree with the pass on screen and the account in front of us.

Flow files never write "one-time" or a lifetime as fixed prose: they write ``{pass_kind}`` or
``{pass_uses}`` and lines that apply ``when`` the pass is one-time or reusable, or the user
already had Microsoft Authenticator. This module is the one place those are filled in. The
tenant can force every pass to be one-time whatever the flow suggests (Entra TAP policy,
"One-time use"), so the issued pass decides; before issuing, the form's choice does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from tapdesk.core.flows import BRACES, Condition, Line
from tapdesk.core.models import MethodKind
from tapdesk.core.passrules import human_minutes

_DAY_MINUTES = 720  # a pass living longer than this is given its day, not only its time


@dataclass(frozen=True, slots=True)
class TextFacts:
    """What the words depend on. ``None``: not known (yet); such a condition holds for no line."""

    usable_once: bool | None = None
    lifetime_minutes: int | None = None
    expires: datetime | None = None
    has_authenticator: bool | None = None

    @classmethod
    def of(
        cls,
        *,
        usable_once: bool | None,
        lifetime_minutes: int | None,
        expires: datetime | None = None,
        kinds: Iterable[MethodKind] | None = None,
    ) -> TextFacts:
        """``kinds``: the kinds of method the user had before the pass (None: unknown)."""
        has = None if kinds is None else MethodKind.AUTHENTICATOR in set(kinds)
        return cls(usable_once, lifetime_minutes, expires, has)

    def holds(self, condition: Condition) -> bool:
        if condition is Condition.ONE_TIME:
            return self.usable_once is True
        if condition is Condition.REUSABLE:
            return self.usable_once is False
        if condition is Condition.HAS_AUTHENTICATOR:
            return self.has_authenticator is True
        return self.has_authenticator is False


def applies(line: Line, facts: TextFacts) -> bool:
    return line.when is None or facts.holds(line.when)


def render(lines: Iterable[Line], facts: TextFacts) -> tuple[Line, ...]:
    """The lines that apply, their placeholders filled."""
    return tuple(
        replace(line, text=fill(line.text, facts)) for line in lines if applies(line, facts)
    )


def fill(text: str, facts: TextFacts) -> str:
    values = {
        "pass_kind": "one-time" if facts.usable_once else "temporary",
        "lifetime": _lifetime(facts),
        "pass_expires": _expires(facts),
        "pass_uses": _uses(facts),
    }
    return BRACES.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _lifetime(facts: TextFacts) -> str:
    if facts.lifetime_minutes is None:
        return "its lifetime"
    return human_minutes(facts.lifetime_minutes)


def _expires(facts: TextFacts) -> str:
    if facts.expires is not None:
        local = facts.expires.astimezone()
        long_lived = facts.lifetime_minutes is not None and facts.lifetime_minutes > _DAY_MINUTES
        return local.strftime("%a %d %b %H:%M" if long_lived else "%H:%M")
    if facts.lifetime_minutes is not None:
        return f"{human_minutes(facts.lifetime_minutes)} after it is issued"
    return "it expires"


def _uses(facts: TextFacts) -> str:
    if facts.usable_once is True:
        return "once"
    if facts.usable_once is False:
        return f"as often as you need until {_expires(facts)}"
    return "when asked"
