"""The phone panel's actions on the demo tenant: the status line after each, and the exact words
the panel shows when the simulated new hire cannot do what was asked."""

from __future__ import annotations

import httpx
import pytest

from tapdesk.demo import DemoTenant, PassNotUsable
from tapdesk.errors import TapdeskError
from tapdesk.workflows.training_phone import ACTION_BY_KEY, PhoneAction, perform
from tests.helpers.demo import UPN, tap_path, user_path

AVA = UPN["ava.newhire"]


def shown(error: pytest.ExceptionInfo[TapdeskError]) -> tuple[str, str, str]:
    return error.value.title, error.value.message, error.value.hint


def test_adding_the_work_account_signs_in_and_shows_the_phone_in_graph(
    tenant: DemoTenant, demo_http: httpx.Client
) -> None:
    demo_http.post(tap_path(AVA), json={"isUsableOnce": True})
    done = perform(tenant, AVA, ACTION_BY_KEY["authenticator-android"])
    assert done == "Work account added to Authenticator on the Android phone"
    methods = demo_http.get(user_path(AVA) + "/authentication/microsoftAuthenticatorMethods")
    assert [m["displayName"] for m in methods.json()["value"]] == ["Pixel 8"]


def test_the_phone_is_refused_outside_the_demo_tenant() -> None:
    with pytest.raises(TapdeskError) as caught:
        perform(None, AVA, ACTION_BY_KEY["sign-in"])
    assert shown(caught) == (
        "Simulated phone",
        "The simulated phone exists only on the demo tenant.",
        "",
    )


def test_a_user_gone_from_the_demo_tenant_is_named(tenant: DemoTenant) -> None:
    with pytest.raises(TapdeskError) as caught:
        perform(tenant, "nobody@northwind.example", ACTION_BY_KEY["sign-in"])
    assert shown(caught) == (
        "Simulated phone",
        "nobody@northwind.example is not in the demo tenant any more.",
        "",
    )


def test_signing_in_without_a_pass_says_to_issue_one_first(tenant: DemoTenant) -> None:
    with pytest.raises(TapdeskError) as caught:
        perform(tenant, AVA, ACTION_BY_KEY["sign-in"])
    assert shown(caught) == (
        "Simulated phone",
        "The phone could not sign in with the pass (no pass).",
        "Issue a pass first.",
    )


def test_a_spent_one_time_pass_says_to_replace_it(
    tenant: DemoTenant, demo_http: httpx.Client
) -> None:
    demo_http.post(tap_path(AVA), json={"isUsableOnce": True})
    perform(tenant, AVA, ACTION_BY_KEY["sign-in"])
    with pytest.raises(TapdeskError) as caught:
        perform(tenant, AVA, ACTION_BY_KEY["sign-in"])
    assert shown(caught) == (
        "Simulated phone",
        "The phone could not sign in with the pass (OneTimeUsed).",
        "A one-time pass works for one sign-in only: replace it to sign in again.",
    )


def test_a_refusal_without_a_reason_says_refused_and_suggests_a_new_pass(
    tenant: DemoTenant,
) -> None:
    def refuse(phone: object) -> None:
        raise PassNotUsable(AVA, "")

    with pytest.raises(TapdeskError) as caught:
        perform(tenant, AVA, PhoneAction("x", "g", "label", "done", refuse))
    assert shown(caught) == (
        "Simulated phone",
        "The phone could not sign in with the pass (refused).",
        "Replace the pass and try again.",
    )


def test_a_security_key_after_a_stale_sign_in_says_to_sign_in_again(
    tenant: DemoTenant, demo_http: httpx.Client, clock
) -> None:
    demo_http.post(tap_path(AVA), json={"isUsableOnce": True})
    perform(tenant, AVA, ACTION_BY_KEY["sign-in"])
    clock.advance(301)
    with pytest.raises(TapdeskError) as caught:
        perform(tenant, AVA, ACTION_BY_KEY["security-key"])
    assert shown(caught) == (
        "Simulated phone",
        "Security info would not add the key: the last sign-in is too old.",
        "Registering a passkey needs a sign-in within the past 5 minutes: sign in with the pass "
        "again (a used one-time pass: replace it first), then register the key.",
    )
