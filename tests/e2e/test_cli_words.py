"""The CLI's words, exact: the pass block ``issue`` prints, the notes and warnings said before a
pass is sent, what an interrupted run left behind, the JSON a script parses, and the lines of
login, audit and doctor that only appear in less common situations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from tapdesk.demo import DEMO_TECHNICIAN_UPN, DEMO_TENANT_ID, Fault
from tapdesk.demo.constants import DEFAULT_CONSENTED_SCOPES
from tapdesk.store import DB_NAME
from tests.e2e.test_cli_audit import OTHER, day, ev, record
from tests.e2e.test_cli_doctor import Doctor, dr  # noqa: F401 (the fixture)
from tests.helpers.cli import AVA, SAVED, Cli, Shell
from tests.helpers.clock import local_zone
from tests.helpers.demo import UPN
from tests.helpers.files import write

ERIN = UPN["erin.existing"]
ANDY = UPN["andy.app"]
BEN = UPN["ben.fresh"]
TAPS = "/temporaryAccessPassMethods"
Handler = Callable[[httpx.Request], httpx.Response]
CLOSING = "\nRead it out or show it once; it cannot be displayed again.\n"


@pytest.fixture
def shell(tmp_path: Path) -> Shell:
    return Shell(tmp_path / "home")


@pytest.fixture
def nameless_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A zone with no abbreviation (POSIX "<>0"): strftime's %Z is empty."""
    yield from local_zone(monkeypatch, "<>0")


def on_create(cli: Cli, change: Callable[[httpx.Response], httpx.Response]) -> Handler:
    """Graph's answers to pass creations go through ``change`` (a proxy, an interruption);
    returns the tenant's own handler, to put back."""
    serve = cli.tenant.handler

    def changed(request: httpx.Request) -> httpx.Response:
        response = serve(request)
        if request.method == "POST" and request.url.path.endswith(TAPS):
            return change(response)
        return response

    cli.tenant.handler = changed  # type: ignore[method-assign]
    return serve


def _issue_text(cli: Cli, *flags: str) -> str:
    run = cli("--demo", "issue", AVA, *flags)
    assert (run.code, run.err) == (0, ""), run.err
    return run.out


def _block(value: str, pass_id: str, expires: str, left: str, use: str) -> str:
    return (
        f"Temporary Access Pass for Ava Newhire <{AVA}>\n\n"
        f"    {' '.join(value[i : i + 4] for i in range(0, len(value), 4))}\n\n"
        "  valid from   2030-01-06 08:00 UTC\n"
        f"  expires      2030-01-06 {expires} UTC (expires in {left})\n"
        f"  use          {use}\n"
        f"  pass id      {pass_id}\n" + CLOSING
    )


# --- issue: the pass block ---------------------------------------------------------------------
def test_issue_prints_a_one_time_pass_block_word_for_word(cli: Cli, utc: None) -> None:
    """What the technician reads out: name, grouped pass, validity, one sign-in, id, warning."""
    out = _issue_text(cli, "--once", "--lifetime", "120")
    tap = cli.tenant.users[AVA].tap
    assert tap is not None
    assert out == _block(cli.issued.last, tap.id, "10:00", "2:00:00", "one sign-in only")


def test_issue_prints_a_reusable_pass_block_word_for_word(cli: Cli, utc: None) -> None:
    out = _issue_text(cli)
    tap = cli.tenant.users[AVA].tap
    assert tap is not None
    assert out == _block(cli.issued.last, tap.id, "09:00", "1:00:00", "reusable until it expires")


def test_the_benchs_one_time_default_applies_when_issue_is_not_told(cli: Cli) -> None:
    """TAPDESK_DEFAULT_ONE_TIME makes a plain ``issue`` a one-time pass."""
    run = cli("--demo", "issue", AVA, "--json", env={**cli.env, "TAPDESK_DEFAULT_ONE_TIME": "1"})
    assert (run.code, run.json()["isUsableOnce"]) == (0, True)


def test_issue_json_names_the_user_and_the_pass_times(cli: Cli) -> None:
    """A script matches the pass to the directory object and the times Graph set."""
    data = cli("--demo", "issue", AVA, "--json").json()
    assert (data["userPrincipalName"], data["userId"]) == (AVA, cli.tenant.users[AVA].id)
    assert (data["startDateTime"], data["expiresDateTime"]) == (
        "2030-01-06T08:00:00Z",
        "2030-01-06T09:00:00Z",
    )


def test_issue_json_is_indented_two_spaces_and_keeps_accents(cli: Cli) -> None:
    """The JSON a technician may read too: two-space indent, names as written, not \\u escapes."""
    cli.tenant.edit_user(AVA, display_name="Ava Nuñez")
    out = cli("--demo", "status", AVA, "--json").out
    assert '\n  "user": {\n    "id": "' in out
    assert '\n    "displayName": "Ava Nuñez",\n' in out
    assert out.endswith("\n  ]\n}\n")


def test_revoke_json_is_the_exact_document(cli: Cli) -> None:
    run = cli("--demo", "revoke", AVA, "--json")
    assert run.out == f'{{\n  "userPrincipalName": "{AVA}",\n  "revoked": []\n}}\n'


# --- issue: what is said on stderr on the way --------------------------------------------------
def test_an_unreadable_policy_is_said_before_checking_against_the_defaults(cli: Cli) -> None:
    """A plain Authentication Administrator cannot read the policy: tapdesk says what it assumes."""
    cli.tenant.set_roles(DEMO_TECHNICIAN_UPN, ["Authentication Administrator"])
    run = cli("--demo", "issue", AVA, "--json")
    assert run.code == 0
    assert run.err == (
        "tapdesk: the tenant's pass policy could not be read; checking against Microsoft's "
        "documented defaults.\n"
        "tapdesk: note: The pass policy could not be read, so whether it targets the user is "
        "unknown; a pass works only if it does. A Global Reader or Authentication Policy "
        "Administrator can read it.\n"
    )


def test_issue_says_a_warning_as_warning_and_a_finding_as_note(cli: Cli) -> None:
    erin = cli("--demo", "issue", ERIN, "--json")
    assert erin.err == (
        "tapdesk: warning: The user already has a pass that still works. Issuing a new one "
        "replaces it. Was it issued by a colleague? Ask before replacing it.\n"
    )
    andy = cli("--demo", "issue", ANDY, "--json")
    assert andy.err == (
        "tapdesk: note: Already has Microsoft Authenticator. Maybe a recovery rather than a "
        "first sign-in.\n"
    )


def test_a_note_without_a_hint_ends_at_its_full_stop(cli: Cli) -> None:
    """An internal guest's note has no hint: no trailing blank on the line."""
    cli.tenant.add_user("gus.guest", "Gus", "Guest", internal_guest=True)
    run = cli("--demo", "issue", "gus.guest@northwind.example", "--json")
    assert run.err == (
        "tapdesk: note: This is an internal guest account: it can receive a pass like a member.\n"
    )


def test_a_token_without_an_issuing_role_is_warned_before_graph_refuses(cli: Cli) -> None:
    """An access token carries no roles: Graph's answer about the technician's roles is used."""
    cli.tenant.set_roles(DEMO_TECHNICIAN_UPN, ["Global Reader"])
    scopes = [*DEFAULT_CONSENTED_SCOPES, "RoleManagement.Read.Directory"]  # roles readable
    cli.tenant.consent(scopes)
    cli.env["TAPDESK_ACCESS_TOKEN"] = cli.tenant.access_token(DEMO_TECHNICIAN_UPN, scopes)
    run = cli("--demo", "issue", AVA)
    assert run.code == 5
    assert run.err.splitlines()[0] == (
        "tapdesk: warning: Your account does not hold Authentication Administrator or Privileged "
        "Authentication Administrator, so Entra will probably refuse to issue the pass. Ask your "
        "administrator for the role. If the role is assigned through Privileged Identity "
        "Management, activate it and sign in again."
    )


def test_issue_reports_each_wait_for_a_new_account(cli: Cli) -> None:
    """A new hire not yet replicated: issue says it is waiting, as status and revoke do."""
    run = cli("--demo", "issue", BEN, "--json")
    assert run.code == 0, run.err
    assert run.err.splitlines()[0] == (
        f"tapdesk: {BEN} not found yet: a new account can take a few minutes to replicate. "
        "Still replicating? Checking again (0 of 45 s)…"
    )


def test_issue_says_a_lost_reply_was_replaced(cli: Cli) -> None:
    """The create's reply is lost after Graph made the pass: the technician hears of the retry."""
    cli.tenant.inject(Fault.drop_after_create())
    run = cli("--demo", "issue", AVA, "--json")
    assert run.code == 0
    assert run.err == (
        "tapdesk: The reply was lost after Graph created a pass; issuing a replacement.\n"
        "tapdesk: Cannot reach Microsoft; trying again in 0.0 s…\n"
    )
    assert run.json()["temporaryAccessPass"] == cli.issued.last


def test_a_created_pass_without_its_value_is_an_error_to_revoke(cli: Cli) -> None:
    """A proxy that strips the pass value from Graph's answer: exit 1 and what to do."""

    def strip_value(response: httpx.Response) -> httpx.Response:
        body = response.json()
        del body["temporaryAccessPass"]
        return httpx.Response(201, json=body)

    on_create(cli, strip_value)
    run = cli("--demo", "issue", AVA)
    assert (run.code, run.out) == (1, "")
    assert run.err == (
        "tapdesk: Microsoft Graph did not return the pass value; revoke it and issue again.\n"
    )


# --- the audit trail must be there unless the site says otherwise -----------------------------
def test_without_its_database_issue_sends_no_pass(cli: Cli) -> None:
    (cli.paths.data_dir / DB_NAME).mkdir(parents=True)
    run = cli("--demo", "issue", AVA)
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines()[-1].startswith("tapdesk: No audit trail: No pass was issued")
    assert cli.tenant.users[AVA].tap is None


def test_a_site_that_allows_it_issues_without_the_database(cli: Cli) -> None:
    (cli.paths.data_dir / DB_NAME).mkdir(parents=True)
    write(cli.paths.site_file, "[audit]\nallow_issue_without_trail = true\n")
    cli.paths = replace(cli.paths, site_moved_by=None)  # as if at the system location
    run = cli("--demo", "issue", AVA, "--json")
    assert run.code == 0
    assert run.err.splitlines()[-1] == (
        "tapdesk: The audit trail is off on this bench: this pass is not recorded durably."
    )
    assert run.json()["temporaryAccessPass"] == cli.issued.last


# --- what an interrupted run left ------------------------------------------------------------
def test_the_next_command_names_a_pass_left_by_an_interrupted_issue(cli: Cli) -> None:
    """Ctrl-C after Graph created the pass: the next command says so and how to revoke it."""

    def interrupted(response: httpx.Response) -> httpx.Response:
        raise KeyboardInterrupt

    serve = on_create(cli, interrupted)
    assert cli("--demo", "issue", AVA).code == 130
    cli.tenant.handler = serve  # type: ignore[method-assign]
    run = cli("--demo", "status", AVA)
    assert run.err == (
        f"tapdesk: A pass for {AVA} was issued at 06 Jan 08:00 when tapdesk was interrupted; it "
        "is recorded now. Its value is gone: revoke it, or replace it if still needed.\n"
        f"tapdesk: to revoke it: tapdesk revoke {AVA}\n"
    )
    assert cli("--demo", "status", AVA).err == ""  # settled once


# --- status and policy ---------------------------------------------------------------------
def test_status_shows_a_reusable_pass_as_reusable(cli: Cli) -> None:
    cli("--demo", "issue", AVA)
    [line] = [x for x in cli("--demo", "status", AVA).out.splitlines() if "pass   " in x]
    assert line.startswith("  pass         active, reusable, expires in 1:00:00 (id ")


def test_status_says_none_for_a_user_without_methods(cli: Cli) -> None:
    cli.tenant.edit_user(AVA, methods=[])
    assert cli("--demo", "status", AVA).out.splitlines()[-1] == "  methods      none"


def test_status_names_an_unlisted_passkey_by_the_model_graph_reports(cli: Cli) -> None:
    """A security key tapdesk's table does not know: Graph's model name, not a generic label."""
    key = {
        "@odata.type": "#microsoft.graph.fido2AuthenticationMethod",
        "id": "key-1",
        "displayName": "Desk key",
        "createdDateTime": "2029-12-01T09:00:00Z",
        "aaGuid": "00000000-1111-2222-3333-444444444444",
        "model": "Contoso Key 9",
    }
    cli.tenant.edit_user(AVA, methods=[key])
    assert cli("--demo", "status", AVA).out.splitlines()[-1] == (
        "  methods      Passkey: Contoso Key 9"
    )


def test_policy_json_says_enabled_or_disabled(cli: Cli) -> None:
    assert cli("--demo", "policy", "--json").json()["state"] == "enabled"
    cli.tenant.set_policy(state="disabled")
    assert cli("--demo", "policy", "--json").json()["state"] == "disabled"


# --- login -----------------------------------------------------------------------------------
def test_login_with_device_code_shows_a_code_even_when_signed_in(shell: Shell) -> None:
    """--device-code is for signing in afresh on this shell: it never reuses the cached account."""
    shell("login", "--device-code")
    run = shell("login", "--device-code")
    assert run.code == 0
    assert run.err.startswith("To sign in, open ")


def test_a_signed_in_technician_is_stopped_before_issuing_to_themselves(shell: Shell) -> None:
    """Who is signed in comes from the sign-in: their own account is refused before Graph."""
    shell("login", "--device-code")
    run = shell("issue", DEMO_TECHNICIAN_UPN)
    assert run.code == 5
    assert run.err.splitlines()[-1] == (
        f"tapdesk: Not permitted: {DEMO_TECHNICIAN_UPN}: Entra does not let anyone issue a "
        "Temporary Access Pass to their own account. Ask another administrator to issue it."
    )
    assert not [r for r in shell.tenant.requests if r[0] == "POST" and r[1].endswith(TAPS)]


def test_a_technician_renamed_since_signing_in_is_still_stopped_by_their_object_id(
    shell: Shell,
) -> None:
    """The sign-in still names the old UPN; the object id is what recognises the account."""
    shell("login", "--device-code")
    renamed = "renamed." + DEMO_TECHNICIAN_UPN
    shell.tenant.rename_user(DEMO_TECHNICIAN_UPN, renamed)
    run = shell("issue", renamed)
    assert run.code == 5
    assert run.err.splitlines()[-1] == (
        f"tapdesk: Not permitted: {renamed}: Entra does not let anyone issue a "
        "Temporary Access Pass to their own account. Ask another administrator to issue it."
    )
    assert not [r for r in shell.tenant.requests if r[0] == "POST" and r[1].endswith(TAPS)]


def test_login_notes_an_account_whose_roles_the_sign_in_does_not_carry(shell: Shell) -> None:
    """No roles in the ID token: one note, no trailing blank."""
    run = shell("login", "--account", AVA)
    assert run.code == 0
    assert run.err == SAVED + (
        "tapdesk: Your directory roles could not be read from the sign-in; Entra will decide "
        "whether you may issue this pass.\n"
    )


# --- audit and doctor ------------------------------------------------------------------------
def test_the_audit_table_of_all_tenants_has_a_tenant_column(cli: Cli) -> None:
    record(cli, ev(0, pass_id="ours"))
    record(cli, ev(0, pass_id="theirs"), tenant=OTHER)
    header = cli("--demo", "audit", "--tenant", "all").out.splitlines()[1]
    assert header.split()[-2:] == ["TENANT", "DETAIL"]


def test_the_audit_table_says_local_time_for_a_zone_without_a_name(
    cli: Cli, nameless_zone: None
) -> None:
    record(cli, ev(0))
    assert cli("--demo", "audit").out.splitlines()[0] == (
        f"Audit trail, {day(6)} to {day(0)}, tenant {DEMO_TENANT_ID}: 1 record; times in local time"
    )


def test_doctor_masks_a_proxy_with_a_password_and_no_host(
    dr: Doctor,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://ann:s3cret@:8080")
    assert dr.lines("--demo")[3] == (
        "  ok    proxy     https=http://***@:8080 (from the environment)"
    )
