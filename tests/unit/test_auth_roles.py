"""Roles from the token's ``wids`` claim (the rules drawn from them: test_readiness.py)."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tapdesk.auth.claims import jwt_payload, roles_from_access_token
from tapdesk.core import roles as r
from tapdesk.core.roles import Roles


def jwt(claims: dict[str, object]) -> str:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


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
