"""User lookups in the demo Graph: get, $select, search, filter, replication delay."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tapdesk.demo import DemoTenant
from tests.helpers.clock import FakeClock
from tests.helpers.demo import UPN, graph_client, user_path

EVENTUAL = {"ConsistencyLevel": "eventual"}


@pytest.fixture
def graph(tenant: DemoTenant) -> Iterator[httpx.Client]:
    with graph_client(tenant) as client:
        yield client


def search(graph: httpx.Client, expression: str, **params: str) -> list[str]:
    query = {"$search": expression, "$select": "userPrincipalName", **params}
    response = graph.get("/users", params=query, headers=EVENTUAL)
    assert response.status_code == 200, response.text
    return [u["userPrincipalName"] for u in response.json()["value"]]


def test_get_by_upn_and_by_id_agree(graph: httpx.Client) -> None:
    by_upn = graph.get(user_path(UPN["ava.newhire"])).json()
    by_id = graph.get(f"/users/{by_upn['id']}").json()
    assert by_upn == by_id
    assert by_upn["userPrincipalName"] == UPN["ava.newhire"]
    assert "accountEnabled" not in by_upn  # only on $select


def test_upn_lookup_is_case_insensitive_and_url_decoded(graph: httpx.Client) -> None:
    assert graph.get("/users/Ava.Newhire%40northwind.example").status_code == 200
    guest = graph.get(user_path(UPN["gina"]), params={"$select": "userType,mail"}).json()
    assert guest["userType"] == "Guest"
    assert set(guest) == {"@odata.context", "userType", "mail", "id"}


def test_select_returns_only_selected_plus_id(graph: httpx.Client) -> None:
    body = graph.get(
        user_path(UPN["carl.disabled"]), params={"$select": "accountEnabled,employeeHireDate"}
    ).json()
    assert set(body) == {"@odata.context", "accountEnabled", "employeeHireDate", "id"}
    assert body["accountEnabled"] is False


def test_select_unknown_property_is_400(graph: httpx.Client) -> None:
    response = graph.get(user_path(UPN["ava.newhire"]), params={"$select": "shoeSize"})
    assert response.status_code == 400
    assert "shoeSize" in response.json()["error"]["message"]


def test_new_hire_fields(graph: httpx.Client) -> None:
    ava = graph.get(
        user_path(UPN["ava.newhire"]),
        params={"$select": "jobTitle,department,employeeHireDate,accountEnabled"},
    ).json()
    assert ava["employeeHireDate"] == "2030-01-06T00:00:00Z"  # hired "today"
    assert ava["jobTitle"] and ava["department"] and ava["accountEnabled"] is True
    sam = graph.get(user_path(UPN["sam.synced"]), params={"$select": "onPremisesSyncEnabled"})
    assert sam.json()["onPremisesSyncEnabled"] is True


def test_missing_user_is_404(graph: httpx.Client) -> None:
    error = graph.get(user_path("nobody@northwind.example")).json()["error"]
    assert error["code"] == "Request_ResourceNotFound"
    assert set(error["innerError"]) == {"date", "request-id", "client-request-id"}


def test_dollar_upn_needs_quoted_form(graph: httpx.Client) -> None:
    assert graph.get("/users/$x@northwind.example").status_code == 400
    assert graph.get("/users('$x@northwind.example')").status_code == 404
    quoted = graph.get(f"/users('{UPN['ava.newhire']}')")
    assert quoted.json()["userPrincipalName"] == UPN["ava.newhire"]


def test_a_quoted_key_reads_doubled_quotes_as_one(graph: httpx.Client, tenant: DemoTenant) -> None:
    """OData string literals double a quote: users('$o''neil@…') is the user $o'neil@…."""
    tenant.add_user("$o'neil", "Orla", "O'Neil")
    found = graph.get("/users('$o''neil@northwind.example')")
    assert found.status_code == 200
    assert found.json()["userPrincipalName"] == "$o'neil@northwind.example"


def test_me(graph: httpx.Client) -> None:
    assert graph.get("/me").json()["userPrincipalName"] == UPN["tess.tech"]


def test_ben_appears_after_replication_delay(
    graph: httpx.Client, clock: FakeClock, tenant: DemoTenant
) -> None:
    assert graph.get(user_path(UPN["ben.fresh"])).status_code == 404
    assert UPN["ben.fresh"] not in search(graph, '"displayName:ben"')
    clock.advance(tenant.replication_delay - 1)
    assert graph.get(user_path(UPN["ben.fresh"])).status_code == 404
    clock.advance(1)
    assert graph.get(user_path(UPN["ben.fresh"])).status_code == 200
    assert search(graph, '"displayName:ben"') == [UPN["ben.fresh"]]


def test_search_is_tokenized_prefix_match(graph: httpx.Client) -> None:
    assert search(graph, '"displayName:new"') == [UPN["ava.newhire"], UPN["nora.newhire"]]
    assert search(graph, '"displayName:Nora New"') == [UPN["nora.newhire"]]
    assert search(graph, '"userPrincipalName:ava.new"') == [UPN["ava.newhire"]]
    assert search(graph, '"displayName:ewhire"') == []  # prefixes only
    either = search(graph, '"displayName:tess" OR "userPrincipalName:pat"')
    assert either == [UPN["tess.tech"], UPN["pat.priv"]]
    both = search(graph, '"displayName:newhire" AND "userPrincipalName:nora"')
    assert both == [UPN["nora.newhire"]]


def test_search_needs_consistency_header(graph: httpx.Client) -> None:
    response = graph.get("/users", params={"$search": '"displayName:ava"'})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "Request_UnsupportedQuery"
    assert "ConsistencyLevel: eventual" in error["message"]


def test_search_syntax_errors_are_400(graph: httpx.Client) -> None:
    for expression in ("ava", '"shoeSize:9"', '"displayName:ava" OR'):
        response = graph.get("/users", params={"$search": expression}, headers=EVENTUAL)
        assert response.status_code == 400, expression


def test_filter_starts_with_without_header(graph: httpx.Client) -> None:
    response = graph.get(
        "/users",
        params={"$filter": "startsWith(userPrincipalName,'a')", "$select": "userPrincipalName"},
    )
    upns = [u["userPrincipalName"] for u in response.json()["value"]]
    assert upns == [UPN["ava.newhire"], UPN["alex.admin"], UPN["andy.app"]]
    by_name = graph.get("/users", params={"$filter": "startswith(displayName,'Priya')"}).json()
    assert [u["displayName"] for u in by_name["value"]] == ["Priya Passkey"]


def test_filter_eq_or_and_advanced_only_terms(graph: httpx.Client) -> None:
    params = {"$filter": f"userPrincipalName eq '{UPN['sam.synced']}' or userType eq 'Guest'"}
    names = [u["displayName"] for u in graph.get("/users", params=params).json()["value"]]
    assert names == ["Gina Guest", "Sam Synced"]
    ends = {"$filter": "endsWith(mail,'fabrikam.example')"}
    assert graph.get("/users", params=ends).status_code == 400
    advanced = graph.get("/users", params={**ends, "$count": "true"}, headers=EVENTUAL).json()
    assert advanced["@odata.count"] == 1


def test_top_and_next_link_page_through(graph: httpx.Client) -> None:
    seen: list[str] = []
    url: str | None = "/users?$top=5&$select=id"
    while url:
        body = graph.get(url).json()
        seen += [u["id"] for u in body["value"]]
        url = body.get("@odata.nextLink")
    assert len(seen) == len(set(seen)) == 13  # everyone but ben, who is still replicating


def test_read_basic_scope_sees_basic_properties_only(tenant: DemoTenant) -> None:
    with graph_client(tenant, scopes=["User.ReadBasic.All"]) as basic:
        body = basic.get(
            user_path(UPN["ava.newhire"]), params={"$select": "displayName,accountEnabled"}
        ).json()
    assert body == {
        "@odata.context": body["@odata.context"],
        "displayName": "Ava Newhire",
        "id": body["id"],
    }


def test_no_user_scope_is_403(tenant: DemoTenant) -> None:
    with graph_client(tenant, scopes=["Policy.Read.All"]) as client:
        response = client.get(user_path(UPN["ava.newhire"]))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "Authorization_RequestDenied"


def test_check_member_groups(graph: httpx.Client, tenant: DemoTenant) -> None:
    groups = tenant.users[UPN["ava.newhire"]].groups
    oscar = graph.post(
        user_path(UPN["oscar.outside"]) + "/checkMemberGroups", json={"groupIds": groups}
    ).json()
    ava = graph.post(
        user_path(UPN["ava.newhire"]) + "/checkMemberGroups", json={"groupIds": groups}
    ).json()
    assert set(ava["value"]) == set(groups)
    assert len(oscar["value"]) == len(groups) - 1  # not in the TAP-eligible group


def test_unknown_segment_and_wrong_method(graph: httpx.Client) -> None:
    assert graph.get("/groups").status_code == 400
    assert graph.delete(user_path(UPN["ava.newhire"])).status_code == 405


def test_search_tokenizes_only_the_display_name(tenant) -> None:  # type: ignore[no-untyped-def]
    """Graph's $search page: displayName (and description) are tokenized; other properties
    match from their start."""
    from tests.helpers.demo import graph_client

    def found(query: str) -> set[str]:
        with graph_client(tenant) as http:
            answer = http.get(
                "/users",
                params={"$search": query, "$count": "true", "$select": "userPrincipalName"},
                headers={"ConsistencyLevel": "eventual"},
            )
        assert answer.status_code == 200, answer.text
        return {u["userPrincipalName"].split("@")[0] for u in answer.json()["value"]}

    assert "ava.newhire" in found('"displayName:newhire"')  # a word inside the name
    assert "ava.newhire" not in found('"mail:newhire"')  # not the start of the address
    assert "ava.newhire" in found('"userPrincipalName:ava.new"')
    assert found('"userPrincipalName:northwind"') == set()


def test_the_search_index_lags_behind_a_direct_get(tenant, clock) -> None:  # type: ignore[no-untyped-def]
    """Graph: queries with ConsistencyLevel: eventual read an index that may lag behind a GET."""
    from tests.helpers.demo import graph_client, user_path

    tenant.add_user("hana.hire", "Hana", "Hire")

    def searched() -> list[dict[str, object]]:
        with graph_client(tenant) as http:
            answer = http.get(
                "/users",
                params={"$search": '"displayName:hana"', "$count": "true"},
                headers={"ConsistencyLevel": "eventual"},
            )
        return answer.json()["value"]

    with graph_client(tenant) as http:
        assert http.get(user_path("hana.hire@northwind.example")).status_code == 200
    assert searched() == []
    clock.advance(31)
    assert [u["displayName"] for u in searched()] == ["Hana Hire"]
