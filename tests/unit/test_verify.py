from __future__ import annotations

from datetime import timedelta

import pytest

from tapdesk.core.aaguid import AUTHENTICATOR_ANDROID, AUTHENTICATOR_IOS
from tapdesk.core.flows import Check
from tapdesk.core.models import AuthMethod, MethodKind, TemporaryAccessPass, UsabilityReason
from tapdesk.core.verify import (
    READS_FOR_CHECK,
    Baseline,
    GraphRead,
    Observation,
    already_met,
    evaluate,
    first_use_seen,
    observable,
)
from tests.helpers.clock import START

YUBIKEY = "cb69481e-8ff7-4039-93ec-0a2729a154a8"
PASSWORD = AuthMethod("pw", MethodKind.PASSWORD)
OLD_APP = AuthMethod("app-old", MethodKind.AUTHENTICATOR, "Old phone")
LATER = START + timedelta(minutes=3)
ALL = frozenset(GraphRead)


def tap(
    tap_id: str = "tap-1",
    *,
    once: bool = True,
    reason: UsabilityReason = UsabilityReason.ENABLED_BY_POLICY,
) -> TemporaryAccessPass:
    return TemporaryAccessPass(tap_id, START, None, 60, once, True, reason)


BASE = Baseline.capture(tap(), [PASSWORD, OLD_APP], START)


def seen(
    *methods: AuthMethod,
    current: TemporaryAccessPass | None = None,
    reads: frozenset[GraphRead] = ALL,
) -> Observation:
    return Observation(LATER, reads, (PASSWORD, OLD_APP, *methods), current)


def test_baseline_holds_the_method_ids_and_pass() -> None:
    assert BASE.method_ids == {"pw", "app-old"}
    assert BASE.pass_id == "tap-1" and BASE.issued_at == START
    assert BASE.kinds == {MethodKind.PASSWORD, MethodKind.AUTHENTICATOR}
    assert BASE.with_pass("tap-2") == Baseline("tap-2", START, BASE.method_ids, BASE.kinds)


def test_authenticator_already_there_does_not_count() -> None:
    result = evaluate(Check.AUTHENTICATOR_ADDED, BASE, seen())
    assert not result.met and result.known
    assert result.text.startswith("Waiting for Microsoft Authenticator")


def test_new_authenticator_with_null_created_counts() -> None:
    # graph-tap §3.3: createdDateTime is null without passwordless registration.
    new = AuthMethod("app-new", MethodKind.AUTHENTICATOR, "Ava's iPhone", created=None)
    result = evaluate(Check.AUTHENTICATOR_ADDED, BASE, seen(new))
    assert result.met and result.method == new
    assert "Ava's iPhone" in result.text


@pytest.mark.parametrize(
    "aaguid", [AUTHENTICATOR_IOS, AUTHENTICATOR_ANDROID, AUTHENTICATOR_IOS.upper()]
)
def test_authenticator_passkey_on_either_platform(aaguid: str) -> None:
    key = AuthMethod("fido-1", MethodKind.FIDO2, "iPhone", created=LATER, aaguid=aaguid)
    result = evaluate(
        Check.AUTHENTICATOR_PASSKEY, BASE, seen(key, reads=frozenset({GraphRead.FIDO2}))
    )
    assert result.met
    assert "Microsoft Authenticator" in result.text


def test_a_security_key_is_not_an_authenticator_passkey_but_is_a_passkey() -> None:
    key = AuthMethod("fido-2", MethodKind.FIDO2, "YubiKey 5", aaguid=YUBIKEY, model="YubiKey 5 NFC")
    in_app = evaluate(Check.AUTHENTICATOR_PASSKEY, BASE, seen(key))
    assert not in_app.met and in_app.known
    assert "YubiKey 5 NFC" in in_app.text and "still waiting" in in_app.text
    assert evaluate(Check.PASSKEY_ADDED, BASE, seen(key)).met


def test_a_passkey_from_before_the_pass_does_not_count() -> None:
    old_key = AuthMethod("fido-old", MethodKind.FIDO2, aaguid=AUTHENTICATOR_IOS)
    base = Baseline.capture(tap(), [old_key], START)
    assert not evaluate(Check.AUTHENTICATOR_PASSKEY, base, seen(old_key)).met
    assert not evaluate(Check.PASSKEY_ADDED, base, seen(old_key)).met


def test_windows_hello() -> None:
    hello = AuthMethod("whfb-1", MethodKind.WINDOWS_HELLO, "AVA-LAPTOP")
    assert not evaluate(Check.WINDOWS_HELLO_ADDED, BASE, seen()).met
    result = evaluate(Check.WINDOWS_HELLO_ADDED, BASE, seen(hello))
    assert result.met and "AVA-LAPTOP" in result.text


def test_a_list_that_was_not_read_is_unknown() -> None:
    new = AuthMethod("app-new", MethodKind.AUTHENTICATOR)
    result = evaluate(
        Check.AUTHENTICATOR_ADDED, BASE, seen(new, reads=frozenset({GraphRead.FIDO2}))
    )
    assert not result.met and not result.known and result.text == "Not checked yet"


def test_all_methods_answers_every_method_check_but_not_the_pass() -> None:
    obs = Observation(LATER, frozenset({GraphRead.ALL_METHODS}))
    assert obs.has(GraphRead.FIDO2) and obs.has(GraphRead.AUTHENTICATOR)
    assert not obs.has(GraphRead.PASS)
    assert not evaluate(Check.PASS_REVOKED, BASE, obs).known


def test_pass_used_for_a_one_time_pass() -> None:
    waiting = evaluate(Check.PASS_USED, BASE, seen(current=tap()))
    assert not waiting.met and waiting.known
    used = tap(reason=UsabilityReason.ONE_TIME_USED)
    assert evaluate(Check.PASS_USED, BASE, seen(current=used)).met
    assert first_use_seen(BASE, seen(current=used))
    assert not first_use_seen(BASE, seen(current=used, reads=frozenset({GraphRead.FIDO2})))


def test_pass_used_cannot_be_seen_for_a_reusable_pass() -> None:
    result = evaluate(Check.PASS_USED, BASE, seen(current=tap(once=False)))
    assert not result.met and not result.known
    assert "reusable" in result.text
    assert not observable(Check.PASS_USED, usable_once=False)
    assert observable(Check.PASS_USED, usable_once=True)


def test_pass_used_when_the_pass_is_gone_or_replaced() -> None:
    assert not evaluate(Check.PASS_USED, BASE, seen(current=None)).known
    assert "replaced" in evaluate(Check.PASS_USED, BASE, seen(current=tap("tap-2"))).text


def test_pass_revoked_means_no_pass_left() -> None:
    assert evaluate(Check.PASS_REVOKED, BASE, seen(current=None)).met
    still = evaluate(Check.PASS_REVOKED, BASE, seen(current=tap()))
    assert not still.met and still.text.startswith("Waiting")
    expired = evaluate(Check.PASS_REVOKED, BASE, seen(current=tap(reason=UsabilityReason.EXPIRED)))
    assert not expired.met and "expired" in expired.text
    newer = evaluate(Check.PASS_REVOKED, BASE, seen(current=tap("tap-2")))
    assert not newer.met and "newer pass" in newer.text


def test_each_check_needs_one_narrow_read() -> None:
    assert READS_FOR_CHECK[Check.AUTHENTICATOR_PASSKEY] == {GraphRead.FIDO2}
    assert READS_FOR_CHECK[Check.PASS_USED] == {GraphRead.PASS}
    assert READS_FOR_CHECK[Check.PASS_REVOKED] == {GraphRead.PASS}
    assert all(
        len(reads) == 1 and GraphRead.ALL_METHODS not in reads for reads in READS_FOR_CHECK.values()
    )
    assert set(READS_FOR_CHECK) == set(Check)


def test_a_security_key_is_a_passkey_that_is_not_authenticators_and_shows_its_aaguid() -> None:
    phone = AuthMethod("fido-app", MethodKind.FIDO2, "iPhone", aaguid=AUTHENTICATOR_IOS)
    key = AuthMethod(
        "fido-key", MethodKind.FIDO2, "Blue key", aaguid=YUBIKEY.upper(), model="YubiKey 5"
    )
    waiting = evaluate(Check.SECURITY_KEY_ADDED, BASE, seen())
    assert (waiting.met, waiting.known) == (False, True)
    assert waiting.text == "Waiting for a passkey on a security key"
    in_app = evaluate(Check.SECURITY_KEY_ADDED, BASE, seen(phone))
    assert (in_app.met, in_app.known) == (False, True)
    assert in_app.text == (
        "A passkey from Microsoft Authenticator (iOS) ('iPhone') appeared; "
        "still waiting for a security key"
    )
    found = evaluate(Check.SECURITY_KEY_ADDED, BASE, seen(phone, key))
    assert found.met and found.known and found.method == key
    assert found.text == f"Security key added: YubiKey 5 ('Blue key'), AAGUID {YUBIKEY}"
    bare = AuthMethod("fido-k2", MethodKind.FIDO2, "", model="Key")
    assert evaluate(Check.SECURITY_KEY_ADDED, BASE, seen(bare)).text == "Security key added: Key"
    assert READS_FOR_CHECK[Check.SECURITY_KEY_ADDED] == {GraphRead.FIDO2}


def test_a_method_already_on_the_account_answers_only_its_own_check() -> None:
    hello = AuthMethod("whfb", MethodKind.WINDOWS_HELLO, "LAPTOP-1")
    app = already_met(Check.AUTHENTICATOR_ADDED, [PASSWORD, OLD_APP])
    assert app is not None and app.met and app.known and app.method == OLD_APP
    assert app.text == "Microsoft Authenticator was already on the account on Old phone"
    win = already_met(Check.WINDOWS_HELLO_ADDED, [hello])
    assert (
        win is not None
        and win.text == "Windows Hello for Business was already on the account on LAPTOP-1"
    )
    unnamed = already_met(Check.AUTHENTICATOR_ADDED, [AuthMethod("a", MethodKind.AUTHENTICATOR)])
    assert (
        unnamed is not None and unnamed.text == "Microsoft Authenticator was already on the account"
    )
    assert already_met(Check.AUTHENTICATOR_ADDED, [PASSWORD, hello]) is None
    assert already_met(Check.PASSKEY_ADDED, [PASSWORD, OLD_APP]) is None
