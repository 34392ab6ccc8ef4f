"""Is a user inside the TAP policy's targets? (Pure: group membership comes from Graph.)

A target is a group (``targetType`` group, or the special ``all_users``) or a single user
(``targetType`` user: compared with the user's id, never sent to checkMemberGroups). Graph's
``checkMemberGroups`` takes at most 20 group ids per request, so larger sets go in batches.
"""

from __future__ import annotations

from tapdesk.core.models import TapPolicy

ALL_USERS = "all_users"
# "You can check up to a maximum of 20 groups per request" (checkMemberGroups, Graph v1.0).
MAX_GROUPS_PER_REQUEST = 20
# A policy naming more groups than this is not checked (the card says it could not tell):
# ten requests per person is already more than the card's whole budget.
MAX_GROUP_REQUESTS = 10


def groups_to_check(policy: TapPolicy, user_id: str) -> list[str]:
    """The group ids whose membership decides the answer; none when the user targets alone
    decide it (all users, or the user named outright and no group excluded)."""
    if user_id in policy.exclude_user_ids:
        return []
    excluded = sorted(set(policy.exclude_group_ids))
    named = ALL_USERS in policy.include_group_ids or user_id in policy.include_user_ids
    included = [] if named else [g for g in policy.include_group_ids if g != ALL_USERS]
    return sorted(set(included) | set(excluded))


def batches(group_ids: list[str]) -> list[list[str]]:
    """``group_ids`` in requests of at most :data:`MAX_GROUPS_PER_REQUEST`."""
    size = MAX_GROUPS_PER_REQUEST
    return [group_ids[i : i + size] for i in range(0, len(group_ids), size)]


def in_scope(policy: TapPolicy, user_id: str, member_of: set[str]) -> bool:
    included = (
        ALL_USERS in policy.include_group_ids
        or user_id in policy.include_user_ids
        or bool(member_of & set(policy.include_group_ids))
    )
    excluded = user_id in policy.exclude_user_ids or bool(member_of & set(policy.exclude_group_ids))
    return included and not excluded
