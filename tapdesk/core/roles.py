"""The technician's directory roles, and whether a target's roles need a privileged technician.

Roles come from the ``wids`` claim (the template ids of the tenant-wide roles the user holds
right now). The claim is a hint, not the tenant's verdict: it lists no role scoped to an
administrative unit, no custom role, and no PIM role that is eligible but not yet activated. So
the rules drawn from it (:mod:`tapdesk.core.readiness`) warn and explain; they never block what
the tenant might allow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from tapdesk.core.models import User

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


@dataclass(frozen=True, slots=True)
class Technician:
    """Whoever is signed in and acting: who the audit names and whom the rules compare with."""

    username: str
    name: str = ""
    roles: Roles = field(default_factory=Roles.unknown)
    object_id: str | None = None
    can_sign_out: bool = True  # False for a token handed in through the environment

    def is_user(self, user: User) -> bool:
        """Is ``user`` the technician's own account? (by object id, else by sign-in name)"""
        if self.object_id and user.id:
            return self.object_id.lower() == user.id.lower()
        return bool(self.username) and self.username.lower() == user.user_principal_name.lower()


# The roles whose holders an Authentication Administrator may act on (set or reset their
# authentication methods, so give them a pass): the "Auth Admin" column of the table "Who can
# perform sensitive actions" on Entra's page "Privileged roles and permissions"
# (entra-docs: identity/role-based-access-control/privileged-roles-permissions.md), plus users
# holding no role at all. Anyone else needs a Privileged Authentication Administrator (or a
# Global Administrator). Members and owners of role-assignable groups are protected as well.
AUTH_ADMIN_MAY_ACT_ON: dict[str, str] = {
    AUTHENTICATION_ADMINISTRATOR: "Authentication Administrator",
    "88d8e3e3-8f55-4a1e-953a-9b9898b8876b": "Directory Readers",
    "95e79109-95c0-4d8e-aee3-d01accf2d47b": "Guest Inviter",
    "790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b": "Message Center Reader",
    "966707d0-3269-4727-9be2-8c3a10f19b9d": "Password Administrator",
    "4a5d8f65-41da-4de4-8968-e035b65339cf": "Reports Reader",
    "27460883-1df1-4691-b032-3b79643e5e63": "User Experience Success Manager",
    "75934031-6c7e-415a-99d7-48dbd49e875e": "Usage Summary Reports Reader",
}


class TargetRole(StrEnum):
    """What the person's directory roles and groups mean for who may give them a pass."""

    ORDINARY = "ordinary"  # no role, or only roles an Authentication Administrator may act on
    PRIVILEGED = "privileged"  # needs a Privileged Authentication Administrator
    UNREADABLE = "unreadable"  # holds a role Graph would not describe: Entra decides


def target_role(
    role_template_ids: Iterable[str | None] | None, *, in_role_assignable_group: bool = False
) -> TargetRole | None:
    """Classify a person from their roles' template ids (None: the roles could not be read).

    Without a permission to read directory roles Graph still lists them, with the id and type
    only ("limited information"): such a ``None`` entry is a role of unknown kind, not an
    admin role. ``in_role_assignable_group``: member or owner of a group that can be assigned
    a role (only when Graph said so).
    """
    if role_template_ids is None:
        return None
    ids = [(rid or "").lower() or None for rid in role_template_ids]
    if in_role_assignable_group or any(
        rid is not None and rid not in AUTH_ADMIN_MAY_ACT_ON for rid in ids
    ):
        return TargetRole.PRIVILEGED
    if any(rid is None for rid in ids):
        return TargetRole.UNREADABLE
    return TargetRole.ORDINARY
