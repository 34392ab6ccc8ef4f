"""The readiness findings in a technician's words: for each rule, at each of its boundaries, the
exact sentence and hint the card, the roster row and ``tapdesk issue`` show, and its level."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from tapdesk.core.models import (
    AuthMethod,
    MethodKind,
    TapPolicy,
    TemporaryAccessPass,
    UsabilityReason,
)
from tapdesk.core.readiness import (
    Finding,
    Severity,
    TargetFacts,
    assess,
    technician_findings,
)
from tapdesk.core.roles import Roles, TargetRole, Technician
from tapdesk.errors import ExitCode
from tests.helpers.readiness import AVA, GROUPS, NOBODY, NOW, PAT, PRIV_ADMIN, TESS

BLOCKS, WARNING, INFO = Severity.BLOCKS, Severity.WARNING, Severity.INFO
PIM = (
    "If the role is assigned through Privileged Identity Management, activate it and sign in again."
)


def found(facts: TargetFacts, technician: Technician | None = TESS) -> list[Finding]:
    return assess(facts, technician, NOW)


def _tap(minutes_ago: int, lifetime: int = 60, **kw: object) -> TemporaryAccessPass:
    created = NOW - timedelta(minutes=minutes_ago)
    return TemporaryAccessPass("tap-1", created, None, lifetime, False, **kw)  # type: ignore[arg-type]


def test_a_disabled_account_says_nobody_can_sign_in_and_who_can_enable_it() -> None:
    assert found(TargetFacts(replace(AVA, account_enabled=False))) == [
        Finding(
            "disabled",
            BLOCKS,
            "The account is disabled: nobody can sign in with it, pass or not.",
            "Ask HR or a User Administrator to enable the account first.",
        )
    ]
    # Unknown (None) is not disabled.
    assert found(TargetFacts(replace(AVA, account_enabled=None))) == []


def test_an_external_guest_is_refused_and_told_where_they_sign_in() -> None:
    gina = replace(AVA, user_type="Guest", user_principal_name="gina_f.example#EXT#@c.example")
    assert found(TargetFacts(gina)) == [
        Finding(
            "external-guest",
            BLOCKS,
            "This is an external guest: Entra does not give passes to external guests.",
            "They sign in with their own organisation's account.",
        )
    ]
    error = found(TargetFacts(gina))[0].refusal("gina")
    assert error.exit_code is ExitCode.POLICY
    assert error.message == (
        "gina: This is an external guest: Entra does not give passes to external guests."
    )
    assert error.hint == "They sign in with their own organisation's account."


def test_an_internal_guest_is_a_note_without_a_hint() -> None:
    assert found(TargetFacts(replace(AVA, user_type="Guest"))) == [
        Finding(
            "internal-guest",
            INFO,
            "This is an internal guest account: it can receive a pass like a member.",
            "",
        )
    ]


def test_a_switched_off_pass_method_names_who_can_switch_it_on() -> None:
    off = TapPolicy(enabled=False)
    expected = [
        Finding(
            "policy-disabled",
            BLOCKS,
            "The tenant's Temporary Access Pass method is switched off.",
            "Ask an Authentication Policy Administrator to enable it.",
        )
    ]
    assert found(TargetFacts(AVA, off, in_scope=True, scope_checked=True)) == expected
    # Switched off outranks out of scope: one block, the one to fix first.
    assert found(TargetFacts(AVA, off, in_scope=False, scope_checked=True)) == expected


def test_a_user_outside_the_policy_is_told_how_to_be_targeted() -> None:
    assert found(TargetFacts(AVA, GROUPS, in_scope=False, scope_checked=True)) == [
        Finding(
            "out-of-scope",
            BLOCKS,
            "The user is outside the users and groups the pass policy targets: a pass would "
            "not sign them in.",
            "Ask an Authentication Policy Administrator to add the user to a targeted group, "
            "or to take them out of an excluded one.",
        )
    ]


def test_a_failed_scope_check_is_a_note_only_when_the_policy_targets_some() -> None:
    unknown = TargetFacts(AVA, GROUPS, in_scope=None, scope_checked=True)
    assert found(unknown) == [
        Finding(
            "scope-unknown",
            INFO,
            "Could not check whether the pass policy targets the user; a pass works only if "
            "it does.",
            "",
        )
    ]
    # Not checked yet, or a policy for everyone: nothing to say.
    assert found(replace(unknown, scope_checked=False)) == []
    assert found(replace(unknown, policy=TapPolicy())) == []


def test_an_unreadable_policy_says_who_can_read_it() -> None:
    unread = TapPolicy.documented_defaults()
    assert found(TargetFacts(AVA, unread)) == [
        Finding(
            "scope-unknown",
            INFO,
            "The pass policy could not be read, so whether it targets the user is unknown; "
            "a pass works only if it does.",
            "A Global Reader or Authentication Policy Administrator can read it.",
        )
    ]


def test_after_sign_in_unread_roles_say_entra_decides() -> None:
    assert technician_findings(Roles.unknown()) == [
        Finding(
            "roles-unknown",
            INFO,
            "Your directory roles could not be read from the sign-in; Entra will decide "
            "whether you may issue this pass.",
            "",
        )
    ]


def test_a_technician_without_a_role_is_told_which_role_the_target_needs() -> None:
    member = TargetFacts(AVA, target_role=TargetRole.ORDINARY)
    nobody = Technician("n@contoso.example", roles=NOBODY)
    hint = f"Ask your administrator for the role. {PIM}"
    assert found(member, nobody) == [
        Finding(
            "not-privileged",
            WARNING,
            "Your account does not hold Authentication Administrator or Privileged "
            "Authentication Administrator, so Entra will probably refuse to issue the pass.",
            hint,
        )
    ]
    assert found(replace(member, target_role=TargetRole.PRIVILEGED), nobody) == [
        Finding(
            "not-privileged",
            WARNING,
            "Your account does not hold Privileged Authentication Administrator, so Entra "
            "will probably refuse to issue the pass.",
            hint,
        )
    ]


def test_an_admin_target_warns_an_auth_admin_and_reassures_a_privileged_one() -> None:
    admin = TargetFacts(AVA, target_role=TargetRole.PRIVILEGED)
    assert found(admin, TESS) == [
        Finding(
            "admin-target",
            WARNING,
            "This user holds an administrator role: only a Privileged Authentication "
            "Administrator can issue them a pass.",
            "Ask a colleague who holds Privileged Authentication Administrator, or use "
            f"another account that holds it. {PIM}",
        )
    ]
    assert found(admin, PAT) == [
        Finding(
            "admin-target-ok",
            INFO,
            "This user holds an administrator role; your role covers it.",
            "",
        )
    ]


def test_issuing_to_yourself_is_refused_and_sent_to_another_admin() -> None:
    me = Technician("ava@contoso.example", roles=PRIV_ADMIN, object_id="ava-id")
    assert found(TargetFacts(AVA), me) == [
        Finding(
            "self-target",
            BLOCKS,
            "Entra does not let anyone issue a Temporary Access Pass to their own account.",
            "Ask another administrator to issue it.",
        )
    ]


def test_an_unreadable_target_role_is_a_note_unless_the_technician_covers_every_role() -> None:
    unreadable = TargetFacts(AVA, target_role=TargetRole.UNREADABLE)
    assert found(unreadable, TESS) == [
        Finding(
            "role-unknown",
            INFO,
            "This user holds a directory role tapdesk may not read; Entra decides whether "
            "your role covers it.",
            "Granting tapdesk RoleManagement.Read.Directory makes this check exact.",
        )
    ]
    assert found(unreadable, PAT) == []


def test_strong_methods_are_listed_sorted_and_comma_separated() -> None:
    methods = (
        AuthMethod("m1", MethodKind.WINDOWS_HELLO),
        AuthMethod("m2", MethodKind.AUTHENTICATOR),
        AuthMethod("m3", MethodKind.FIDO2),
        AuthMethod("m4", MethodKind.PHONE),  # not named while a strong one is there
        AuthMethod("m5", MethodKind.AUTHENTICATOR),  # named once
    )
    assert found(TargetFacts(AVA, methods=methods)) == [
        Finding(
            "has-methods",
            INFO,
            "Already has Microsoft Authenticator, Passkey (FIDO2), Windows Hello for Business.",
            "Maybe a recovery rather than a first sign-in.",
        )
    ]


def test_other_methods_are_named_without_password_or_pass() -> None:
    methods = (
        AuthMethod("m1", MethodKind.PHONE),
        AuthMethod("m2", MethodKind.EMAIL),
        AuthMethod("m3", MethodKind.PASSWORD),
        AuthMethod("m4", MethodKind.TAP),
    )
    assert found(TargetFacts(AVA, methods=methods)) == [
        Finding("other-methods", INFO, "Has Email, Phone.", "")
    ]
    assert found(TargetFacts(AVA, methods=())) == []


def test_a_pass_still_working_until_its_last_minute_warns_of_replacement() -> None:
    expected = [
        Finding(
            "existing-pass",
            WARNING,
            "The user already has a pass that still works. Issuing a new one replaces it.",
            "Was it issued by a colleague? Ask before replacing it.",
        )
    ]
    assert found(TargetFacts(AVA, tap=_tap(59), tap_known=True)) == expected


def test_a_pass_at_its_expiry_or_used_is_an_old_pass_note() -> None:
    assert found(TargetFacts(AVA, tap=_tap(60), tap_known=True)) == [
        Finding("old-pass", INFO, "An old pass (expired) is still listed.", "")
    ]
    used = _tap(5, usability_reason=UsabilityReason.ONE_TIME_USED)
    assert found(TargetFacts(AVA, tap=used, tap_known=True)) == [
        Finding("old-pass", INFO, "An old pass (used) is still listed.", "")
    ]
