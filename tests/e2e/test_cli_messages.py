"""The CLI's messages, word for word: what a technician reads on stderr when a command fails,
and the one-line answers of revoke. Each case is the whole line, hint included."""

from __future__ import annotations

import pytest

from tapdesk.store import DB_NAME
from tests.helpers.cli import AVA, Cli
from tests.helpers.clock import START
from tests.helpers.demo import UPN

ERIN = UPN["erin.existing"]
BEN = UPN["ben.fresh"]
TODAY = START.astimezone().date().isoformat()


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["issue", AVA, "--lifetime", "0"],
            "Check the input: Argument --lifetime: the lifetime must be a positive number of "
            "minutes. See 'tapdesk issue --help'.",
        ),
        (
            ["issue", AVA, "--lifetime", "-5"],
            "Check the input: Argument --lifetime: the lifetime must be a positive number of "
            "minutes. See 'tapdesk issue --help'.",
        ),
        (
            ["issue", AVA, "--start", "2030-01-06T10:00"],
            "Check the input: Argument --start: '2030-01-06T10:00' needs a time zone, for example "
            "...Z or ...+01:00. See 'tapdesk issue --help'.",
        ),
        (
            ["revoke", AVA, "--frobnicate"],
            "Check the input: Unrecognized arguments: --frobnicate. See 'tapdesk --help'.",
        ),
        (
            ["status"],
            "Check the input: The following arguments are required: user. "
            "See 'tapdesk status --help'.",
        ),
        (
            ["audit", "--from", "2030-01-05", "--to", "2030-01-04"],
            "Check the input: --from 2030-01-05 is after --to 2030-01-04. "
            "Give the earlier day with --from.",
        ),
        (
            ["audit", "--from", "2030-01-07"],
            f"Check the input: --from 2030-01-07 is after today ({TODAY}). "
            "Give the earlier day with --from.",
        ),
    ],
)
def test_a_refused_command_says_why_and_what_to_do(cli: Cli, argv: list[str], said: str) -> None:
    run = cli("--demo", *argv)
    assert (run.code, run.out, run.err) == (2, "", f"tapdesk: {said}\n")


def test_a_one_minute_lifetime_passes_the_parser_and_meets_the_policy(cli: Cli) -> None:
    """1 is a positive number of minutes: it is the tenant's policy that refuses it, not argv."""
    run = cli("--demo", "issue", AVA, "--lifetime", "1")
    assert run.err == (
        "tapdesk: Lifetime outside the policy: The tenant policy allows 60 to 480 minutes; "
        "1 was asked for. Choose a lifetime between 60 and 480 minutes.\n"
    )


def test_audit_without_its_database_refuses_rather_than_showing_nothing(cli: Cli) -> None:
    """An in-memory stand-in must not read as 'no records': the technician is told why."""
    (cli.paths.data_dir / DB_NAME).mkdir(parents=True)  # a folder where the database should be
    run = cli("--demo", "audit")
    assert (run.code, run.out) == (1, "")
    notice, refusal = run.err.splitlines()
    assert notice.startswith("tapdesk: Storage problem: tapdesk cannot write its database")
    assert refusal == (
        "tapdesk: Storage problem: tapdesk could not open its database, so there is no audit "
        "trail to show. The notice above says why; try again once the cause is fixed."
    )


def test_revoke_says_which_pass_it_removed_then_that_there_is_none(cli: Cli) -> None:
    pass_id = cli("--demo", "status", ERIN, "--json").json()["temporaryAccessPass"]["id"]
    first = cli("--demo", "revoke", ERIN)
    assert (first.code, first.err) == (0, "")
    assert first.out == f"Revoked the pass of {ERIN} (id {pass_id}).\n"
    again = cli("--demo", "revoke", ERIN)
    assert again.out == f"{ERIN} has no pass; nothing to revoke.\n"


def test_revoke_json_lists_the_ids_removed(cli: Cli) -> None:
    pass_id = cli("--demo", "status", ERIN, "--json").json()["temporaryAccessPass"]["id"]
    assert cli("--demo", "revoke", ERIN, "--json").json() == {
        "userPrincipalName": ERIN,
        "revoked": [pass_id],
    }
    assert cli("--demo", "revoke", ERIN, "--json").json() == {
        "userPrincipalName": ERIN,
        "revoked": [],
    }


WAITING = (
    f"tapdesk: {BEN} not found yet: a new account can take a few minutes to replicate. "
    "Still replicating? Checking again ("
)


@pytest.mark.parametrize("command", ["status", "revoke"])
def test_a_new_account_still_replicating_is_reported_while_waiting(cli: Cli, command: str) -> None:
    """Graph does not find a new hire yet: the technician sees each retry, not a silent wait."""
    run = cli("--demo", command, BEN)
    assert run.code == 0, run.err
    lines = run.err.splitlines()
    assert lines[0] == f"{WAITING}0 of 45 s)…"
    assert len(lines) > 1 and all(line.startswith(WAITING) for line in lines)
