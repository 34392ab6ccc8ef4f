"""What the user card warns about before any attempt to issue (pure: no Qt, no network)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tapdesk.core.lifecycle import countdown
from tapdesk.core.models import AuthMethod, TapPolicy, TemporaryAccessPass, User
from tapdesk.core.roles import Roles, Severity, preflight
from tapdesk.ui.theme import Tone


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    tone: Tone
    text: str
    hint: str = ""
    blocks: bool = False  # Entra will certainly refuse, or the pass could never be used


@dataclass(frozen=True, slots=True)
class CardFacts:
    """What is known about the selected user so far; ``None`` means not (yet) known."""

    user: User
    policy: TapPolicy | None = None
    in_scope: bool | None = None
    scope_checked: bool = False  # the check ran; in_scope None then means "could not tell"
    target_is_admin: bool | None = None
    tap: TemporaryAccessPass | None = None
    tap_known: bool = False
    tap_shown: bool = False  # the pass is the one this window just issued and shows
    methods: tuple[AuthMethod, ...] | None = None  # as read with the status (before any pass)


def problems(
    facts: CardFacts, roles: Roles, technician_upn: str | None, now: datetime
) -> list[Problem]:
    user = facts.user
    found: list[Problem] = []
    if user.account_enabled is False:
        found.append(
            Problem(
                "disabled",
                Tone.ERROR,
                "The account is disabled: nobody can sign in with it, pass or not.",
                "Ask HR or a User Administrator to enable the account first.",
                blocks=True,
            )
        )
    if facts.policy is not None and facts.policy.known and not facts.policy.enabled:
        found.append(
            Problem(
                "policy-disabled",
                Tone.ERROR,
                "The tenant's Temporary Access Pass method is switched off.",
                "Ask an Authentication Policy Administrator to enable it.",
                blocks=True,
            )
        )
    if facts.in_scope is False:
        found.append(
            Problem(
                "out-of-scope",
                Tone.ERROR,
                "The user is outside the groups the pass policy targets: Entra will refuse "
                "the pass.",
                "Ask an Authentication Policy Administrator to add the user to a targeted group.",
                blocks=True,
            )
        )
    policy = facts.policy
    targets_groups = policy is not None and policy.known and not policy.all_users_in_scope
    if facts.scope_checked and facts.in_scope is None and targets_groups:
        found.append(
            Problem(
                "scope-unknown",
                Tone.INFO,
                "Could not check whether the user is in the groups the pass policy targets; "
                "Entra refuses the pass if they are not.",
            )
        )
    if user.is_guest:
        found.append(
            Problem(
                "guest",
                Tone.WARNING,
                "This is a guest account. Only internal guests can receive a pass; "
                "external guests sign in with their own organisation.",
            )
        )
    is_self = (technician_upn or "").lower() == user.user_principal_name.lower()
    for warning in preflight(roles, target_is_admin=facts.target_is_admin, target_is_self=is_self):
        if warning.severity is Severity.INFO and warning.code == "roles-unknown":
            continue  # said once in the header, not on every card
        tone = Tone.ERROR if warning.blocking else Tone.WARNING
        found.append(
            Problem(warning.code, tone, warning.message, warning.hint, blocks=warning.blocking)
        )
    if facts.target_is_admin and roles.known and roles.can_issue_to_admins:
        found.append(
            Problem(
                "admin-target-ok",
                Tone.INFO,
                "This user holds an administrator role; your role covers it.",
            )
        )
    if facts.tap is not None and not facts.tap_shown:
        view = countdown(facts.tap, now)
        if view.state.final:
            text = f"An old pass ({view.state.value}) is still listed; a new pass replaces it."
            tone = Tone.INFO
        else:
            text = "The user already has a pass that still works. Issuing a new one replaces it."
            tone = Tone.WARNING
        found.append(Problem("existing-pass", tone, text))
    return found


def blocking(found: list[Problem]) -> Problem | None:
    return next((p for p in found if p.blocks), None)
