"""The demo tenant in its own process answers as it does in process: the same request through
the relay (tapdesk.demo.relay) and through the tenant's handler gives the same status, headers
and body, up to what changes per answer (ids, times, the pass, tokens)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tapdesk.demo import DEMO_AUTHORITY, DEMO_CLIENT_ID, DEMO_GRAPH_URL, DEMO_PASSWORD, DemoTenant
from tapdesk.demo.relay import DemoServer
from tests.helpers.demo import UPN, as_lead, tap_path, user_path

pytestmark = pytest.mark.slow  # a child process

AVA = UPN["ava.newhire"]
TOKEN = f"{DEMO_AUTHORITY}/oauth2/v2.0/token"
# What differs between two answers to the same request, wherever it is served.
VOLATILE = {
    "id",
    "temporaryAccessPass",
    "createdDateTime",
    "startDateTime",
    "request-id",
    "client-request-id",
    "date",
    "access_token",
    "id_token",
    "refresh_token",
    "timestamp",
    "trace_id",
    "correlation_id",
}


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("relay") / "demo-tenant.json"


@pytest.fixture(scope="module")
def tenant(state: Path) -> DemoTenant:
    """The in-process tenant on the server's state file: both answer from one tenant."""
    return as_lead(DemoTenant(state_path=state))


@pytest.fixture(scope="module")
def server(state: Path, tenant: DemoTenant) -> Iterator[DemoServer]:
    with DemoServer.start(state) as started:
        yield started


@pytest.fixture(scope="module")
def both(tenant: DemoTenant, server: DemoServer) -> Iterator[dict[str, httpx.Client]]:
    clients = {
        "in process": httpx.Client(transport=tenant.transport()),
        "relayed": httpx.Client(transport=server.transport()),
    }
    yield clients
    for client in clients.values():
        client.close()


def masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "*" if k in VOLATILE else masked(v) for k, v in value.items()}
    if isinstance(value, str) and "\r\nTrace ID:" in value:  # Entra's error_description
        return value.split("\r\n")[0]
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def shape(response: httpx.Response) -> dict[str, Any]:
    """What a caller can tell apart: status, header names and stable values, the body."""
    headers = {k: "*" if k in VOLATILE else v for k, v in response.headers.items()}
    kind = response.headers.get("content-type", "")
    body = masked(response.json()) if "json" in kind else response.text
    return {"status": response.status_code, "headers": headers, "body": body}


def same_answer(both: dict[str, httpx.Client], method: str, url: str, **options: Any) -> Any:
    here, there = (shape(c.request(method, url, **options)) for c in both.values())
    assert there == here
    return here


def bearer(tenant: DemoTenant, scopes: list[str] | None = None) -> dict[str, str]:
    return {"authorization": f"Bearer {tenant.access_token(scopes=scopes)}"}


def test_a_user(both: dict[str, httpx.Client], tenant: DemoTenant) -> None:
    answer = same_answer(both, "GET", DEMO_GRAPH_URL + user_path(AVA), headers=bearer(tenant))
    assert answer["status"] == 200 and answer["body"]["userPrincipalName"] == AVA


def test_a_search_keeps_its_query_and_headers(
    both: dict[str, httpx.Client], tenant: DemoTenant
) -> None:
    """$search needs ConsistencyLevel (else 400): the header and the quoted query survive."""
    answer = same_answer(
        both,
        "GET",
        DEMO_GRAPH_URL + "/users",
        params={"$search": '"displayName:ava"', "$count": "true"},
        headers={**bearer(tenant), "ConsistencyLevel": "eventual"},
    )
    assert [u["userPrincipalName"] for u in answer["body"]["value"]] == [AVA]


def test_an_unknown_user_is_404(both: dict[str, httpx.Client], tenant: DemoTenant) -> None:
    url = DEMO_GRAPH_URL + user_path("nobody@northwind.example")
    answer = same_answer(both, "GET", url, headers=bearer(tenant))
    assert answer["status"] == 404 and answer["body"]["error"]["code"] == "Request_ResourceNotFound"


def test_a_missing_permission_is_403(both: dict[str, httpx.Client], tenant: DemoTenant) -> None:
    url = DEMO_GRAPH_URL + tap_path(AVA)
    answer = same_answer(both, "GET", url, headers=bearer(tenant, ["User.Read"]))
    assert answer["status"] == 403


def test_creating_a_pass(both: dict[str, httpx.Client], tenant: DemoTenant) -> None:
    created = []
    for client in both.values():
        response = client.post(
            DEMO_GRAPH_URL + tap_path(AVA), json={"lifetimeInMinutes": 90}, headers=bearer(tenant)
        )
        created.append(shape(response))
        pass_id = response.json()["id"]
        assert tenant.users[AVA].tap is not None and tenant.users[AVA].tap.id == pass_id
        deleted = client.delete(
            f"{DEMO_GRAPH_URL}{tap_path(AVA)}/{pass_id}", headers=bearer(tenant)
        )
        assert deleted.status_code == 204
    here, there = created
    assert there == here
    assert here["status"] == 201 and here["body"]["lifetimeInMinutes"] == 90


def test_the_authority_discovery(both: dict[str, httpx.Client]) -> None:
    answer = same_answer(both, "GET", f"{DEMO_AUTHORITY}/v2.0/.well-known/openid-configuration")
    assert answer["body"]["token_endpoint"] == TOKEN


@pytest.mark.parametrize(("password", "status"), [(DEMO_PASSWORD, 200), ("wrong", 400)])
def test_the_token_endpoint(both: dict[str, httpx.Client], password: str, status: int) -> None:
    form = {
        "client_id": DEMO_CLIENT_ID,
        "grant_type": "password",
        "username": UPN["tess.tech"],
        "password": password,
        "scope": "User.Read.All offline_access openid profile",
    }
    assert same_answer(both, "POST", TOKEN, data=form)["status"] == status


def test_an_unknown_host_is_the_same_connect_error(both: dict[str, httpx.Client]) -> None:
    errors = []
    for client in both.values():
        with pytest.raises(httpx.ConnectError) as raised:
            client.get("https://graph.microsoft.com/v1.0/me")
        errors.append(str(raised.value))
    assert errors[0] == errors[1]
