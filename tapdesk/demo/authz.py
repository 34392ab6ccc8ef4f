"""Who is calling Graph, and what they may do (graph-tap.md §1.5, §2, §3.1, §4.4).

Scopes come from the token's ``scp``, cut down to what the tenant still consents to; roles from
the token's ``wids``, cut down to the roles the caller holds *now*. So revoking consent or
removing a role bites on the very next call, while a newly added role needs a new token
(as in Entra, where ``wids`` is fixed at sign-in).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from tapdesk.core.roles import TargetRole, target_role
from tapdesk.demo.constants import (
    AUTH_ADMIN,
    AUTH_POLICY_ADMIN,
    GLOBAL_ADMIN,
    GLOBAL_READER,
    GRAPH_AUDIENCE,
    PRIV_AUTH_ADMIN,
    ROLE_ASSIGNABLE_GROUP_ID,
    ROLE_IDS,
)
from tapdesk.demo.model import DemoUser, TenantState
from tapdesk.demo.responses import GraphProblem, access_denied, insufficient_privileges
from tapdesk.demo.tokens import BadToken, verify_access_token

CLOCK_SKEW = timedelta(minutes=5)
_WWW_AUTHENTICATE = (
    'Bearer realm="", authorization_uri="https://login.tapdesk-demo.test/common/oauth2/authorize",'
    ' client_id="00000003-0000-0000-c000-000000000000"'
)

USER_READ_ALL = frozenset(
    {"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
)
USER_READ_BASIC = frozenset({"User.ReadBasic.All"})
USER_READ_SELF = frozenset({"User.Read", "User.ReadWrite"}) | USER_READ_ALL | USER_READ_BASIC
GROUP_READ = frozenset(
    {"GroupMember.Read.All", "Group.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"}
)
# Reading a directoryRole: without one of these, roles come back with type and id only.
ROLE_READ = frozenset(
    {
        "RoleManagement.Read.Directory",
        "RoleManagement.ReadWrite.Directory",
        "RoleManagement.Read.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    }
)
POLICY_READ = frozenset(
    {"Policy.Read.All", "Policy.Read.AuthenticationMethod", "Policy.ReadWrite.AuthenticationMethod"}
)
_WRITER_ROLES = frozenset({AUTH_ADMIN, PRIV_AUTH_ADMIN, GLOBAL_ADMIN})
_PRIVILEGED_ROLES = frozenset({PRIV_AUTH_ADMIN, GLOBAL_ADMIN})
_POLICY_READER_ROLES = frozenset({GLOBAL_READER, AUTH_POLICY_ADMIN, GLOBAL_ADMIN})


@dataclass(frozen=True)
class Caller:
    user: DemoUser
    scopes: frozenset[str]
    roles: frozenset[str]  # role template ids


def role_ids(user: DemoUser) -> list[str]:
    return [ROLE_IDS[name] for name in user.roles]


def authenticate(request: httpx.Request, state: TenantState, now: datetime) -> Caller:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer ") or not header[7:].strip():
        raise _unauthenticated("Access token is empty.")
    try:
        claims = verify_access_token(header[7:].strip())
    except BadToken:
        raise _unauthenticated("Access token validation failure. Invalid signature.") from None
    if claims.get("aud") != GRAPH_AUDIENCE:
        raise _unauthenticated("Access token validation failure. Invalid audience.")
    stamp = now.timestamp()
    if stamp >= float(claims.get("exp", 0)):
        raise _unauthenticated("Lifetime validation failed, the token is expired.")
    if stamp + CLOCK_SKEW.total_seconds() < float(claims.get("nbf", 0)):
        raise _unauthenticated("Lifetime validation failed, the token is not yet valid.")
    user = state.users.get(str(claims.get("oid")))
    if user is None:  # deleted since sign-in
        raise _unauthenticated("Access token validation failure. User not found.")
    granted = set(str(claims.get("scp", "")).split()) & set(state.consented_scopes)
    held = set(claims.get("wids", [])) & set(role_ids(user))
    return Caller(user, frozenset(granted), frozenset(held))


def _unauthenticated(message: str) -> GraphProblem:
    return GraphProblem(
        401, "InvalidAuthenticationToken", message, {"www-authenticate": _WWW_AUTHENTICATE}
    )


def require_scope(caller: Caller, any_of: Iterable[str], problem: GraphProblem) -> None:
    if not caller.scopes & set(any_of):
        raise problem


def method_scopes(family: str | None, *, write: bool, on_self: bool) -> set[str]:
    """The scopes that allow reading (or writing) one kind of authentication method.

    ``family`` names the per-method scopes added in 2025 ("TAP", "Passkey", ...); ``None``
    means only the classic UserAuthenticationMethod.* scopes apply. Acting on someone else
    needs the ``.All`` variant.
    """
    prefixes = ["UserAuthenticationMethod"] + ([f"UserAuthMethod-{family}"] if family else [])
    levels = ["ReadWrite"] if write else ["ReadWrite", "Read"]
    suffixes = [".All", ""] if on_self else [".All"]
    return {f"{p}.{lv}{s}" for p in prefixes for lv in levels for s in suffixes}


def is_admin(user: DemoUser) -> bool:
    """Needs a Privileged Authentication Administrator: Entra's table (the same one tapdesk
    reads, :data:`tapdesk.core.roles.AUTH_ADMIN_MAY_ACT_ON`), and role-assignable groups."""
    assignable = any(g == ROLE_ASSIGNABLE_GROUP_ID for g in (*user.groups, *user.owned_groups))
    role = target_role(role_ids(user), in_role_assignable_group=assignable)
    return role is TargetRole.PRIVILEGED


def check_method_write(caller: Caller, target: DemoUser) -> None:
    """Create or delete a pass: never on oneself; admins need a privileged technician."""
    if target.id == caller.user.id or not caller.roles & _WRITER_ROLES:
        raise access_denied()
    if is_admin(target) and not caller.roles & _PRIVILEGED_ROLES:
        raise access_denied()


def check_method_read(caller: Caller, target: DemoUser) -> None:
    if target.id == caller.user.id:
        return  # reading one's own methods is self-service
    if caller.roles & (_PRIVILEGED_ROLES | {GLOBAL_READER}):
        return
    if AUTH_ADMIN in caller.roles and not is_admin(target):
        return
    raise access_denied()


def check_policy_read(caller: Caller) -> None:
    require_scope(caller, POLICY_READ, access_denied())
    if not caller.roles & _POLICY_READER_ROLES:
        raise access_denied()


def check_user_read(caller: Caller, target: DemoUser) -> bool:
    """True when the caller may see every property; False for the basic set only."""
    if caller.scopes & USER_READ_ALL:
        return True
    if target.id == caller.user.id and caller.scopes & {"User.Read", "User.ReadWrite"}:
        return True
    require_scope(caller, USER_READ_BASIC, insufficient_privileges())
    return False


def check_member_groups(caller: Caller) -> None:
    if "Directory.Read.All" in caller.scopes:
        return
    user_read = caller.scopes & (USER_READ_ALL | USER_READ_BASIC)
    if not (user_read and caller.scopes & GROUP_READ):
        raise insufficient_privileges()
