"""The simulated phone: what the app's checklist sees when the new hire does each step."""

from __future__ import annotations

import httpx
import pytest

from tapdesk.demo import DemoTenant, PassNotUsable
from tests.helpers.demo import UPN, tap_path, user_path

AVA = UPN["ava.newhire"]
IOS, ANDROID = "90a3ccdf-635c-4729-a248-9b709135078f", "de1e552d-db1d-4423-a619-566b625cdc84"


def listed(demo_http: httpx.Client, upn: str, collection: str) -> list[dict[str, object]]:
    response = demo_http.get(user_path(upn) + f"/authentication/{collection}")
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["value"]
    return items


def test_every_user_has_a_password_method(demo_http: httpx.Client, tenant: DemoTenant) -> None:
    for upn in tenant.users:
        if upn == UPN["ben.fresh"] or upn == UPN["alex.admin"]:
            continue  # not visible yet / off limits for tess
        assert listed(demo_http, upn, "passwordMethods"), upn


def test_seeded_methods(demo_http: httpx.Client) -> None:
    assert listed(demo_http, AVA, "microsoftAuthenticatorMethods") == []
    assert len(listed(demo_http, UPN["andy.app"], "microsoftAuthenticatorMethods")) == 1
    (passkey,) = listed(demo_http, UPN["priya.passkey"], "fido2Methods")
    assert passkey["aaGuid"] == IOS


def test_new_hire_walkthrough(demo_http: httpx.Client, tenant: DemoTenant) -> None:
    demo_http.post(tap_path(AVA), json={"isUsableOnce": True})
    phone = tenant.phone(AVA)
    phone.sign_in_with_pass()
    phone.register_authenticator()
    (app,) = listed(demo_http, AVA, "microsoftAuthenticatorMethods")
    assert app["displayName"] == "iPhone 15"
    phone.create_passkey(platform="ios")
    (passkey,) = listed(demo_http, AVA, "fido2Methods")
    assert passkey["aaGuid"] == IOS
    assert passkey["createdDateTime"] == "2030-01-06T08:00:00.0000000Z"  # 7 digits, as Graph
    assert passkey["passkeyType"] == "deviceBound"
    assert app["createdDateTime"] is None  # null unless registered for phone sign-in
    phone.register_windows_hello()
    assert len(listed(demo_http, AVA, "windowsHelloForBusinessMethods")) == 1
    kinds = [m["@odata.type"] for m in listed(demo_http, AVA, "methods")]
    assert kinds == [
        "#microsoft.graph.passwordAuthenticationMethod",
        "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
        "#microsoft.graph.fido2AuthenticationMethod",
        "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod",
        "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
    ]


def test_android_passkey_registers_authenticator_too(
    demo_http: httpx.Client, tenant: DemoTenant
) -> None:
    tenant.phone(UPN["nora.newhire"]).create_passkey(platform="android")
    (passkey,) = listed(demo_http, UPN["nora.newhire"], "fido2Methods")
    assert passkey["aaGuid"] == ANDROID
    assert passkey["model"] and passkey["attestationLevel"] in ("attested", "notAttested")
    assert len(listed(demo_http, UPN["nora.newhire"], "microsoftAuthenticatorMethods")) == 1


def test_sign_in_failures(demo_http: httpx.Client, tenant: DemoTenant) -> None:
    with pytest.raises(PassNotUsable, match="no pass"):
        tenant.phone(AVA).sign_in_with_pass()
    demo_http.post(tap_path(UPN["carl.disabled"]), json={})
    with pytest.raises(PassNotUsable, match="disabled"):
        tenant.phone(UPN["carl.disabled"]).sign_in_with_pass()
    with pytest.raises(KeyError):
        tenant.phone("nobody@northwind.example")


def test_a_passkey_is_made_on_the_phone_that_holds_the_account(
    demo_http: httpx.Client, tenant: DemoTenant
) -> None:
    """Step to step the names match: Authenticator on the iPhone gets its passkey on the iPhone,
    whichever platform's button was pressed; a second phone is a second registration."""
    andy = UPN["andy.app"]  # Authenticator on an iPhone (seed)
    tenant.phone(andy).create_passkey(platform="android")
    (app,) = listed(demo_http, andy, "microsoftAuthenticatorMethods")
    (passkey,) = listed(demo_http, andy, "fido2Methods")
    assert passkey["aaGuid"] == IOS
    assert passkey["displayName"] == f"{app['displayName']} (Authenticator)"
    tenant.phone(andy).register_authenticator("android")  # a new phone: a new registration
    names = sorted(
        str(m["displayName"]) for m in listed(demo_http, andy, "microsoftAuthenticatorMethods")
    )
    assert names == ["Pixel 8", "iPhone 15"]
    tenant.phone(andy).register_authenticator("android")  # the same phone again: nothing new
    assert len(listed(demo_http, andy, "microsoftAuthenticatorMethods")) == 2


def test_a_security_key_needs_a_sign_in_within_five_minutes(
    demo_http: httpx.Client, tenant: DemoTenant, clock
) -> None:
    """Entra: MFA within the past five minutes before registering a passkey (FIDO2)
    (learn.microsoft.com/en-us/entra/identity/authentication/how-to-authentication-passkeys-fido2)."""
    phone = tenant.phone(AVA)
    with pytest.raises(PassNotUsable, match="older than 5 minutes"):
        phone.register_security_key()  # no sign-in at all
    demo_http.post(tap_path(AVA), json={"isUsableOnce": False})
    phone.sign_in_with_pass()
    clock.advance(301)
    with pytest.raises(PassNotUsable, match="older than 5 minutes"):
        phone.register_security_key()
    assert listed(demo_http, AVA, "fido2Methods") == []
    phone.sign_in_with_pass()  # a reusable pass signs in again
    clock.advance(299)
    phone.register_security_key()
    (key,) = listed(demo_http, AVA, "fido2Methods")
    assert key["aaGuid"] == "ee882879-721c-4913-9775-3dfcce97072a"
    assert key["model"] == "YubiKey 5 Series with NFC"
