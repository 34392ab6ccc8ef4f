"""The technician's directory roles and the preflight warnings drawn from them.

Roles come from the ``wids`` claim of the access token (the template ids of the tenant-wide
roles the user holds right now). The claim is a hint, not the tenant's verdict: it lists no
role scoped to an administrative unit, no custom role, and no PIM role that is eligible but
not yet activated. So the preflight warns and explains; it never blocks what the tenant might
allow. The one certain refusal is issuing a pass to oneself, which Entra never allows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# Role template ids, identical in every tenant and cloud (Microsoft Entra built-in roles,
# MicrosoftDocs/entra-docs permissions-reference.md).
AUTHENTICATION_ADMINISTRATOR = "c4e39bd9-1100-46d3-8c65-fb160da0071f"
PRIVILEGED_AUTHENTICATION_ADMINISTRATOR = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13"
GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
AUTHENTICATION_POLICY_ADMINISTRATOR = "0526716b-113d-4c15-b2c8-68e3c22b9f80"

# Display order: the roles that matter for issuing first.
ROLE_NAMES: dict[str, str] = {
    PRIVILEGED_AUTHENTICATION_ADMINISTRATOR: "Privileged Authentication Administrator",
    AUTHENTICATION_ADMINISTRATOR: "Authentication Administrator",
    GLOBAL_ADMINISTRATOR: "Global Administrator",
    AUTHENTICATION_POLICY_ADMINISTRATOR: "Authentication Policy Administrator",
    GLOBAL_READER: "Global Reader",
}

# Who may create a pass for a member (non-admin) user, and for an admin.
_ISSUE_TO_MEMBERS = frozenset(
    {AUTHENTICATION_ADMINISTRATOR, PRIVILEGED_AUTHENTICATION_ADMINISTRATOR, GLOBAL_ADMINISTRATOR}
)
_ISSUE_TO_ADMINS = frozenset({PRIVILEGED_AUTHENTICATION_ADMINISTRATOR, GLOBAL_ADMINISTRATOR})


@dataclass(frozen=True, slots=True)
class Roles:
    """Role template ids the token carried; ``None`` when they could not be read."""

    template_ids: frozenset[str] | None = None

    @classmethod
    def unknown(cls) -> Roles:
        return cls(None)

    @classmethod
    def from_wids(cls, wids: Iterable[str] | None) -> Roles:
        if wids is None:
            return cls.unknown()
        return cls(frozenset(w.strip().lower() for w in wids if isinstance(w, str)))

    @property
    def known(self) -> bool:
        return self.template_ids is not None

    @property
    def can_issue_to_members(self) -> bool | None:
        """True/False when known; None when the roles could not be read."""
        if self.template_ids is None:
            return None
        return bool(self.template_ids & _ISSUE_TO_MEMBERS)

    @property
    def can_issue_to_admins(self) -> bool | None:
        if self.template_ids is None:
            return None
        return bool(self.template_ids & _ISSUE_TO_ADMINS)

    def names(self) -> list[str]:
        """Names of the roles tapdesk knows about, most relevant first."""
        held = self.template_ids or frozenset()
        return [name for rid, name in ROLE_NAMES.items() if rid in held]

    def describe(self) -> str:
        """One line for ``whoami`` and the status bar."""
        if self.template_ids is None:
            return "roles unknown"
        return ", ".join(self.names()) or "no role that can issue passes"

    def warnings(self) -> list[RoleWarning]:
        """What to say right after sign-in, before any target is chosen."""
        return preflight(self, target_is_admin=None, target_is_self=False)


class Severity(StrEnum):
    INFO = "info"  # nothing will fail because of it
    WARNING = "warning"  # Entra will probably refuse; let the technician try anyway
    REFUSED = "refused"  # Entra always refuses this request


@dataclass(frozen=True, slots=True)
class RoleWarning:
    code: str
    severity: Severity
    message: str
    hint: str = ""

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.REFUSED

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


_PIM_HINT = (
    "If the role is assigned through Privileged Identity Management, activate it and sign in again."
)


def preflight(
    roles: Roles, *, target_is_admin: bool | None, target_is_self: bool
) -> list[RoleWarning]:
    """Warnings to show before issuing a pass; only ``REFUSED`` ones should stop the attempt."""
    found: list[RoleWarning] = []
    if target_is_self:
        found.append(
            RoleWarning(
                "self-target",
                Severity.REFUSED,
                "Entra does not let anyone issue a Temporary Access Pass to their own account.",
                "Ask another administrator to issue it.",
            )
        )
    if not roles.known:
        found.append(
            RoleWarning(
                "roles-unknown",
                Severity.INFO,
                "Your directory roles could not be read from the sign-in; Entra will decide "
                "whether you may issue this pass.",
            )
        )
        return found
    if not roles.can_issue_to_members:
        needed = (
            "Privileged Authentication Administrator"
            if target_is_admin
            else "Authentication Administrator or Privileged Authentication Administrator"
        )
        found.append(
            RoleWarning(
                "not-privileged",
                Severity.WARNING,
                f"Your account does not hold {needed}, so Entra will probably refuse to issue "
                "the pass.",
                f"Ask your administrator for the role. {_PIM_HINT}",
            )
        )
    elif target_is_admin and not roles.can_issue_to_admins:
        found.append(
            RoleWarning(
                "admin-target",
                Severity.WARNING,
                "This user holds an administrator role: only a Privileged Authentication "
                "Administrator can issue them a pass.",
                "Ask a colleague who holds Privileged Authentication Administrator, or use "
                f"another account that holds it. {_PIM_HINT}",
            )
        )
    return found


# Roles Entra still treats as "member" targets for password and method management (the
# read-only ones); any other directory role makes the target an admin.
_NON_ADMIN_TARGET_ROLES = frozenset(
    {
        "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",  # Directory Readers
        "4a5d8f65-41da-4de4-8968-e035b65339cf",  # Reports Reader
        "95e79109-95c0-4d8e-aee3-d01accf2d47b",  # Guest Inviter
        "790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b",  # Message Center Reader
    }
)


def target_is_admin(role_template_ids: Iterable[str | None] | None) -> bool | None:
    """Does a target holding these directory roles need a privileged technician?

    None when the roles could not be read; a role without a readable template id counts as admin.
    """
    if role_template_ids is None:
        return None
    return any((rid or "").lower() not in _NON_ADMIN_TARGET_ROLES for rid in role_template_ids)
