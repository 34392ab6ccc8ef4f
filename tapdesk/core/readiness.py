"""Whether a person may get a pass: the one rule set every surface asks.

The user card, the new-hire-day pre-check and ``tapdesk issue`` all gather the same
:class:`TargetFacts` and call :func:`assess`; each shows the findings in its own way (colours,
the queue's status, lines on stderr), but none decides anything on its own. A finding that
``blocks`` stops the window's Issue button, marks the roster row a problem and makes the CLI
refuse with the rule's exit code before anything is sent to Graph.

Each rule is decided once, from Entra's documented behaviour (``../shared/reference/graph-tap.md``):

- a disabled account cannot sign in, pass or not: blocks;
- external guests cannot be given a pass (Graph refuses: "cannot be added to an external guest
  user"); internal guests can: the first blocks, the second is a note;
- nobody may issue a pass to their own account: blocks;
- a user outside the policy's targets can be given a pass but cannot sign in with it ("only users
  included in the policy can sign in with it"): a useless credential, so it blocks;
- an administrator target without the role that covers it only warns: tokens do not show every
  role (administrative units, PIM), so Entra decides; which roles an Authentication
  Administrator covers is Entra's table (:data:`tapdesk.core.roles.AUTH_ADMIN_MAY_ACT_ON`);
- a role Graph would not describe (no permission to read roles) is a note: Entra decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tapdesk.core.lifecycle import pass_state
from tapdesk.core.models import AuthMethod, MethodKind, TapPolicy, TemporaryAccessPass, User
from tapdesk.core.roles import Roles, TargetRole, Technician
from tapdesk.errors import (
    AccountDisabled,
    ExitCode,
    ExternalGuest,
    NotInPolicyScope,
    NotPermitted,
    PolicyDisabled,
    TapdeskError,
)


class Severity(StrEnum):
    BLOCKS = "blocks"  # no pass: Entra refuses it, or it could never sign in
    WARNING = "warning"  # look before you issue; Entra may refuse
    INFO = "info"  # worth knowing, changes nothing


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    summary: str  # one line for the README's table
    refusal: type[TapdeskError] | None = None  # what the CLI raises when the rule blocks

    @property
    def exit_code(self) -> ExitCode | None:
        return self.refusal.exit_code if self.refusal is not None else None


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule("disabled", Severity.BLOCKS, "the account is disabled", AccountDisabled),
        Rule("external-guest", Severity.BLOCKS, "an external (B2B) guest", ExternalGuest),
        Rule("self-target", Severity.BLOCKS, "the technician's own account", NotPermitted),
        Rule("policy-disabled", Severity.BLOCKS, "the pass method is off", PolicyDisabled),
        Rule("out-of-scope", Severity.BLOCKS, "outside the policy's targets", NotInPolicyScope),
        Rule("not-privileged", Severity.WARNING, "the technician holds no issuing role"),
        Rule("admin-target", Severity.WARNING, "an administrator your role may not cover"),
        Rule("existing-pass", Severity.WARNING, "a live pass that a new one replaces"),
        Rule("roles-unknown", Severity.INFO, "the technician's roles could not be read"),
        Rule("internal-guest", Severity.INFO, "an internal guest (allowed)"),
        Rule("scope-unknown", Severity.INFO, "the policy's targets could not be checked"),
        Rule("admin-target-ok", Severity.INFO, "an administrator your role covers"),
        Rule("role-unknown", Severity.INFO, "holds a directory role tapdesk could not read"),
        Rule("old-pass", Severity.INFO, "an expired or used pass is still listed"),
        Rule("has-methods", Severity.INFO, "already has Authenticator, a passkey or Hello"),
        Rule("other-methods", Severity.INFO, "has other sign-in methods"),
    )
}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    text: str
    hint: str = ""

    @property
    def blocks(self) -> bool:
        return self.severity is Severity.BLOCKS

    def refusal(self, who: str) -> TapdeskError:
        """The error a command raises for this finding (``who``: the user, as named)."""
        rule = RULES.get(self.code)
        kind = rule.refusal if rule is not None and rule.refusal is not None else TapdeskError
        return kind(f"{who}: {self.text}", hint=self.hint)


@dataclass(frozen=True, slots=True)
class TargetFacts:
    """What is known about a person so far; ``None`` means not (yet) known."""

    user: User
    policy: TapPolicy | None = None
    in_scope: bool | None = None
    scope_checked: bool = False  # the check ran; in_scope None then means "could not tell"
    target_role: TargetRole | None = None  # from their directory roles and groups
    methods: tuple[AuthMethod, ...] | None = None  # as read before any pass of ours
    tap: TemporaryAccessPass | None = None  # never with its value
    tap_known: bool = False
    tap_shown: bool = False  # the pass is the one this window issued and shows: not "existing"


# Methods that mean "this person can already sign in without a password".
_STRONG = (MethodKind.AUTHENTICATOR, MethodKind.FIDO2, MethodKind.WINDOWS_HELLO)
_NOT_A_METHOD = (MethodKind.PASSWORD, MethodKind.TAP)


def _find(code: str, text: str, hint: str = "") -> Finding:
    return Finding(code, RULES[code].severity, text, hint)


def assess(facts: TargetFacts, technician: Technician | None, now: datetime) -> list[Finding]:
    """Every finding about giving ``facts.user`` a pass, most serious first."""
    found = [
        *_account(facts.user),
        *_policy(facts),
        *_roles(facts, technician),
        *_methods(facts.methods),
        *_existing(facts, now),
    ]
    order = list(Severity)
    return sorted(found, key=lambda f: order.index(f.severity))


def blocking(found: Iterable[Finding]) -> Finding | None:
    return next((f for f in found if f.blocks), None)


def worst(found: Iterable[Finding]) -> Severity | None:
    severities = {f.severity for f in found}
    return next((s for s in Severity if s in severities), None)


def summary(found: Iterable[Finding]) -> str:
    """One line, most serious first, or "Ready"."""
    order = list(Severity)
    ordered = sorted(found, key=lambda f: order.index(f.severity))
    return "; ".join(f.text for f in ordered) or "Ready"


def _account(user: User) -> list[Finding]:
    found: list[Finding] = []
    if user.account_enabled is False:
        found.append(
            _find(
                "disabled",
                "The account is disabled: nobody can sign in with it, pass or not.",
                "Ask HR or a User Administrator to enable the account first.",
            )
        )
    if user.is_external_guest:
        found.append(
            _find(
                "external-guest",
                "This is an external guest: Entra does not give passes to external guests.",
                "They sign in with their own organisation's account.",
            )
        )
    elif user.is_guest:
        found.append(
            _find(
                "internal-guest",
                "This is an internal guest account: it can receive a pass like a member.",
            )
        )
    return found


def _policy(facts: TargetFacts) -> list[Finding]:
    policy = facts.policy
    if policy is not None and policy.known and not policy.enabled:
        return [
            _find(
                "policy-disabled",
                "The tenant's Temporary Access Pass method is switched off.",
                "Ask an Authentication Policy Administrator to enable it.",
            )
        ]
    if facts.in_scope is False:
        return [
            _find(
                "out-of-scope",
                "The user is outside the users and groups the pass policy targets: a pass "
                "would not sign them in.",
                "Ask an Authentication Policy Administrator to add the user to a targeted "
                "group, or to take them out of an excluded one.",
            )
        ]
    targets_some = policy is not None and policy.known and not policy.all_users_in_scope
    if facts.scope_checked and facts.in_scope is None and targets_some:
        return [
            _find(
                "scope-unknown",
                "Could not check whether the pass policy targets the user; a pass works only "
                "if it does.",
            )
        ]
    if policy is not None and not policy.known:  # its targets are as unknown as its limits
        return [
            _find(
                "scope-unknown",
                "The pass policy could not be read, so whether it targets the user is unknown; "
                "a pass works only if it does.",
                "A Global Reader or Authentication Policy Administrator can read it.",
            )
        ]
    return []


_PIM_HINT = (
    "If the role is assigned through Privileged Identity Management, activate it and sign in again."
)


def technician_findings(roles: Roles) -> list[Finding]:
    """What to say right after sign-in, before any person is chosen."""
    return _role_rules(roles, target_is_admin=None)


def _role_rules(roles: Roles, *, target_is_admin: bool | None) -> list[Finding]:
    found: list[Finding] = []
    if not roles.known:
        found.append(
            _find(
                "roles-unknown",
                "Your directory roles could not be read from the sign-in; Entra will decide "
                "whether you may issue this pass.",
            )
        )
    elif not roles.can_issue_to_members:
        needed = (
            "Privileged Authentication Administrator"
            if target_is_admin
            else "Authentication Administrator or Privileged Authentication Administrator"
        )
        return [
            _find(
                "not-privileged",
                f"Your account does not hold {needed}, so Entra will probably refuse to issue "
                "the pass.",
                f"Ask your administrator for the role. {_PIM_HINT}",
            )
        ]
    if target_is_admin and not roles.can_issue_to_admins:  # also when the roles are unknown
        found.append(
            _find(
                "admin-target",
                "This user holds an administrator role: only a Privileged Authentication "
                "Administrator can issue them a pass.",
                "Ask a colleague who holds Privileged Authentication Administrator, or use "
                f"another account that holds it. {_PIM_HINT}",
            )
        )
    elif target_is_admin:
        found.append(
            _find("admin-target-ok", "This user holds an administrator role; your role covers it.")
        )
    return found


def _roles(facts: TargetFacts, technician: Technician | None) -> list[Finding]:
    found: list[Finding] = []
    if technician is not None and technician.is_user(facts.user):
        found.append(
            _find(
                "self-target",
                "Entra does not let anyone issue a Temporary Access Pass to their own account.",
                "Ask another administrator to issue it.",
            )
        )
    roles = technician.roles if technician is not None else Roles.unknown()
    privileged = None if facts.target_role is None else facts.target_role is TargetRole.PRIVILEGED
    # "Roles unknown" is said once, about the technician (header, login), not on every person.
    found.extend(
        f for f in _role_rules(roles, target_is_admin=privileged) if f.code != "roles-unknown"
    )
    if facts.target_role is TargetRole.UNREADABLE and not roles.can_issue_to_admins:
        found.append(
            _find(
                "role-unknown",
                "This user holds a directory role tapdesk may not read; Entra decides whether "
                "your role covers it.",
                "Granting tapdesk RoleManagement.Read.Directory makes this check exact.",
            )
        )
    return found


def _methods(methods: tuple[AuthMethod, ...] | None) -> list[Finding]:
    if methods is None:
        return []
    strong = sorted({m.kind.label for m in methods if m.kind in _STRONG})
    other = sorted({m.kind.label for m in methods if m.kind not in (*_STRONG, *_NOT_A_METHOD)})
    if strong:
        return [
            _find(
                "has-methods",
                f"Already has {', '.join(strong)}.",
                "Maybe a recovery rather than a first sign-in.",
            )
        ]
    if other:
        return [_find("other-methods", f"Has {', '.join(other)}.")]
    return []


def _existing(facts: TargetFacts, now: datetime) -> list[Finding]:
    if facts.tap is None or facts.tap_shown:
        return []
    state = pass_state(facts.tap, now)
    if state.final:
        return [_find("old-pass", f"An old pass ({state.value}) is still listed.")]
    return [
        _find(
            "existing-pass",
            "The user already has a pass that still works. Issuing a new one replaces it.",
            "Was it issued by a colleague? Ask before replacing it.",
        )
    ]
