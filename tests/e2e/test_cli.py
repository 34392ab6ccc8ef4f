"""The headless CLI end to end against the demo tenant: output, exit codes, errors on stderr."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tapdesk.demo import DEMO_TECHNICIAN_UPN, DemoTenant, Fault
from tests.helpers.cli import AVA, Cli
from tests.helpers.graph_server import serve_graph
from tests.helpers.terminal_qr import decode_terminal_qr
from tests.helpers.tokens import mint_token


def test_issue_status_revoke_behave_like_a_tenant(cli: Cli) -> None:
    issued = cli("--demo", "issue", AVA, "--lifetime", "120", "--once", "--json")
    assert issued.code == 0, issued.err
    data = issued.json()
    for key in (
        "userPrincipalName",
        "id",
        "temporaryAccessPass",
        "startDateTime",
        "expiresDateTime",
        "lifetimeInMinutes",
        "isUsableOnce",
    ):
        assert key in data
    assert (
        data["userPrincipalName"] == AVA
        and data["lifetimeInMinutes"] == 120
        and data["isUsableOnce"] is True
    )
    [code] = cli.passes()

    status = cli("--demo", "status", AVA, "--json")
    assert status.code == 0
    assert status.json()["temporaryAccessPass"]["id"] == data["id"]
    assert status.json()["temporaryAccessPass"]["state"] == "active"
    assert code not in status.out

    text = cli("--demo", "status", AVA)
    assert "active, one-time" in text.out and "Password" in text.out

    revoked = cli("--demo", "revoke", AVA)
    assert revoked.code == 0 and data["id"] in revoked.out
    assert cli("--demo", "status", AVA, "--json").json()["temporaryAccessPass"] is None
    assert "nothing to revoke" in cli("--demo", "revoke", AVA).out


def test_issue_json_prints_the_pass_the_tenant_issued(cli: Cli) -> None:
    """Scripts read the pass from --json: the value itself, not its masked form."""
    issued = cli("--demo", "issue", AVA, "--json")
    assert issued.code == 0, issued.err
    assert issued.json()["temporaryAccessPass"] == cli.passes()[-1]
    tap = cli.tenant.users[AVA].tap
    assert tap is not None and issued.json()["id"] == tap.id


def test_issue_text_groups_the_pass_and_draws_a_qr(cli: Cli) -> None:
    """The pass to read out, in groups of four, and a QR a phone reads the same pass from."""
    run = cli("--demo", "issue", AVA, "--qr")
    assert run.code == 0
    [value] = cli.passes()
    groups = " ".join(value[i : i + 4] for i in range(0, len(value), 4))  # '-' is no break
    assert f"    {groups}\n" in run.out
    assert "expires" in run.out
    assert decode_terminal_qr(run.out) == [value]
    assert "cannot be displayed again" in run.out


def test_existing_pass_is_announced_before_it_is_replaced(cli: Cli) -> None:
    run = cli("--demo", "issue", "erin.existing@northwind.example")
    assert run.code == 0
    assert "already has a pass" in run.err and "replaces it" in run.err


def test_policy_command(cli: Cli) -> None:
    run = cli("--demo", "policy", "--json")
    assert run.code == 0 and run.json()["minimumLifetimeInMinutes"] == 60
    assert "lifetime" in cli("--demo", "policy").out


@pytest.mark.parametrize(
    ("argv", "exit_code", "words"),
    [
        (["issue", "ava newhire"], 2, "space"),
        (["issue", AVA, "--lifetime", "abc"], 2, "whole number"),
        (["issue", AVA, "--start", "tomorrow"], 2, "ISO 8601"),
        (["issue", AVA, "--lifetime", "30"], 7, "60 to 480"),
        (["issue", "oscar.outside@northwind.example"], 7, "policy"),
        # A token handed in carries no roles tapdesk may read: Graph's refusal, explained.
        (["issue", "alex.admin@northwind.example"], 5, "Privileged Authentication Administrator"),
        (["issue", DEMO_TECHNICIAN_UPN], 5, "own account"),
        (["issue", "nobody@northwind.example"], 6, "not found"),
        (["issue", AVA, "--start", "2020-01-01T00:00:00Z"], 7, "in the past"),
        (["frobnicate"], 2, "invalid choice"),
    ],
)
def test_errors_have_distinct_exit_codes_and_one_clear_line(
    cli: Cli, argv: list[str], exit_code: int, words: str
) -> None:
    run = cli("--demo", *argv)
    assert run.code == exit_code, run.err
    assert run.out == ""
    lines = [
        line for line in run.err.splitlines() if line.startswith("tapdesk: ") and ":" in line[9:]
    ]
    assert any(words.lower() in line.lower() for line in lines), run.err


def test_role_preflight_warns_before_the_tenant_answers(cli: Cli) -> None:
    run = cli("--demo", "issue", "alex.admin@northwind.example")
    # Without a permission to read roles Graph shows *a* role: a note first, Entra decides.
    assert "directory role tapdesk may not read" in run.err.splitlines()[0]
    assert run.code == 5 and "admin role" in run.err.splitlines()[-1]
    # A warning, not a block: the tenant had the last word.
    assert any(r[0] == "POST" for r in cli.tenant.requests if "temporaryAccess" in r[1])


def test_issuing_to_oneself_is_stopped_before_sending(cli: Cli) -> None:
    assert cli("--demo", "issue", DEMO_TECHNICIAN_UPN).code == 5
    assert not [r for r in cli.tenant.requests if r[0] == "POST" and "temporaryAccess" in r[1]]


def test_graph_errors_carry_the_request_id(cli: Cli) -> None:
    run = cli("--demo", "issue", "alex.admin@northwind.example")
    assert "(request-id " in run.err.splitlines()[-1]


def test_throttled_and_offline_exit_8(cli: Cli) -> None:
    cli.tenant.inject(Fault.throttle(retry_after="1.5", times=100))
    assert cli("--demo", "status", AVA).code == 8
    cli.tenant.clear_faults()
    cli.tenant.inject(Fault.offline(times=100))
    run = cli("--demo", "policy")
    assert run.code == 8 and "network" in run.err


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_graph_server_error_is_an_outage_to_wait_out(cli: Cli, status: int) -> None:
    """A 5xx is Microsoft's trouble, not a refusal: exit 8 (try later) and the health page."""
    cli.tenant.inject(Fault.error(status, "generalException", "Oops", times=None))
    run = cli("--demo", "status", AVA)
    assert run.code == 8, run.err
    assert f"Microsoft Graph answered {status} and kept failing" in run.err
    assert "service health" in run.err


def test_bad_token_exit_4(cli: Cli) -> None:
    run = cli("--demo", "status", AVA, env={**cli.env, "TAPDESK_ACCESS_TOKEN": "garbage"})
    assert run.code == 4 and "Sign" in run.err


def test_no_tenant_configured_exit_3(cli: Cli) -> None:
    run = cli("status", AVA, env={"TAPDESK_HOME": cli.env["TAPDESK_HOME"]})
    assert run.code == 3 and "--demo" in run.err


def test_bad_config_file_names_file_line_and_key(cli: Cli) -> None:
    cli.paths.user_file.parent.mkdir(parents=True)
    cli.paths.user_file.write_text("[issue]\ndefault_one_time = maybe\n")
    run = cli("--demo", "policy")
    assert run.code == 3
    assert str(cli.paths.user_file) in run.err and "line 2" in run.err


def test_config_default_lifetime_is_used(cli: Cli) -> None:
    run = cli("--demo", "issue", AVA, "--json", env={**cli.env, "TAPDESK_DEFAULT_LIFETIME": "90"})
    assert run.json()["lifetimeInMinutes"] == 90


def test_doctor_on_the_demo_tenant(cli: Cli) -> None:
    run = cli("--demo", "doctor")
    assert run.code == 0, run.out + run.err
    assert "demo tenant" in run.out and "graph" in run.out and "Ready." in run.out
    data = cli("--demo", "doctor", "--json").json()
    assert data["ok"] is True and {c["name"] for c in data["checks"]} >= {
        "config",
        "keyring",
        "proxy",
        "graph",
    }


def test_doctor_reports_missing_tenant(cli: Cli) -> None:
    run = cli("doctor", env={"TAPDESK_HOME": cli.env["TAPDESK_HOME"]})
    assert run.code == 1 and "fail" in run.out and "--demo" in run.out


def test_the_pass_reaches_no_log_record_and_no_file(
    cli: Cli, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert cli("--demo", "-v", "issue", AVA, "--json").code == 0
    cli.tenant.inject(Fault.drop_after_create())
    assert cli("--demo", "-v", "issue", AVA, "--json", "--once").code == 0
    codes = cli.passes()  # what Graph sent, not what tapdesk printed (that may be masked)
    assert len(codes) == 2
    cli("--demo", "-v", "status", AVA)
    cli("--demo", "-v", "revoke", AVA)
    records = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    assert caplog.records, "DEBUG logging was on"
    files = [p for d in cli.paths.all_dirs() if d.exists() for p in d.rglob("*") if p.is_file()]
    assert any(p.name == "tapdesk.log" for p in files)
    for secret in codes:
        assert secret not in records
        for path in files:
            assert secret.encode() not in path.read_bytes(), path


@pytest.mark.slow
def test_any_graph_server_with_an_access_token(tmp_path: Path) -> None:
    """TAPDESK_GRAPH_URL + TAPDESK_ACCESS_TOKEN, a real socket, a real process, no demo flag."""
    tenant = DemoTenant()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TAPDESK_")},
        "TAPDESK_HOME": str(tmp_path),
        "TAPDESK_ACCESS_TOKEN": mint_token(tenant, DEMO_TECHNICIAN_UPN),
        "NO_PROXY": "127.0.0.1,localhost",
    }
    with serve_graph(tenant) as url:
        env["TAPDESK_GRAPH_URL"] = url

        def run(*argv: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "tapdesk", *argv],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )

        issued = run("issue", AVA, "--json")
        assert issued.returncode == 0, issued.stderr
        pass_id = json.loads(issued.stdout)["id"]
        status = run("status", AVA, "--json")
        assert json.loads(status.stdout)["temporaryAccessPass"]["id"] == pass_id
        assert run("revoke", AVA).returncode == 0
        assert json.loads(run("status", AVA, "--json").stdout)["temporaryAccessPass"] is None


def test_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tapdesk", "--version"], capture_output=True, text=True, timeout=60
    )
    from tapdesk import __version__

    assert result.returncode == 0 and result.stdout.strip() == f"tapdesk {__version__}"


@pytest.mark.parametrize(("skew", "status"), [(0, "ok"), (600, "warn"), (-600, "warn")])
def test_doctor_measures_clock_skew(cli: Cli, skew: float, status: str) -> None:
    cli.tenant.clock_skew = skew
    checks = {c["name"]: c for c in cli("--demo", "doctor", "--json").json()["checks"]}
    assert checks["clock"]["status"] == status
    assert f"{-skew:+.0f} s" in checks["clock"]["detail"]


@pytest.mark.parametrize("skew", [600, -600])
def test_clock_skew_of_ten_minutes(cli: Cli, skew: float) -> None:
    """The bench PC's clock is ten minutes off: the countdown and start checks follow the tenant."""
    cli.tenant.clock_skew = skew
    cli.env["TAPDESK_ACCESS_TOKEN"] = mint_token(cli.tenant, DEMO_TECHNICIAN_UPN)  # server's time
    run = cli("--demo", "issue", AVA, "--lifetime", "60")
    assert run.code == 0, run.err
    assert "expires in 1:00:00" in run.out or "expires in 59:" in run.out
    status = cli("--demo", "status", AVA, "--json").json()["temporaryAccessPass"]
    assert status["state"] == "active"
    # "now" by our wrong clock is in the past for a tenant ten minutes ahead: said clearly.
    from datetime import timedelta

    local_now = (cli.clock.now() + timedelta(seconds=30)).isoformat()
    late = cli("--demo", "issue", AVA, "--start", local_now)
    if skew > 0:
        assert late.code == 7 and "in the past" in late.err
    else:
        assert late.code == 0, late.err


def test_a_bug_is_one_line_not_a_traceback(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from tapdesk.graph.client import GraphClient

    def broken(self: GraphClient) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(GraphClient, "get_tap_policy", broken)
    run = cli("--demo", "policy")
    assert run.code == 1
    assert run.err.count("\n") == 1 and "RuntimeError" in run.err and "Traceback" not in run.err
    assert "Traceback" in (cli.paths.log_dir / "tapdesk.log").read_text()


def test_issue_and_revoke_leave_audit_records_without_the_pass(cli: Cli) -> None:
    from datetime import timedelta

    from tapdesk.store import open_store

    issued = cli("--demo", "issue", AVA, "--once", "--json").json()
    cli("--demo", "revoke", AVA)
    store, _ = open_store(cli.paths, clock=cli.clock)
    now = cli.clock.now()
    rows = [r.event for r in store.audit(now - timedelta(hours=1), now + timedelta(hours=1))]
    store.close()
    assert [(r.kind, r.target_upn, r.pass_id) for r in rows] == [
        ("issue", AVA, issued["id"]),
        ("revoke", AVA, issued["id"]),
    ]
    assert rows[0].usable_once is True and rows[0].lifetime_minutes == 60
    assert rows[0].technician == DEMO_TECHNICIAN_UPN
    db = (cli.paths.data_dir / "tapdesk.db").read_bytes()
    [code] = cli.passes()  # the value Graph sent, whatever the CLI printed
    assert code.encode() not in db


def test_a_pass_the_cli_printed_is_kept_out_of_later_records(cli: Cli) -> None:
    """`issue` remembers what it prints: a record written later in the same process that quotes
    the pass as printed (in groups) or in capitals stores "[pass removed]" instead."""
    from datetime import timedelta

    from tapdesk.core.audit import AuditEvent, AuditKind
    from tapdesk.store import open_store

    run = cli("--demo", "issue", AVA)
    assert run.code == 0
    [value] = cli.passes()
    printed = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    assert f"    {printed}\n" in run.out
    store, _ = open_store(cli.paths, clock=cli.clock)
    now = cli.clock.now()
    detail = f"read out {printed}, then {value.upper()}"
    store.record_audit(AuditEvent(now, AuditKind.REVOKE, DEMO_TECHNICIAN_UPN, AVA, detail=detail))
    rows = [r.event for r in store.audit(now - timedelta(hours=1), now + timedelta(hours=1))]
    store.close()
    assert [r.detail for r in rows if r.kind is AuditKind.REVOKE] == [
        "read out [pass removed], then [pass removed]"
    ]
    assert value.encode() not in (cli.paths.data_dir / "tapdesk.db").read_bytes()


def test_a_corrupt_database_is_set_aside_and_the_command_still_works(cli: Cli) -> None:
    cli.paths.data_dir.mkdir(parents=True, exist_ok=True)
    (cli.paths.data_dir / "tapdesk.db").write_bytes(b"this is not a database" * 100)
    run = cli("--demo", "issue", AVA, "--json")
    assert run.code == 0
    assert "set aside" in run.err.lower() or "corrupt" in run.err.lower()
    assert list(cli.paths.data_dir.glob("tapdesk.db.corrupt-*"))


def test_global_flags_also_work_after_the_command(cli: Cli) -> None:
    assert cli("doctor", "--demo").code == 0
    assert cli("policy", "--demo", "-v", "--json").json()["known"] is True
    assert cli("--demo", "policy", "--json").code == 0


def test_doctor_names_where_it_looked_and_catches_the_placeholder_client_id(cli: Cli) -> None:
    plain = cli("--demo", "doctor", env={"TAPDESK_HOME": cli.env["TAPDESK_HOME"]})
    assert str(cli.paths.site_file) in plain.out
    cli.paths.site_file.parent.mkdir(parents=True)
    cli.paths.site_file.write_text(
        '[tenant]\nid = "contoso.com"\nclient_id = "00000000-0000-0000-0000-000000000000"\n'
    )
    run = cli("doctor", env={"TAPDESK_HOME": cli.env["TAPDESK_HOME"]})
    assert run.code == 1 and "placeholder" in run.out


# A displayName as a hostile directory writer might set it: a new terminal title, an OSC 52
# clipboard write, a line erase and a carriage return that would overwrite what was printed
# (the pass, on `issue`), a bidi override, and a line break that starts a fake line.
HOSTILE_NAME = (
    "Ava \x1b]0;owned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2K\rPass: FAKE\u202eevil\x9b31m\nFAKE-LINE"
)
TERMINAL_CONTROLS = [chr(c) for c in range(32) if chr(c) not in "\n"] + ["\x7f", "\x9b", "\u202e"]


@pytest.mark.parametrize("argv", [("status", AVA), ("issue", AVA)])
def test_outside_text_cannot_drive_the_terminal(cli: Cli, argv: tuple[str, ...]) -> None:
    cli.tenant.edit_user(AVA, display_name=HOSTILE_NAME, job_title="\x1b[31mred\x1b[0m")
    run = cli("--demo", *argv)
    assert run.code == 0, run.err
    printed = run.out + run.err
    assert [c for c in TERMINAL_CONTROLS if c in printed] == []
    assert not any(line.startswith("FAKE-LINE") for line in printed.splitlines())
    assert "Ava \\u001b]0;owned\\u0007" in run.out  # escaped, still readable


def test_json_output_keeps_outside_text_exact(cli: Cli) -> None:
    cli.tenant.edit_user(AVA, display_name=HOSTILE_NAME)
    run = cli("--demo", "status", AVA, "--json")
    assert run.code == 0, run.err
    assert [c for c in TERMINAL_CONTROLS if c in run.out] == []  # escaped as \uXXXX
    assert run.json()["user"]["displayName"] == HOSTILE_NAME  # the exact value


def test_graph_error_text_is_escaped_on_the_terminal(cli: Cli) -> None:
    cli.tenant.inject(
        # A status tapdesk has no words for: the message then names Graph's code.
        Fault.error(
            409, "Denied\x1b]0;owned\x07\nFAKE-LINE", "no", method="POST", path_contains="tempor"
        )
    )
    run = cli("--demo", "issue", AVA)
    assert run.code != 0
    assert "\x1b" not in run.err and "\x07" not in run.err
    assert not any(line.startswith("FAKE-LINE") for line in run.err.splitlines())
    assert "Denied" in run.err  # the code is shown, as text
