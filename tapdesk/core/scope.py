"""Is a user inside the TAP policy's targets? (Pure: group membership comes from Graph.)"""

from __future__ import annotations

from tapdesk.core.models import TapPolicy

ALL_USERS = "all_users"


def groups_to_check(policy: TapPolicy) -> list[str]:
    """The group ids whose membership decides the answer (none when all users are targeted)."""
    ids = [g for g in policy.include_group_ids if g != ALL_USERS] + list(policy.exclude_group_ids)
    return sorted(set(ids))


def in_scope(policy: TapPolicy, member_of: set[str]) -> bool:
    included = ALL_USERS in policy.include_group_ids or bool(
        member_of & set(policy.include_group_ids)
    )
    excluded = bool(member_of & set(policy.exclude_group_ids))
    return included and not excluded
