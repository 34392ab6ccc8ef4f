"""Temporary Access Pass behaviour of the demo tenant: lifecycle, replacement, policy rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from tapdesk.demo import DemoTenant, PassNotUsable
from tapdesk.demo.passes import new_pass_value
from tests.helpers.clock import START, FakeClock
from tests.helpers.demo import UPN, as_lead, graph_client, tap_path

AVA = UPN["ava.newhire"]


@pytest.fixture
def tenant(clock: FakeClock) -> DemoTenant:
    tenant = as_lead(DemoTenant(clock=clock))
    tenant.token_lifetime = 86400  # these tests move the clock by hours
    return tenant


@pytest.fixture
def graph(tenant: DemoTenant) -> Iterator[httpx.Client]:
    with graph_client(tenant) as client:
        yield client


def current_pass(graph: httpx.Client, upn: str = AVA) -> dict[str, object] | None:
    items = graph.get(tap_path(upn)).json()["value"]
    assert len(items) <= 1, "Graph never lists more than one pass"
    return items[0] if items else None


def test_create_returns_value_once_then_null(graph: httpx.Client) -> None:
    created = graph.post(tap_path(AVA), json={})
    assert created.status_code == 201
    body = created.json()
    assert isinstance(body["temporaryAccessPass"], str)
    assert len(body["temporaryAccessPass"]) == 8  # policy defaultLength
    assert body["lifetimeInMinutes"] == 60  # policy default when omitted
    assert body["isUsableOnce"] is False
    again = graph.get(f"{tap_path(AVA)}/{body['id']}").json()
    assert again["temporaryAccessPass"] is None
    assert current_pass(graph)["temporaryAccessPass"] is None  # type: ignore[index]


def test_one_pass_per_user_create_replaces(graph: httpx.Client) -> None:
    first = graph.post(tap_path(AVA), json={}).json()
    second = graph.post(tap_path(AVA), json={"lifetimeInMinutes": 120}).json()
    assert first["id"] != second["id"]
    listed = current_pass(graph)
    assert listed is not None and listed["id"] == second["id"]
    assert graph.get(f"{tap_path(AVA)}/{first['id']}").status_code == 404


def test_existing_pass_of_erin_is_listed_without_value(graph: httpx.Client) -> None:
    listed = current_pass(graph, UPN["erin.existing"])
    assert listed is not None
    assert listed["temporaryAccessPass"] is None
    assert listed["methodUsabilityReason"] == "EnabledByPolicy"
    assert listed["createdDateTime"] == "2030-01-06T07:30:00.000Z"


def test_one_time_pass_turns_one_time_used_after_phone_sign_in(
    graph: httpx.Client, tenant: DemoTenant
) -> None:
    graph.post(tap_path(AVA), json={"isUsableOnce": True})
    tenant.phone(AVA).sign_in_with_pass()
    listed = current_pass(graph)
    assert listed is not None
    assert (listed["isUsable"], listed["methodUsabilityReason"]) == (False, "OneTimeUsed")
    with pytest.raises(PassNotUsable, match="OneTimeUsed"):
        tenant.phone(AVA).sign_in_with_pass()


def test_multi_use_pass_stays_usable_after_sign_in(graph: httpx.Client, tenant: DemoTenant) -> None:
    graph.post(tap_path(AVA), json={"isUsableOnce": False})
    tenant.phone(AVA).sign_in_with_pass()
    tenant.phone(AVA).sign_in_with_pass()
    assert current_pass(graph)["methodUsabilityReason"] == "EnabledByPolicy"  # type: ignore[index]


def test_not_yet_valid_then_enabled_then_expired(graph: httpx.Client, clock: FakeClock) -> None:
    start = START + timedelta(hours=1)
    created = graph.post(
        tap_path(AVA), json={"startDateTime": start.isoformat(), "lifetimeInMinutes": 60}
    ).json()
    assert (created["isUsable"], created["methodUsabilityReason"]) == (False, "NotYetValid")
    assert created["startDateTime"] == "2030-01-06T09:00:00.000Z"
    clock.advance(3600)
    assert current_pass(graph)["methodUsabilityReason"] == "EnabledByPolicy"  # type: ignore[index]
    clock.advance(3599)
    assert current_pass(graph)["isUsable"] is True  # type: ignore[index]
    clock.advance(1)
    listed = current_pass(graph)
    assert listed is not None
    assert (listed["isUsable"], listed["methodUsabilityReason"]) == (False, "Expired")


def test_expired_pass_cannot_sign_in(
    graph: httpx.Client, tenant: DemoTenant, clock: FakeClock
) -> None:
    graph.post(tap_path(AVA), json={})
    clock.advance(3601)
    with pytest.raises(PassNotUsable, match="Expired"):
        tenant.phone(AVA).sign_in_with_pass()


def test_disabled_policy_marks_passes_disabled(graph: httpx.Client, tenant: DemoTenant) -> None:
    tenant.set_policy(state="disabled")
    listed = current_pass(graph, UPN["erin.existing"])
    assert listed is not None
    assert listed["methodUsabilityReason"] == "DisabledByPolicy"
    refused = graph.post(tap_path(AVA), json={})
    assert refused.status_code == 400
    assert refused.json()["error"]["message"].startswith("Converged UserCredentialPolicy")


def test_delete_then_gone(graph: httpx.Client) -> None:
    tap_id = graph.post(tap_path(AVA), json={}).json()["id"]
    assert graph.delete(f"{tap_path(AVA)}/{tap_id}").status_code == 204
    assert current_pass(graph) is None
    assert graph.delete(f"{tap_path(AVA)}/{tap_id}").status_code == 404


@pytest.mark.parametrize(
    ("lifetime", "low", "high"),
    [(30, 60, 480), (481, 60, 480), (9, 10, 43200), (43201, 10, 43200)],
)
def test_lifetime_outside_range(graph: httpx.Client, lifetime: int, low: int, high: int) -> None:
    response = graph.post(tap_path(AVA), json={"lifetimeInMinutes": lifetime})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "badRequest"
    expected = f"Invalid LifetimeInMinutes specified. The valid range between {low} and {high}."
    assert error["message"] == expected


def test_policy_min_max_follow_set_policy(graph: httpx.Client, tenant: DemoTenant) -> None:
    tenant.set_policy(minimumLifetimeInMinutes=10, maximumLifetimeInMinutes=30)
    tenant.set_policy(defaultLifetimeInMinutes=20, defaultLength=12)
    created = graph.post(tap_path(AVA), json={}).json()
    assert created["lifetimeInMinutes"] == 20
    assert len(created["temporaryAccessPass"]) == 12
    assert graph.post(tap_path(AVA), json={"lifetimeInMinutes": 31}).status_code == 400


def test_one_time_forced_by_policy(graph: httpx.Client, tenant: DemoTenant) -> None:
    tenant.set_policy(isUsableOnce=True)
    refused = graph.post(tap_path(AVA), json={"isUsableOnce": False})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "badRequest"
    assert graph.post(tap_path(AVA), json={}).json()["isUsableOnce"] is True


def test_start_in_past_refused(graph: httpx.Client) -> None:
    past = (START - timedelta(minutes=5)).isoformat()
    response = graph.post(tap_path(AVA), json={"startDateTime": past})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "badRequest"


def test_guest_out_of_scope_and_disabled_account(graph: httpx.Client) -> None:
    guest = graph.post(tap_path(UPN["gina"]), json={}).json()["error"]["message"]
    assert guest == "Temporary Access Pass cannot be added to an external guest user."
    # Graph lets a pass be made for a disabled account; signing in with it is what fails.
    assert graph.post(tap_path(UPN["carl.disabled"]), json={}).status_code == 201


def test_a_pass_for_a_user_outside_the_policy_is_made_but_cannot_sign_in(
    graph: httpx.Client, tenant: DemoTenant
) -> None:
    """Entra: "Although you can create a TAP for any user, only users included in the policy
    can sign-in with it." (Configure Temporary Access Pass)"""
    created = graph.post(tap_path(UPN["oscar.outside"]), json={})
    assert created.status_code == 201
    listed = current_pass(graph, UPN["oscar.outside"])
    assert listed is not None and listed["isUsable"] is False
    assert listed["methodUsabilityReason"] == "DisabledByPolicy"
    with pytest.raises(PassNotUsable, match="DisabledByPolicy"):
        tenant.phone(UPN["oscar.outside"]).sign_in_with_pass()


def test_all_users_policy_puts_oscar_in_scope(graph: httpx.Client, tenant: DemoTenant) -> None:
    tenant.set_policy(includeTargets=[{"targetType": "group", "id": "all_users"}])
    assert graph.post(tap_path(UPN["oscar.outside"]), json={}).status_code == 201
    tenant.phone(UPN["oscar.outside"]).sign_in_with_pass()  # in scope now: it works


def test_set_policy_rejects_unknown_field(tenant: DemoTenant) -> None:
    with pytest.raises(ValueError, match="lifetime"):
        tenant.set_policy(lifetime=5)


def test_pass_values_mix_case_and_vary() -> None:
    values = {new_pass_value(8) for _ in range(200)}
    assert len(values) == 200
    for value in values:
        assert re.fullmatch(r"[A-Za-z0-9+!-]{8}", value)
        assert any(c.islower() for c in value) and any(c.isupper() for c in value)
    assert any(set(v) & set("+!-") for v in values)


def test_method_lists_take_no_query_options(graph: httpx.Client) -> None:
    response = graph.get(tap_path(AVA), params={"$select": "id"})
    assert response.status_code == 400
    assert "$select" in response.json()["error"]["message"]
