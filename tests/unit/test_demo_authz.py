"""Who may do what in the demo Graph: tokens, scopes, roles, self and admin targets, consent."""

from __future__ import annotations

import httpx
import pytest

from tapdesk.demo import DEMO_GRAPH_URL, DemoTenant
from tapdesk.demo.tokens import decode_claims, sign_access_token
from tests.helpers.clock import FakeClock
from tests.helpers.demo import UPN, graph_client, tap_path, user_path

POLICY = "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/"
TESS, PAT, AVA, ALEX = UPN["tess.tech"], UPN["pat.priv"], UPN["ava.newhire"], UPN["alex.admin"]


def error_of(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def bearer(tenant: DemoTenant, token: str | None) -> httpx.Client:
    headers = {"authorization": f"Bearer {token}"} if token is not None else {}
    return httpx.Client(transport=tenant.transport(), base_url=DEMO_GRAPH_URL, headers=headers)


@pytest.mark.parametrize("token", [None, "", "not.a.jwt", "a.b.c"])
def test_missing_or_malformed_token_is_401(tenant: DemoTenant, token: str | None) -> None:
    with bearer(tenant, token) as client:
        response = client.get("/me")
    assert error_of(response) == (401, "InvalidAuthenticationToken")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_expired_token_is_401(tenant: DemoTenant, clock: FakeClock) -> None:
    with graph_client(tenant) as client:
        assert client.get("/me").status_code == 200
        clock.advance(tenant.token_lifetime)
        response = client.get("/me")
    assert error_of(response) == (401, "InvalidAuthenticationToken")
    assert "expired" in response.json()["error"]["message"]


def test_forged_token_is_401(tenant: DemoTenant) -> None:
    claims = decode_claims(tenant.access_token())
    head, body, _sig = sign_access_token(claims).split(".")
    forged = f"{head}.{body}.{'A' * 43}"
    with bearer(tenant, forged) as client:
        assert client.get("/me").status_code == 401


def test_wrong_audience_is_401(tenant: DemoTenant) -> None:
    claims = decode_claims(tenant.access_token())
    with bearer(tenant, sign_access_token({**claims, "aud": "api://other"})) as client:
        assert client.get("/me").status_code == 401


def test_auth_admin_issues_for_members_only(tenant: DemoTenant) -> None:
    with graph_client(tenant, TESS) as tess:
        assert tess.post(tap_path(AVA), json={}).status_code == 201
        denied = tess.post(tap_path(ALEX), json={})
        assert error_of(denied) == (403, "accessDenied")
        assert denied.json()["error"]["message"] == "Request Authorization failed"
        assert tess.get(tap_path(ALEX)).status_code == 200  # as Global Reader
    tenant.set_roles(TESS, ["Authentication Administrator"])
    with graph_client(tenant, TESS) as tess:
        assert tess.get(tap_path(ALEX)).status_code == 403  # an admin's methods are off limits
        assert tess.get(tap_path(AVA)).status_code == 200


def test_priv_auth_admin_issues_for_admins(tenant: DemoTenant) -> None:
    with graph_client(tenant, PAT) as pat:
        assert pat.post(tap_path(ALEX), json={}).status_code == 201
        assert pat.post(tap_path(TESS), json={}).status_code == 201  # tess holds roles too


def test_never_on_oneself(tenant: DemoTenant) -> None:
    with graph_client(tenant, PAT) as pat:
        assert error_of(pat.post(tap_path(PAT), json={})) == (403, "accessDenied")
        assert (
            error_of(pat.post("/me/authentication/temporaryAccessPassMethods", json={}))[0] == 403
        )
        assert pat.get("/me/authentication/methods").status_code == 200  # reading is self-service


def test_member_without_roles_cannot_issue(tenant: DemoTenant) -> None:
    with graph_client(tenant, UPN["andy.app"]) as andy:
        assert error_of(andy.post(tap_path(AVA), json={})) == (403, "accessDenied")
        assert andy.get(user_path(AVA) + "/authentication/methods").status_code == 403


def test_policy_read_needs_reader_role(tenant: DemoTenant) -> None:
    with graph_client(tenant, TESS) as tess:  # Global Reader
        assert tess.get(POLICY + "TemporaryAccessPass").status_code == 200
        assert tess.get(POLICY + "temporaryAccessPass").status_code == 200
    with graph_client(tenant, PAT) as pat:  # Privileged Authentication Administrator only
        assert error_of(pat.get(POLICY + "temporaryAccessPass")) == (403, "accessDenied")
    tenant.set_roles(PAT, ["Privileged Authentication Administrator", "Global Reader"])
    with graph_client(tenant, PAT) as pat:
        assert pat.get(POLICY + "temporaryAccessPass").status_code == 200


def test_role_removed_mid_session_bites_on_next_call(tenant: DemoTenant) -> None:
    with graph_client(tenant, TESS) as tess:
        assert tess.post(tap_path(AVA), json={}).status_code == 201
        tenant.set_roles(TESS, ["Global Reader"])
        assert error_of(tess.post(tap_path(AVA), json={})) == (403, "accessDenied")
        assert tess.get(user_path(AVA) + "/authentication/methods").status_code == 200


def test_role_added_needs_a_new_token(tenant: DemoTenant) -> None:
    with graph_client(tenant, UPN["andy.app"]) as old:
        tenant.set_roles(UPN["andy.app"], ["Authentication Administrator"])
        assert old.post(tap_path(AVA), json={}).status_code == 403  # wids fixed at sign-in
    with graph_client(tenant, UPN["andy.app"]) as fresh:
        assert fresh.post(tap_path(AVA), json={}).status_code == 201


def test_target_promoted_to_admin_needs_privileged_technician(tenant: DemoTenant) -> None:
    tenant.set_roles(AVA, ["Helpdesk Administrator"])
    with graph_client(tenant, TESS) as tess:
        assert tess.post(tap_path(AVA), json={}).status_code == 403
    tenant.set_roles(AVA, ["Directory Readers"])  # a reader role does not make an admin
    with graph_client(tenant, TESS) as tess:
        assert tess.post(tap_path(AVA), json={}).status_code == 201


@pytest.mark.parametrize(
    ("scopes", "allowed"),
    [
        (["UserAuthenticationMethod.ReadWrite.All"], True),
        (["UserAuthMethod-TAP.ReadWrite.All"], True),
        (["UserAuthenticationMethod.Read.All"], False),
        (["UserAuthMethod-TAP.Read.All"], False),
        (["User.Read.All"], False),
    ],
)
def test_create_scopes(tenant: DemoTenant, scopes: list[str], allowed: bool) -> None:
    with graph_client(tenant, TESS, scopes) as tess:
        assert (tess.post(tap_path(AVA), json={}).status_code == 201) is allowed


@pytest.mark.parametrize(
    ("collection", "scope", "allowed"),
    [
        ("methods", "UserAuthenticationMethod.Read.All", True),
        ("methods", "UserAuthMethod-Passkey.Read.All", False),
        ("fido2Methods", "UserAuthMethod-Passkey.Read.All", True),
        ("microsoftAuthenticatorMethods", "UserAuthMethod-MicrosoftAuthApp.Read.All", True),
        ("temporaryAccessPassMethods", "UserAuthMethod-TAP.Read.All", True),
        ("fido2Methods", "UserAuthMethod-TAP.Read.All", False),
    ],
)
def test_method_read_scopes(tenant: DemoTenant, collection: str, scope: str, allowed: bool) -> None:
    with graph_client(tenant, TESS, [scope]) as tess:
        response = tess.get(user_path(AVA) + f"/authentication/{collection}")
    assert (response.status_code == 200) is allowed


def test_revoked_consent_makes_graph_403_even_for_old_tokens(tenant: DemoTenant) -> None:
    with graph_client(tenant, TESS) as tess:
        tenant.revoke_consent(
            ["UserAuthenticationMethod.ReadWrite.All", "UserAuthMethod-TAP.ReadWrite.All"]
        )
        assert error_of(tess.post(tap_path(AVA), json={})) == (403, "accessDenied")
        assert tess.get(user_path(AVA)).status_code == 200  # other scopes still consented
        tenant.revoke_consent()
        assert error_of(tess.get(user_path(AVA))) == (403, "Authorization_RequestDenied")
        tenant.restore_consent()
        assert tess.post(tap_path(AVA), json={}).status_code == 201


def test_deleted_user_is_404_and_deleted_caller_401(tenant: DemoTenant) -> None:
    with graph_client(tenant, TESS) as tess, graph_client(tenant, PAT) as pat:
        tenant.delete_user(AVA)
        assert tess.get(user_path(AVA)).status_code == 404
        assert AVA not in tenant.users
        tenant.delete_user(PAT)
        assert pat.get("/me").status_code == 401
