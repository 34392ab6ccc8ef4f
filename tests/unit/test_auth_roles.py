"""Roles from the token's ``wids`` claim, and the preflight warnings drawn from them."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tapdesk.auth.claims import jwt_payload, roles_from_access_token
from tapdesk.core import roles as r
from tapdesk.core.roles import Roles, Severity, preflight


def jwt(claims: dict[str, object]) -> str:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def codes(warnings: list[r.RoleWarning]) -> list[str]:
    return [w.code for w in warnings]


# --- reading the token ----------------------------------------------------------------------


def test_wids_become_roles() -> None:
    token = jwt({"wids": [r.AUTHENTICATION_ADMINISTRATOR.upper(), "b79fbf4d-3ef9-4689-8143"]})
    roles = roles_from_access_token(token)
    assert roles.known
    assert roles.can_issue_to_members is True
    assert roles.can_issue_to_admins is False
    assert roles.names() == ["Authentication Administrator"]


def test_readable_token_without_wids_means_no_role() -> None:
    # Entra emits a claim only when it has a value.
    roles = roles_from_access_token(jwt({"oid": "x"}))
    assert roles.known
    assert roles.can_issue_to_members is False
    assert roles.describe() == "no role that can issue passes"


@pytest.mark.parametrize(
    "token",
    [
        "EwBwA8l6BAAUs5+HQn0N+h2FxWzLS31ZgQVuHsYAAY",  # opaque (MSA style)
        "a.b.c.d.e",  # encrypted (JWE)
        "eyJhbGciOiJub25lIn0.!!!.",  # damaged payload
        jwt({"wids": "not-a-list"}),
        "",
    ],
)
def test_unreadable_tokens_give_unknown_roles(token: str) -> None:
    roles = roles_from_access_token(token)
    assert not roles.known
    assert roles.can_issue_to_members is None
    assert roles.describe() == "roles unknown"


@given(st.text())
def test_jwt_payload_never_raises(text: str) -> None:
    result = jwt_payload(text)
    assert result is None or isinstance(result, dict)


def test_role_names_in_display_order() -> None:
    roles = Roles.from_wids([r.GLOBAL_READER, r.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR])
    assert roles.names() == ["Privileged Authentication Administrator", "Global Reader"]


def test_global_administrator_may_issue_to_anyone() -> None:
    roles = Roles.from_wids([r.GLOBAL_ADMINISTRATOR])
    assert roles.can_issue_to_members and roles.can_issue_to_admins


@pytest.mark.parametrize("role", [r.GLOBAL_READER, r.AUTHENTICATION_POLICY_ADMINISTRATOR])
def test_reader_and_policy_roles_cannot_issue(role: str) -> None:
    assert Roles.from_wids([role]).can_issue_to_members is False


# --- preflight ------------------------------------------------------------------------------

AUTH_ADMIN = Roles.from_wids([r.AUTHENTICATION_ADMINISTRATOR])
PRIV_ADMIN = Roles.from_wids([r.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR])
NOBODY = Roles.from_wids([])


def test_authentication_administrator_issuing_to_a_member_is_fine() -> None:
    assert preflight(AUTH_ADMIN, target_is_admin=False, target_is_self=False) == []


def test_privileged_administrator_issuing_to_an_admin_is_fine() -> None:
    assert preflight(PRIV_ADMIN, target_is_admin=True, target_is_self=False) == []


def test_admin_target_needs_privileged_authentication_administrator() -> None:
    [warning] = preflight(AUTH_ADMIN, target_is_admin=True, target_is_self=False)
    assert warning.code == "admin-target"
    assert warning.severity is Severity.WARNING and not warning.blocking
    assert "Privileged Authentication Administrator" in warning.message


def test_non_privileged_technician_is_warned_not_blocked() -> None:
    [warning] = preflight(NOBODY, target_is_admin=False, target_is_self=False)
    assert warning.code == "not-privileged"
    assert not warning.blocking
    assert "Privileged Identity Management" in warning.hint


def test_non_privileged_technician_and_admin_target_names_the_privileged_role() -> None:
    [warning] = preflight(NOBODY, target_is_admin=True, target_is_self=False)
    assert warning.code == "not-privileged"
    assert "does not hold Privileged Authentication Administrator" in warning.message


def test_issuing_to_oneself_is_refused() -> None:
    warnings = preflight(PRIV_ADMIN, target_is_admin=True, target_is_self=True)
    assert codes(warnings) == ["self-target"]
    assert warnings[0].blocking


def test_unknown_roles_only_inform() -> None:
    warnings = preflight(Roles.unknown(), target_is_admin=True, target_is_self=False)
    assert codes(warnings) == ["roles-unknown"]
    assert warnings[0].severity is Severity.INFO


def test_unknown_admin_status_raises_no_admin_warning() -> None:
    assert preflight(AUTH_ADMIN, target_is_admin=None, target_is_self=False) == []


@given(
    wids=st.one_of(
        st.none(),
        st.lists(st.sampled_from([*r.ROLE_NAMES, "00000000-0000-0000-0000-000000000000"])),
    ),
    target_is_admin=st.one_of(st.none(), st.booleans()),
    target_is_self=st.booleans(),
)
def test_only_self_issue_ever_blocks(
    wids: list[str] | None, target_is_admin: bool | None, target_is_self: bool
) -> None:
    warnings = preflight(
        Roles.from_wids(wids), target_is_admin=target_is_admin, target_is_self=target_is_self
    )
    assert any(w.blocking for w in warnings) == target_is_self
    assert all(w.message and w.code for w in warnings)


def test_sign_in_warnings_need_no_target() -> None:
    assert AUTH_ADMIN.warnings() == []
    [warning] = NOBODY.warnings()
    assert warning.code == "not-privileged"
    assert str(warning).startswith("Your account does not hold Authentication Administrator")
    assert warning.hint in str(warning)
    assert codes(Roles.unknown().warnings()) == ["roles-unknown"]
