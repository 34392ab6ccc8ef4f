"""`tapdesk --help` and `tapdesk <command> --help` are product text a technician reads: each
option with its metavar and its help sentence, word for word, and the words around them."""

from __future__ import annotations

import pytest

from tapdesk.app.main import main

HELP = "-h, --help show this help message and exit"
COMMON = [HELP, "--demo use the demo tenant", "-v, --verbose debug log on stderr"]
USER = ["user UPN or object id"]
# issue, revoke, status and policy sign in by themselves when nobody is (no keyring, a script)
DEVICE_CODE = (
    "--device-code if nobody is signed in, first sign in with a code on another device "
    "(automatic on a terminal)"
)


def render_help(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str
) -> str:
    """What `tapdesk <argv> --help` prints, wrapped for a 100-column terminal."""
    monkeypatch.setenv("COLUMNS", "100")
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


def rows(text: str, heading: str) -> list[str]:
    """The rows under a heading, each name with its help on one line, whitespace normalised."""
    paragraphs = text.rstrip("\n").split("\n\n")
    block = next(p for p in paragraphs if p.startswith(heading + "\n")).split("\n")[1:]
    found: list[str] = []
    for line in block:
        indent = len(line) - len(line.lstrip())
        if indent <= 4:  # a new option or command; deeper lines continue its help
            found.append(line.strip())
        else:
            found[-1] += " " + line.strip()
    return [" ".join(row.split()) for row in found]


def test_top_level_help_names_the_program_and_says_what_it_does(capsys, monkeypatch) -> None:
    """The usage line names `tapdesk`, then the one-sentence description."""
    text = render_help(capsys, monkeypatch)
    assert text.startswith("usage: tapdesk [-h] [--version] [--demo] [--tenant ID]")
    paragraphs = text.split("\n\n")
    assert paragraphs[1] == (
        "Issue Microsoft Entra Temporary Access Passes and walk new hires to a passkey."
    )


def test_top_level_help_lists_every_command_with_its_purpose(capsys, monkeypatch) -> None:
    """A technician finds the commands under COMMAND, each with what it does."""
    text = render_help(capsys, monkeypatch)
    assert "\n               COMMAND ...\n" in text
    assert rows(text, "positional arguments:") == [
        "COMMAND",
        "issue issue a pass and print it once",
        "revoke delete the user's pass",
        "status the user, their pass (never its value) and methods",
        "policy the tenant's pass policy",
        "doctor check configuration, keyring, endpoints, clock and proxy",
        "login sign in the technician",
        "logout sign out and wipe the token cache",
        "whoami the signed-in technician, roles and token cache",
        "audit the audit trail from this computer's database (no sign-in)",
    ]


def test_top_level_help_lists_the_global_options(capsys, monkeypatch) -> None:
    """Each global option with its metavar or choices; the self-test stays hidden."""
    assert rows(render_help(capsys, monkeypatch), "options:") == [
        HELP,
        "--version show program's version number and exit",
        "--demo use the built-in demo tenant",
        "--tenant ID tenant id or domain (overrides config)",
        "--client-id GUID app registration's client id",
        "--cloud {global,usgov,usgovdod,china} national cloud",
        "-v, --verbose debug logging on stderr",
        "--screenshots DIR write PNGs of the main window states and exit",
        "--demo-process run the demo tenant in a separate process (benchmarks)",
    ]


def test_top_level_help_ends_with_the_exit_codes_as_laid_out(capsys, monkeypatch) -> None:
    """The exit-code table keeps its own line breaks (a script author reads it as a table)."""
    text = render_help(capsys, monkeypatch)
    assert text.endswith(
        "\n\nexit codes:\n"
        "  0 done  1 unexpected error  2 usage error  3 configuration error  4 sign-in needed\n"
        "  5 not permitted  6 not found  7 outside the pass policy  8 throttled or offline "
        "(try again)\n"
    )


@pytest.mark.parametrize(
    ("command", "positional", "options"),
    [
        (
            "issue",
            USER,
            [
                *COMMON,
                "--lifetime MIN minutes (policy default if omitted)",
                "--once one sign-in only",
                "--reusable reusable within its lifetime",
                "--start ISO8601 when the pass becomes valid",
                "--qr also print a QR code of the pass",
                "--json machine-readable output",
                DEVICE_CODE,
            ],
        ),
        ("revoke", USER, [*COMMON, "--json", DEVICE_CODE]),
        ("status", USER, [*COMMON, "--json", DEVICE_CODE]),
        ("policy", None, [*COMMON, "--json", DEVICE_CODE]),
        ("doctor", None, [*COMMON, "--json"]),
        (
            "login",
            None,
            [
                *COMMON,
                "--device-code sign in on another device",
                "--account UPN sign in as this account",
            ],
        ),
        ("logout", None, COMMON),
        ("whoami", None, [*COMMON, "--json"]),
        (
            "audit",
            None,
            [
                *COMMON,
                "--from DATE first local day (YYYY-MM-DD)",
                "--to DATE last local day (default: today)",
                "--tenant ID this tenant's records, or 'all' (default: the configured tenant's)",
                "--json the CSV's columns as JSON objects",
                "--csv CSV, as the window exports it",
            ],
        ),
    ],
)
def test_command_help_lists_each_option_with_its_metavar_and_help(
    capsys, monkeypatch, command: str, positional: list[str] | None, options: list[str]
) -> None:
    """`tapdesk <command> --help`: the usage names the command, then every argument's row."""
    text = render_help(capsys, monkeypatch, command)
    assert text.startswith(f"usage: tapdesk {command} [-h] [--demo] [-v]")
    if positional is None:
        assert "positional arguments:" not in text
    else:
        assert rows(text, "positional arguments:") == positional
    assert rows(text, "options:") == options


def test_audit_help_explains_the_default_range(capsys, monkeypatch) -> None:
    """Without --from the audit covers a week; its help says so as its last line."""
    text = render_help(capsys, monkeypatch, "audit")
    assert text.endswith(
        "\n\nWithout --from: the 7 days that end on --to (today and the 6 before it).\n"
    )
