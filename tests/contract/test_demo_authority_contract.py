"""Pins the sign-in authority's payloads: discovery, device code, tokens (and their claims)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tapdesk.demo import DEMO_AUTHORITY, DEMO_CLIENT_ID, DemoTenant
from tapdesk.demo.tokens import decode_claims
from tests.helpers.clock import FakeClock
from tests.helpers.shapes import check_fixture

TOKEN = f"{DEMO_AUTHORITY}/oauth2/v2.0/token"
SCOPES = "https://graph.microsoft.com/User.Read.All UserAuthenticationMethod.ReadWrite.All"


@pytest.fixture
def tenant() -> DemoTenant:
    return DemoTenant(clock=FakeClock(), auto_approve_after=None)


@pytest.fixture
def http(tenant: DemoTenant) -> Iterator[httpx.Client]:
    with httpx.Client(transport=tenant.transport()) as client:
        yield client


def start_device_flow(http: httpx.Client) -> httpx.Response:
    return http.post(
        f"{DEMO_AUTHORITY}/oauth2/v2.0/devicecode",
        data={"client_id": DEMO_CLIENT_ID, "scope": f"{SCOPES} offline_access openid profile"},
    )


def poll(http: httpx.Client, device_code: str) -> httpx.Response:
    return http.post(
        TOKEN,
        data={
            "client_id": DEMO_CLIENT_ID,
            "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
            "device_code": device_code,
            "client_info": "1",
        },
    )


def test_discovery(http: httpx.Client) -> None:
    response = http.get(f"{DEMO_AUTHORITY}/v2.0/.well-known/openid-configuration")
    check_fixture("authority_discovery", {"status": response.status_code, "body": response.json()})


def test_device_code(http: httpx.Client) -> None:
    body = start_device_flow(http).json()
    body["message"] = body["message"].replace(body["user_code"], "<user_code>")
    check_fixture("authority_device_code", {"status": 200, "body": body})


def test_pending_then_token_with_claims(http: httpx.Client, tenant: DemoTenant) -> None:
    flow = start_device_flow(http).json()
    pending = poll(http, flow["device_code"])
    check_fixture(
        "authority_error_pending", {"status": pending.status_code, "body": pending.json()}
    )

    tenant.approve_device_code(flow["user_code"])
    response = poll(http, flow["device_code"])
    body = response.json()
    payload: dict[str, Any] = {
        "status": response.status_code,
        "body": body,
        "access_token_claims": decode_claims(body["access_token"]),
        "id_token_claims": decode_claims(body["id_token"]),
        "client_info": decode_claims("x." + body["client_info"]),
    }
    check_fixture("authority_token", payload)


def test_consent_required(http: httpx.Client, tenant: DemoTenant) -> None:
    flow = start_device_flow(http).json()
    tenant.approve_device_code(flow["user_code"])
    tenant.revoke_consent()
    response = poll(http, flow["device_code"])
    check_fixture(
        "authority_error_consent", {"status": response.status_code, "body": response.json()}
    )
