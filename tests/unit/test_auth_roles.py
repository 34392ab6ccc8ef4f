"""Roles from the token's ``wids`` claim (the rules drawn from them: test_readiness.py)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tapdesk.auth.claims import jwt_payload, roles_from_id_claims
from tapdesk.core import roles as r
from tapdesk.core.roles import Roles


def jwt(claims: dict[str, object]) -> str:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


# --- reading the token ----------------------------------------------------------------------


def test_wids_in_the_id_token_become_roles() -> None:
    claims = {"wids": [r.AUTHENTICATION_ADMINISTRATOR.upper(), "b79fbf4d-3ef9-4689-8143"]}
    roles = roles_from_id_claims(claims)
    assert roles.known
    assert roles.can_issue_to_members is True
    assert roles.can_issue_to_admins is False
    assert roles.names() == ["Authentication Administrator"]


@pytest.mark.parametrize("claims", [{"oid": "x"}, {"wids": "not-a-list"}, {}])
def test_an_id_token_without_wids_leaves_the_roles_to_graph(claims: dict[str, object]) -> None:
    # Entra may leave the claim out: unknown, so the caller asks Graph (never the access token).
    roles = roles_from_id_claims(claims)
    assert not roles.known
    assert roles.can_issue_to_members is None
    assert roles.describe() == "roles unknown"


def test_tapdesk_never_reads_the_access_token() -> None:
    """Microsoft: clients must treat access tokens for APIs they do not own as opaque. Claims
    are read from the ID token only: in the sign-in, and from the cached ID token."""
    root = Path(__file__).resolve().parents[2] / "tapdesk"
    readers = {
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if "jwt_payload(" in path.read_text(encoding="utf-8")
    }
    assert readers == {"auth/claims.py", "auth/authenticator.py"}
    source = (root / "auth" / "authenticator.py").read_text(encoding="utf-8")
    assert (
        "roles_from_id_claims(claims)" in source
        and "access_token"
        not in source.split("def _adopt", 1)[1].split("def _cached_id_claims", 1)[0]
    )


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
