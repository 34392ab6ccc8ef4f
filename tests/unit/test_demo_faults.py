"""Scripted failures and latency in the demo tenant."""

from __future__ import annotations

import httpx
import pytest

from tapdesk.demo import DEMO_AUTHORITY, DemoTenant, Fault
from tests.helpers.clock import FakeClock
from tests.helpers.demo import UPN, graph_client, tap_path, user_path

AVA = UPN["ava.newhire"]


def test_throttle_sends_fractional_retry_after_verbatim(
    demo_http: httpx.Client, tenant: DemoTenant
) -> None:
    tenant.inject(
        Fault.throttle(
            retry_after="2.128", times=1, method="POST", path_contains="temporaryAccessPassMethods"
        )
    )
    assert demo_http.get(tap_path(AVA)).status_code == 200  # GET does not match the filter
    throttled = demo_http.post(tap_path(AVA), json={})
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "2.128"
    assert throttled.json()["error"]["code"] == "TooManyRequests"
    assert demo_http.post(tap_path(AVA), json={}).status_code == 201  # times=1: spent


def test_throttle_without_retry_after_and_repeated(
    demo_http: httpx.Client, tenant: DemoTenant
) -> None:
    tenant.inject(Fault.throttle(retry_after=None, times=2))
    first, second, third = (demo_http.get("/me") for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (429, 429, 200)
    assert "retry-after" not in first.headers


def test_throttled_request_never_reaches_the_tenant(
    demo_http: httpx.Client, tenant: DemoTenant
) -> None:
    tenant.inject(Fault.throttle(method="POST"))
    assert demo_http.post(tap_path(AVA), json={}).status_code == 429
    assert tenant.users[AVA].tap is None


@pytest.mark.parametrize(
    ("status", "code"), [(503, "serviceNotAvailable"), (504, "gatewayTimeout")]
)
def test_unavailable(demo_http: httpx.Client, tenant: DemoTenant, status: int, code: str) -> None:
    tenant.inject(Fault.unavailable(status=status, retry_after="7"))
    response = demo_http.get("/me")
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert response.headers["retry-after"] == "7"
    with pytest.raises(ValueError, match="503 or 504"):
        Fault.unavailable(status=500)


def test_timeout_and_offline_raise_transport_errors(
    demo_http: httpx.Client, tenant: DemoTenant
) -> None:
    tenant.inject(Fault.timeout())
    with pytest.raises(httpx.ReadTimeout):
        demo_http.get("/me")
    tenant.inject(Fault.offline(times=None))
    for _ in range(3):
        with pytest.raises(httpx.ConnectError):
            demo_http.get("/me")
    tenant.clear_faults()
    assert demo_http.get("/me").status_code == 200


def test_drop_after_create_really_created_the_pass(
    demo_http: httpx.Client, tenant: DemoTenant
) -> None:
    tenant.inject(Fault.drop_after_create())
    with pytest.raises(httpx.RemoteProtocolError):
        demo_http.post(tap_path(AVA), json={})
    listed = demo_http.get(tap_path(AVA)).json()["value"]
    assert len(listed) == 1
    assert listed[0]["temporaryAccessPass"] is None  # the value is lost with the answer


def test_faults_hit_the_sign_in_authority_too(tenant: DemoTenant) -> None:
    tenant.inject(Fault.throttle(retry_after="3", path_contains="/oauth2/"))
    with httpx.Client(transport=tenant.transport()) as http:
        response = http.post(f"{DEMO_AUTHORITY}/oauth2/v2.0/token", data={})
    assert response.status_code == 429
    assert response.json()["error"] == "temporarily_unavailable"


def test_latency_goes_through_injected_sleep() -> None:
    naps: list[float] = []
    tenant = DemoTenant(clock=FakeClock(), sleep=naps.append, latency=0.25)
    with graph_client(tenant) as demo_http:
        demo_http.get("/me")
        tenant.latency = 1.0
        demo_http.get(user_path(AVA))
    assert naps == [0.25, 1.0]


def test_requests_log_counts_round_trips(demo_http: httpx.Client, tenant: DemoTenant) -> None:
    demo_http.get("/me", headers={"client-request-id": "abc"})
    demo_http.post(tap_path(AVA), json={})
    method, path, _headers = tenant.requests[-1]
    assert (method, path) == ("POST", "/v1.0" + tap_path(AVA))
    assert tenant.requests[0][2]["client-request-id"] == "abc"
    assert len(tenant.requests) == 2


def test_unknown_host_is_a_connect_error(tenant: DemoTenant) -> None:
    with httpx.Client(transport=tenant.transport()) as http, pytest.raises(httpx.ConnectError):
        http.get("https://example.invalid/")
