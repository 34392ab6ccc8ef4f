"""Pins every Graph payload the demo tenant serves to a fixture (graph-tap.md is the spec)."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tapdesk.demo import DEMO_GRAPH_URL, DemoTenant, Fault
from tests.helpers.demo import UPN, tap_path, user_path
from tests.helpers.shapes import check_fixture

POLICY = "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/"


def recorded(response: httpx.Response, *headers: str) -> dict[str, Any]:
    payload: dict[str, Any] = {"status": response.status_code}
    if headers:
        payload["headers"] = {name: response.headers.get(name) for name in headers}
    payload["body"] = response.json() if response.content else None
    return payload


def test_user_default_properties(demo_http: httpx.Client) -> None:
    check_fixture("graph_user", recorded(demo_http.get(user_path(UPN["ava.newhire"]))))


def test_user_selected_properties(demo_http: httpx.Client) -> None:
    select = (
        "id,displayName,userPrincipalName,accountEnabled,userType,onPremisesSyncEnabled,"
        "jobTitle,department,employeeHireDate,mail,createdDateTime"
    )
    response = demo_http.get(user_path(UPN["sam.synced"]), params={"$select": select})
    check_fixture("graph_user_select", recorded(response))


def test_user_search(demo_http: httpx.Client) -> None:
    response = demo_http.get(
        "/users",
        params={
            "$search": '"displayName:newhire" OR "userPrincipalName:newhire"',
            "$select": "id,displayName,userPrincipalName,accountEnabled",
            "$top": "10",
            "$count": "true",
        },
        headers={"ConsistencyLevel": "eventual"},
    )
    check_fixture("graph_user_search", recorded(response))


def test_user_filter_with_next_link(demo_http: httpx.Client) -> None:
    response = demo_http.get(
        "/users",
        params={"$filter": "startsWith(displayName,'a')", "$select": "displayName", "$top": "1"},
    )
    check_fixture("graph_user_filter_page", recorded(response))


def test_check_member_groups(demo_http: httpx.Client, tenant: DemoTenant) -> None:
    group = tenant.users[UPN["ava.newhire"]].groups[-1]
    response = demo_http.post(
        user_path(UPN["ava.newhire"]) + "/checkMemberGroups", json={"groupIds": [group]}
    )
    check_fixture("graph_check_member_groups", recorded(response))


def test_policy(demo_http: httpx.Client) -> None:
    check_fixture("graph_policy", recorded(demo_http.get(POLICY + "temporaryAccessPass")))


def test_tap_create_get_list(demo_http: httpx.Client) -> None:
    created = demo_http.post(tap_path(UPN["ava.newhire"]), json={"lifetimeInMinutes": 120})
    check_fixture("graph_tap_create", recorded(created, "request-id", "client-request-id"))
    tap_id = created.json()["id"]
    check_fixture(
        "graph_tap_get", recorded(demo_http.get(f"{tap_path(UPN['ava.newhire'])}/{tap_id}"))
    )
    check_fixture("graph_tap_list", recorded(demo_http.get(tap_path(UPN["ava.newhire"]))))


def test_method_lists(demo_http: httpx.Client, tenant: DemoTenant) -> None:
    upn = UPN["priya.passkey"]
    tenant.phone(upn).register_windows_hello()
    demo_http.post(tap_path(upn), json={})
    base = user_path(upn) + "/authentication/"
    check_fixture("graph_methods_all", recorded(demo_http.get(base + "methods")))
    for collection in (
        "microsoftAuthenticatorMethods",
        "fido2Methods",
        "windowsHelloForBusinessMethods",
        "passwordMethods",
    ):
        check_fixture(f"graph_methods_{collection}", recorded(demo_http.get(base + collection)))


def test_error_404(demo_http: httpx.Client) -> None:
    response = demo_http.get(user_path("nobody@northwind.example"))
    check_fixture("graph_error_404", recorded(response, "request-id", "client-request-id"))


def test_error_400_lifetime(demo_http: httpx.Client) -> None:
    response = demo_http.post(tap_path(UPN["ava.newhire"]), json={"lifetimeInMinutes": 30})
    check_fixture("graph_error_400_lifetime", recorded(response))


def test_error_400_scope(demo_http: httpx.Client, tenant: DemoTenant) -> None:
    # The field-reported refusal: the method is switched off (a user outside the policy's
    # targets gets a pass that cannot sign in, as documented).
    tenant.set_policy(state="disabled")
    response = demo_http.post(tap_path(UPN["oscar.outside"]), json={})
    check_fixture("graph_error_400_scope", recorded(response))


def test_error_400_guest(demo_http: httpx.Client) -> None:
    response = demo_http.post(tap_path(UPN["gina"]), json={})
    check_fixture("graph_error_400_guest", recorded(response))


def test_error_400_search_without_header(demo_http: httpx.Client) -> None:
    response = demo_http.get("/users", params={"$search": '"displayName:ava"'})
    check_fixture("graph_error_400_search_header", recorded(response))


def test_error_403(demo_http: httpx.Client) -> None:
    response = demo_http.post(tap_path(UPN["alex.admin"]), json={})
    check_fixture("graph_error_403", recorded(response))


def test_error_429_headers(demo_http: httpx.Client, tenant: DemoTenant) -> None:
    tenant.inject(Fault.throttle(retry_after="2.128"))
    response = demo_http.get(user_path(UPN["ava.newhire"]), headers={"client-request-id": "c0ffee"})
    check_fixture(
        "graph_error_429",
        recorded(response, "retry-after", "request-id", "client-request-id"),
    )


def test_error_503(demo_http: httpx.Client, tenant: DemoTenant) -> None:
    tenant.inject(Fault.unavailable(503, retry_after="5"))
    response = demo_http.get(user_path(UPN["ava.newhire"]))
    check_fixture("graph_error_503", recorded(response, "retry-after"))


def test_error_401(tenant: DemoTenant) -> None:
    with httpx.Client(transport=tenant.transport(), base_url=DEMO_GRAPH_URL) as anonymous:
        response = anonymous.get("/me")
    check_fixture("graph_error_401", recorded(response, "www-authenticate"))


def test_every_fixture_names_the_page_it_was_pinned_from() -> None:
    from tests.helpers.shapes import FIXTURES

    for path in sorted(FIXTURES.glob("*.json")):
        source = json.loads(path.read_text(encoding="utf-8")).get("source", "")
        assert "learn.microsoft.com" in source or source.startswith("no "), path.name
