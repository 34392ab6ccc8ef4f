"""The exact line each checklist step shows, and whether it can tick itself or needs a technician.

``CheckResult`` is what the checklist paints: ``text`` is the evidence or the wait, ``known``
False means "tick by hand", ``method`` is the method the evidence names.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tapdesk.core.aaguid import AUTHENTICATOR_IOS
from tapdesk.core.flows import Check
from tapdesk.core.models import AuthMethod, MethodKind, TemporaryAccessPass, UsabilityReason
from tapdesk.core.verify import Baseline, CheckResult, GraphRead, Observation, evaluate
from tests.helpers.clock import START

YUBIKEY = "cb69481e-8ff7-4039-93ec-0a2729a154a8"
UNKNOWN_KEY = "00000000-1111-2222-3333-444444444444"
PASSWORD = AuthMethod("pw", MethodKind.PASSWORD)
BASE = Baseline("tap-1", START, frozenset({"pw"}))


def _tap(
    tap_id: str = "tap-1",
    *,
    once: bool = True,
    reason: UsabilityReason = UsabilityReason.ENABLED_BY_POLICY,
) -> TemporaryAccessPass:
    return TemporaryAccessPass(tap_id, START, None, 60, once, True, reason)


def _seen(*methods: AuthMethod, tap: TemporaryAccessPass | None = None) -> Observation:
    return Observation(
        START + timedelta(minutes=3), frozenset(GraphRead), (PASSWORD, *methods), tap
    )


APP = AuthMethod("app-1", MethodKind.AUTHENTICATOR, "Ava's iPhone")
APP_UNNAMED = AuthMethod("app-2", MethodKind.AUTHENTICATOR)
HELLO = AuthMethod("whfb-1", MethodKind.WINDOWS_HELLO, "AVA-LAPTOP")
HELLO_UNNAMED = AuthMethod("whfb-2", MethodKind.WINDOWS_HELLO)
YUBI = AuthMethod("fido-1", MethodKind.FIDO2, "Desk key", aaguid=YUBIKEY, model="YubiKey 5 NFC")
YUBI_SAME_LABEL = AuthMethod(
    "fido-2", MethodKind.FIDO2, "YubiKey 5 NFC", aaguid=YUBIKEY, model="YubiKey 5 NFC"
)
NO_LABEL = AuthMethod("fido-3", MethodKind.FIDO2, None, aaguid=YUBIKEY, model="YubiKey 5 NFC")
BLANK_LABEL = AuthMethod("fido-4", MethodKind.FIDO2, "  ", aaguid=UNKNOWN_KEY)
IN_APP = AuthMethod("fido-5", MethodKind.FIDO2, "iPhone", aaguid=AUTHENTICATOR_IOS)

A = Check.AUTHENTICATOR_ADDED
H = Check.WINDOWS_HELLO_ADDED
P = Check.PASSKEY_ADDED
AP = Check.AUTHENTICATOR_PASSKEY

METHOD_CASES = [
    (
        A,
        _seen(APP),
        CheckResult(A, True, True, "Microsoft Authenticator added on Ava's iPhone", APP),
    ),
    (
        A,
        _seen(APP_UNNAMED),
        CheckResult(A, True, True, "Microsoft Authenticator added", APP_UNNAMED),
    ),
    (
        A,
        _seen(),
        CheckResult(A, False, True, "Waiting for Microsoft Authenticator to appear on the account"),
    ),
    (
        H,
        _seen(HELLO),
        CheckResult(H, True, True, "Windows Hello for Business set up on AVA-LAPTOP", HELLO),
    ),
    (
        H,
        _seen(HELLO_UNNAMED),
        CheckResult(H, True, True, "Windows Hello for Business set up", HELLO_UNNAMED),
    ),
    (
        H,
        _seen(),
        CheckResult(H, False, True, "Waiting for Windows Hello for Business to be set up"),
    ),
    (P, _seen(YUBI), CheckResult(P, True, True, "Passkey added: YubiKey 5 NFC ('Desk key')", YUBI)),
    (
        P,
        _seen(YUBI_SAME_LABEL),
        CheckResult(P, True, True, "Passkey added: YubiKey 5 NFC", YUBI_SAME_LABEL),
    ),
    (P, _seen(NO_LABEL), CheckResult(P, True, True, "Passkey added: YubiKey 5 NFC", NO_LABEL)),
    (
        P,
        _seen(BLANK_LABEL),
        CheckResult(P, True, True, "Passkey added: Security key or passkey", BLANK_LABEL),
    ),
    (
        P,
        _seen(),
        CheckResult(
            P, False, True, "Waiting for a new passkey (in Authenticator or on a security key)"
        ),
    ),
    (
        AP,
        _seen(YUBI, IN_APP),
        CheckResult(
            AP, True, True, "Passkey added in Microsoft Authenticator (iOS) ('iPhone')", IN_APP
        ),
    ),
    (
        AP,
        _seen(YUBI),
        CheckResult(
            AP,
            False,
            True,
            "A passkey from YubiKey 5 NFC ('Desk key') appeared; "
            "still waiting for one in Authenticator",
        ),
    ),
    (
        AP,
        _seen(),
        CheckResult(
            AP, False, True, "Waiting for a passkey in Microsoft Authenticator (iOS or Android)"
        ),
    ),
]


@pytest.mark.parametrize(("check", "observation", "expected"), METHOD_CASES)
def test_method_steps_show_the_new_method_by_name(
    check: Check, observation: Observation, expected: CheckResult
) -> None:
    """The evidence names the device or key once, and every answer can tick itself."""
    assert evaluate(check, BASE, observation) == expected


U = Check.PASS_USED
R = Check.PASS_REVOKED
EXPIRED = UsabilityReason.EXPIRED
USED = UsabilityReason.ONE_TIME_USED

PASS_CASES = [
    (R, None, CheckResult(R, True, True, "No pass left on the account")),
    (R, _tap("tap-2"), CheckResult(R, False, True, "A newer pass is on the account")),
    (
        R,
        _tap(reason=EXPIRED),
        CheckResult(R, False, True, "The pass has expired but is still listed; revoke removes it"),
    ),
    (R, _tap(), CheckResult(R, False, True, "Waiting for the pass to disappear from the account")),
    (
        U,
        None,
        CheckResult(U, False, False, "The pass is no longer on the account; tick by hand"),
    ),
    (U, _tap("tap-2"), CheckResult(U, False, False, "The pass was replaced; tick by hand")),
    (U, _tap(reason=USED), CheckResult(U, True, True, "The pass was used to sign in")),
    (
        U,
        _tap(once=False),
        CheckResult(
            U,
            False,
            False,
            "Graph shows no use of a reusable pass; tick when the sign-in worked",
        ),
    ),
    (U, _tap(), CheckResult(U, False, True, "Waiting for the pass to be used to sign in")),
]


@pytest.mark.parametrize(("check", "current", "expected"), PASS_CASES)
def test_pass_steps_say_what_graph_shows_and_when_to_tick_by_hand(
    check: Check, current: TemporaryAccessPass | None, expected: CheckResult
) -> None:
    """Only a question Graph can answer ticks itself; the rest ask the technician."""
    assert evaluate(check, BASE, _seen(tap=current)) == expected
