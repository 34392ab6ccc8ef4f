"""What ``status`` and ``policy`` print, as text and as JSON, line for line."""

from __future__ import annotations

from tapdesk.demo import DEMO_TECHNICIAN_UPN
from tests.helpers.cli import AVA, Cli
from tests.helpers.demo import UPN
from tests.helpers.terminal_qr import block_lines, decode_terminal_qr

GROUP = "4012e9c7-cba6-408d-9606-eeede9bc5c93"  # the demo's pass-eligible group
PRIYA = UPN["priya.passkey"]


def status(cli: Cli, upn: str, *flags: str) -> str:
    run = cli("--demo", "status", upn, *flags)
    assert (run.code, run.err) == (0, ""), run.err
    return run.out


def test_status_names_the_user_and_each_method_kind(cli: Cli) -> None:
    """A passkey shows its authenticator's name; other methods their device name."""
    assert status(cli, PRIYA) == (
        f"Priya Passkey <{PRIYA}>\n"
        "  enabled      yes\n"
        "  type         Member\n"
        "  role         Product Designer · Product\n"
        "  hire date    2029-03-12\n"
        "  pass         none\n"
        "  methods      Password, Microsoft Authenticator (iPhone 15), "
        "Passkey: Microsoft Authenticator (iOS)\n"
    )


def test_status_marks_a_synced_or_disabled_account(cli: Cli) -> None:
    assert status(cli, UPN["sam.synced"]).splitlines()[1:3] == [
        "  enabled      yes",
        "  type         Member (synced from on-premises)",
    ]
    assert status(cli, UPN["carl.disabled"]).splitlines()[1:3] == [
        "  enabled      no",
        "  type         Member",
    ]


def test_status_leaves_out_what_the_directory_does_not_hold(cli: Cli) -> None:
    """Unknown enabled state, type, job, department, hire date: said so, or left out."""
    cli.tenant.edit_user(
        AVA,
        account_enabled=None,
        job_title=None,
        department=None,
        employee_hire_date=None,
        user_type=None,
    )
    lines = status(cli, AVA).splitlines()
    assert lines[1:3] == ["  enabled      unknown", "  type         unknown"]
    assert not any(line.startswith(("  role", "  hire date")) for line in lines)


def test_status_with_only_a_department_shows_it_alone(cli: Cli) -> None:
    cli.tenant.edit_user(AVA, job_title=None, department="Finance")
    role = [line for line in status(cli, AVA).splitlines() if line.startswith("  role")]
    assert role == ["  role         Finance"]


def test_status_shows_the_pass_its_state_use_and_validity(cli: Cli, utc: None) -> None:
    issued = cli("--demo", "issue", AVA, "--lifetime", "120", "--once", "--json").json()
    lines = status(cli, AVA).splitlines()
    assert lines[-3:-1] == [
        f"  pass         active, one-time, expires in 2:00:00 (id {issued['id']})",
        "               valid 2030-01-06 08:00 UTC to 2030-01-06 10:00 UTC",
    ]


def test_status_json_describes_user_pass_and_methods(cli: Cli) -> None:
    """Scripts read every key: the user, the pass (never its value) and each method."""
    issued = cli("--demo", "issue", PRIYA, "--json").json()
    data = cli("--demo", "status", PRIYA, "--json").json()
    user = cli.tenant.users[PRIYA]
    assert data["user"] == {
        "id": user.id,
        "userPrincipalName": PRIYA,
        "displayName": "Priya Passkey",
        "accountEnabled": True,
        "userType": "Member",
        "onPremisesSyncEnabled": None,
        "jobTitle": "Product Designer",
        "department": "Product",
        "employeeHireDate": "2029-03-12T08:00:00Z",
    }
    assert data["temporaryAccessPass"] == {
        "id": issued["id"],
        "createdDateTime": issued["createdDateTime"],
        "startDateTime": issued["startDateTime"],
        "expiresDateTime": issued["expiresDateTime"],
        "lifetimeInMinutes": 60,
        "isUsableOnce": False,
        "isUsable": True,
        "methodUsabilityReason": "EnabledByPolicy",
        "state": "active",
    }
    assert issued["createdDateTime"].endswith("Z")
    methods = [m for m in data["methods"] if m["type"] != "temporaryAccessPass"]
    assert methods == [
        {
            "id": user.methods[0]["id"],
            "type": "password",
            "label": "Password",
            "displayName": None,
            "createdDateTime": "2029-03-12T08:00:00Z",
            "aaGuid": None,
        },
        {
            "id": user.methods[1]["id"],
            "type": "microsoftAuthenticator",
            "label": "Microsoft Authenticator (iPhone 15)",
            "displayName": "iPhone 15",
            "createdDateTime": None,
            "aaGuid": None,
        },
        {
            "id": user.methods[2]["id"],
            "type": "fido2",
            "label": "Passkey: Microsoft Authenticator (iOS)",
            "displayName": "iPhone 15 (Authenticator)",
            "createdDateTime": "2029-04-01T08:00:00Z",
            "aaGuid": "90a3ccdf-635c-4729-a248-9b709135078f",
        },
    ]


def test_status_json_of_a_synced_user_without_a_pass(cli: Cli) -> None:
    data = cli("--demo", "status", UPN["sam.synced"], "--json").json()
    assert data["temporaryAccessPass"] is None
    assert data["user"]["onPremisesSyncEnabled"] is True


def test_policy_text_of_the_demo_tenant(cli: Cli) -> None:
    run = cli("--demo", "policy")
    assert run.out == (
        "Temporary Access Pass policy\n"
        "  state        enabled\n"
        "  lifetime     60 to 480 min, default 60\n"
        "  one-time     optional\n"
        "  length       8 characters\n"
        "  applies to   1 group(s), 0 user(s)\n"
    )


def test_policy_text_and_json_of_a_changed_policy(cli: Cli) -> None:
    """Disabled, one-time forced, all users in scope with exclusions: each shown as set."""
    cli.tenant.set_policy(
        state="disabled",
        isUsableOnce=True,
        defaultLifetimeInMinutes=120,
        minimumLifetimeInMinutes=30,
        maximumLifetimeInMinutes=600,
        defaultLength=12,
        includeTargets=[{"targetType": "group", "id": "all_users"}],
        excludeTargets=[
            {"targetType": "group", "id": GROUP},
            {"targetType": "user", "id": "u-1"},
        ],
    )
    assert cli("--demo", "policy").out == (
        "Temporary Access Pass policy\n"
        "  state        disabled\n"
        "  lifetime     30 to 600 min, default 120\n"
        "  one-time     required\n"
        "  length       12 characters\n"
        "  applies to   all users\n"
    )
    assert cli("--demo", "policy", "--json").json() == {
        "known": True,
        "state": "disabled",
        "defaultLifetimeInMinutes": 120,
        "minimumLifetimeInMinutes": 30,
        "maximumLifetimeInMinutes": 600,
        "defaultLength": 12,
        "isUsableOnce": True,
        "includeTargets": [{"targetType": "group", "id": "all_users"}],
        "excludeTargets": [
            {"targetType": "group", "id": GROUP},
            {"targetType": "user", "id": "u-1"},
        ],
    }


def test_policy_names_user_targets_by_type(cli: Cli) -> None:
    cli.tenant.set_policy(
        includeTargets=[{"targetType": "user", "id": "u-1"}, {"targetType": "user", "id": "u-2"}]
    )
    assert cli("--demo", "policy").out.splitlines()[-1] == "  applies to   0 group(s), 2 user(s)"
    assert cli("--demo", "policy", "--json").json()["includeTargets"] == [
        {"targetType": "user", "id": "u-1"},
        {"targetType": "user", "id": "u-2"},
    ]


def test_policy_a_technician_cannot_read_says_it_shows_the_defaults(cli: Cli) -> None:
    """Without Global Reader the policy is not readable: the header says these are defaults."""
    cli.tenant.set_roles(DEMO_TECHNICIAN_UPN, ["Authentication Administrator"])
    text = cli("--demo", "policy").out
    assert (
        text.splitlines()[0] == "Temporary Access Pass policy (not readable: documented defaults)"
    )
    assert cli("--demo", "policy", "--json").json()["known"] is False


def test_the_terminal_qr_is_compact_with_a_two_module_margin(cli: Cli) -> None:
    """An 8-character pass is a 21-module code; with a 2-module margin it is 25 columns wide."""
    run = cli("--demo", "issue", AVA, "--qr")
    drawing = block_lines(run.out)
    assert decode_terminal_qr(run.out) == [cli.passes()[-1]]
    assert {len(line) for line in drawing} == {25}
    assert len(drawing) == 13  # two module rows per line: ceil(25 / 2)
