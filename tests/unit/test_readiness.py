"""The one readiness rule set: every rule decided once, from Entra's documented behaviour."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tapdesk.core import roles as r
from tapdesk.core.models import AuthMethod, MethodKind, TapPolicy, TemporaryAccessPass
from tapdesk.core.readiness import (
    RULES,
    Severity,
    TargetFacts,
    assess,
    blocking,
    summary,
    technician_findings,
    worst,
)
from tapdesk.core.roles import Roles, TargetRole, Technician
from tapdesk.errors import ExitCode
from tests.helpers.readiness import AUTH_ADMIN, AVA, GROUPS, NOBODY, NOW, PRIV_ADMIN, TESS

POLICY = GROUPS


def codes(facts: TargetFacts, technician: Technician | None = TESS) -> dict[str, Severity]:
    return {f.code: f.severity for f in assess(facts, technician, NOW)}


def test_a_plain_member_in_scope_is_ready() -> None:
    facts = TargetFacts(
        AVA, POLICY, in_scope=True, scope_checked=True, target_role=TargetRole.ORDINARY
    )
    assert assess(facts, TESS, NOW) == []
    assert summary([]) == "Ready"


def test_a_disabled_account_blocks_with_the_policy_exit_code() -> None:
    found = assess(TargetFacts(replace(AVA, account_enabled=False)), TESS, NOW)
    refused = blocking(found)
    assert refused is not None and refused.code == "disabled"
    error = refused.refusal("carl@contoso.example")
    assert error.exit_code is ExitCode.POLICY
    assert error.message.startswith("carl@contoso.example: The account is disabled")
    assert error.hint


def test_external_guests_block_and_internal_guests_are_allowed() -> None:
    external = replace(AVA, user_type="Guest", user_principal_name="gina_f.example#EXT#@c.example")
    internal = replace(AVA, user_type="Guest")
    assert codes(TargetFacts(external)) == {"external-guest": Severity.BLOCKS}
    assert codes(TargetFacts(internal)) == {"internal-guest": Severity.INFO}


def test_issuing_to_yourself_blocks_by_object_id_or_by_name() -> None:
    by_id = Technician("other-name@contoso.example", roles=PRIV_ADMIN, object_id="ava-id")
    by_name = Technician("AVA@contoso.example", roles=PRIV_ADMIN)
    for me in (by_id, by_name):
        found = assess(TargetFacts(AVA), me, NOW)
        assert [f.code for f in found if f.blocks] == ["self-target"]
        assert blocking(found).refusal("x").exit_code is ExitCode.NOT_PERMITTED  # type: ignore[union-attr]
    # Same name, different id: someone else who once had that name.
    renamed = Technician("ava@contoso.example", object_id="someone-else")
    assert "self-target" not in codes(TargetFacts(AVA), renamed)


def test_outside_the_policy_blocks_and_an_unknown_scope_only_informs() -> None:
    assert codes(TargetFacts(AVA, POLICY, in_scope=False, scope_checked=True)) == {
        "out-of-scope": Severity.BLOCKS
    }
    assert codes(TargetFacts(AVA, POLICY, in_scope=None, scope_checked=True)) == {
        "scope-unknown": Severity.INFO
    }
    # A policy for all users has nothing to check.
    everyone = TapPolicy()
    assert codes(TargetFacts(AVA, everyone, in_scope=None, scope_checked=True)) == {}


def test_an_unreadable_policy_leaves_every_persons_scope_unknown() -> None:
    unread = TapPolicy.documented_defaults()
    found = assess(TargetFacts(AVA, unread, in_scope=None, scope_checked=True), TESS, NOW)
    assert [(f.code, f.severity) for f in found] == [("scope-unknown", Severity.INFO)]
    assert "could not be read" in found[0].text and "Global Reader" in found[0].hint


def test_a_switched_off_method_blocks() -> None:
    off = TapPolicy(enabled=False)
    assert codes(TargetFacts(AVA, off, in_scope=False)) == {"policy-disabled": Severity.BLOCKS}


def test_an_admin_target_only_warns_entra_decides() -> None:
    admin = TargetFacts(AVA, target_role=TargetRole.PRIVILEGED)
    assert codes(admin) == {"admin-target": Severity.WARNING}
    assert codes(admin, Technician("pat", roles=PRIV_ADMIN)) == {"admin-target-ok": Severity.INFO}
    # Roles unknown: still worth a warning about the admin target, never a block.
    assert codes(admin, Technician("x", roles=Roles.unknown())) == {
        "admin-target": Severity.WARNING
    }
    assert codes(TargetFacts(AVA, target_role=None)) == {}


def test_a_technician_without_a_role_is_warned_naming_the_role() -> None:
    found = assess(
        TargetFacts(AVA, target_role=TargetRole.PRIVILEGED), Technician("n", roles=NOBODY), NOW
    )
    assert [f.code for f in found] == ["not-privileged"]
    assert "does not hold Privileged Authentication Administrator" in found[0].text
    assert "Privileged Identity Management" in found[0].hint


def test_after_sign_in_the_technician_hears_about_their_roles_once() -> None:
    assert technician_findings(AUTH_ADMIN) == []
    assert [f.code for f in technician_findings(NOBODY)] == ["not-privileged"]
    assert [f.code for f in technician_findings(Roles.unknown())] == ["roles-unknown"]
    # ... and not again on every person.
    assert "roles-unknown" not in codes(TargetFacts(AVA), Technician("x"))


def _tap(minutes_ago: int, lifetime: int = 60) -> TemporaryAccessPass:
    return TemporaryAccessPass(
        "tap-1",
        created=NOW - timedelta(minutes=minutes_ago),
        start=None,
        lifetime_minutes=lifetime,
        usable_once=False,
    )


def test_an_existing_pass_warns_unless_it_is_the_one_on_screen() -> None:
    live = TargetFacts(AVA, tap=_tap(5), tap_known=True)
    assert codes(live) == {"existing-pass": Severity.WARNING}
    assert codes(replace(live, tap_shown=True)) == {}
    assert codes(TargetFacts(AVA, tap=_tap(120), tap_known=True)) == {"old-pass": Severity.INFO}


def test_methods_are_notes() -> None:
    app = AuthMethod("m1", MethodKind.AUTHENTICATOR)
    phone = AuthMethod("m2", MethodKind.PHONE)
    password = AuthMethod("m3", MethodKind.PASSWORD)
    assert codes(TargetFacts(AVA, methods=(app, password))) == {"has-methods": Severity.INFO}
    assert codes(TargetFacts(AVA, methods=(phone,))) == {"other-methods": Severity.INFO}
    assert codes(TargetFacts(AVA, methods=(password,))) == {}


def test_findings_come_most_serious_first() -> None:
    facts = TargetFacts(
        replace(AVA, account_enabled=False),
        target_role=TargetRole.PRIVILEGED,
        tap=_tap(5),
        methods=(AuthMethod("m1", MethodKind.AUTHENTICATOR),),
    )
    found = assess(facts, TESS, NOW)
    assert [f.severity for f in found] == sorted(
        (f.severity for f in found), key=list(Severity).index
    )
    assert found[0].code == "disabled" and worst(found) is Severity.BLOCKS
    # The roster's one-line verdict: every finding, most serious first, joined by "; ".
    assert summary(found).startswith(
        "The account is disabled: nobody can sign in with it, pass or not.; This user holds"
    )
    assert summary(found).endswith("replaces it.; Already has Microsoft Authenticator.")


@given(
    enabled=st.sampled_from([True, False, None]),
    guest=st.sampled_from([None, "internal", "external"]),
    in_scope=st.sampled_from([True, False, None]),
    admin=st.sampled_from(
        [TargetRole.PRIVILEGED, TargetRole.ORDINARY, TargetRole.UNREADABLE, None]
    ),
    wids=st.one_of(st.none(), st.lists(st.sampled_from([*r.ROLE_NAMES, "0000"]))),
    is_self=st.booleans(),
)
def test_only_the_documented_blocks_ever_block(
    enabled: bool | None,
    guest: str | None,
    in_scope: bool | None,
    admin: TargetRole | None,
    wids: list[str] | None,
    is_self: bool,
) -> None:
    user = replace(AVA, account_enabled=enabled)
    if guest:
        upn = "g_x#EXT#@c.example" if guest == "external" else "g@c.example"
        user = replace(user, user_type="Guest", user_principal_name=upn)
    me = Technician("me", roles=Roles.from_wids(wids), object_id=user.id if is_self else "me-id")
    found = assess(TargetFacts(user, POLICY, in_scope, True, admin), me, NOW)
    expected = {
        "disabled": enabled is False,
        "external-guest": guest == "external",
        "out-of-scope": in_scope is False,
        "self-target": is_self,
    }
    assert {f.code for f in found if f.blocks} == {code for code, on in expected.items() if on}
    assert all(f.text and f.code in RULES for f in found)


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_blocking_rule_has_an_exit_code_and_only_those(code: str) -> None:
    rule = RULES[code]
    assert (rule.severity is Severity.BLOCKS) == (rule.exit_code is not None)


def test_the_readme_lists_every_rule_with_its_severity_and_exit_code() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    rows = {
        cells[0].strip("`"): (cells[2], cells[3])
        for line in readme.splitlines()
        if line.startswith("| `")
        and len(cells := [c.strip() for c in line.strip("|").split("|")]) == 4
    }
    for code, rule in RULES.items():
        exit_code = str(int(rule.exit_code)) if rule.exit_code is not None else "–"
        assert rows.get(code) == (rule.severity.value, exit_code), code
