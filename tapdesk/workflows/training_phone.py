"""The demo tenant's simulated phone: what the new hire does, played for training.

The actions a phone panel offers and what running one does on the demo tenant. Only the demo
tenant has a phone; the window shows the panel only there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tapdesk.errors import TapdeskError

if TYPE_CHECKING:  # the phone panel lists the actions before the demo tenant is loaded
    from tapdesk.demo import DemoTenant
    from tapdesk.demo.phone import Phone

_HINTS = {
    "no pass": "Issue a pass first.",
    "OneTimeUsed": "A one-time pass works for one sign-in only: replace it to sign in again.",
    "Expired": "The pass has expired: replace it.",
    "NotYetValid": "The pass starts later: wait, or replace it with one that starts now.",
    "account disabled": "Enable the account first.",
    "sign-in older than 5 minutes": (  # tapdesk.demo.phone.STALE_SIGN_IN
        "Registering a passkey needs a sign-in within the past 5 minutes: sign in with the pass "
        "again (a used one-time pass: replace it first), then register the key."
    ),
}


@dataclass(frozen=True, slots=True)
class PhoneAction:
    key: str
    group: str
    label: str
    done: str  # what the status line says afterwards
    run: Callable[[Phone], None]  # gets the tenant's Phone for the user


def _add_account(platform: str) -> Callable[[Phone], None]:
    def run(phone: Phone) -> None:
        phone.sign_in_with_pass()  # adding the work account is a sign-in with the pass
        phone.register_authenticator(platform)

    return run


ACTIONS = (
    PhoneAction(
        "authenticator-ios",
        "Authenticator: add the work account (signs in with the pass)",
        "iPhone",
        "Work account added to Authenticator on the iPhone",
        _add_account("ios"),
    ),
    PhoneAction(
        "authenticator-android",
        "Authenticator: add the work account (signs in with the pass)",
        "Android",
        "Work account added to Authenticator on the Android phone",
        _add_account("android"),
    ),
    PhoneAction(
        "passkey-ios",
        "Authenticator: create a passkey",
        "iPhone",
        "Passkey created in Authenticator on the iPhone",
        lambda phone: phone.create_passkey(platform="ios"),
    ),
    PhoneAction(
        "passkey-android",
        "Authenticator: create a passkey",
        "Android",
        "Passkey created in Authenticator on the Android phone",
        lambda phone: phone.create_passkey(platform="android"),
    ),
    PhoneAction(
        "sign-in",
        "On the laptop",
        "Sign in with the pass",
        "Signed in with the pass",
        lambda phone: phone.sign_in_with_pass(),
    ),
    PhoneAction(
        "security-key",
        "On the laptop",
        "Register a security key",
        "Security key registered at Security info",
        lambda phone: phone.register_security_key(),
    ),
    PhoneAction(
        "windows-hello",
        "On the laptop",
        "Set up Windows Hello",
        "Windows Hello for Business set up on the laptop",
        lambda phone: phone.register_windows_hello(),
    ),
)
ACTION_BY_KEY = {action.key: action for action in ACTIONS}


def perform(demo: DemoTenant | None, upn: str, action: PhoneAction) -> str:
    """Do ``action`` on the demo tenant's phone for ``upn`` (on a worker); returns the done text."""
    from tapdesk.demo.phone import STALE_SIGN_IN, PassNotUsable

    if demo is None:
        raise TapdeskError(
            "The simulated phone exists only on the demo tenant.", title="Simulated phone"
        )
    try:
        action.run(demo.phone(upn))
    except KeyError:
        raise TapdeskError(
            f"{upn} is not in the demo tenant any more.", title="Simulated phone"
        ) from None
    except PassNotUsable as exc:  # the sign-in with the pass failed
        reason = exc.reason or "refused"
        said = f"The phone could not sign in with the pass ({reason})."
        if reason == STALE_SIGN_IN:
            said = "Security info would not add the key: the last sign-in is too old."
        raise TapdeskError(
            said,
            title="Simulated phone",
            hint=_HINTS.get(reason, "Replace the pass and try again."),
        ) from None
    return action.done
