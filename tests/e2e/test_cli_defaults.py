"""What the CLI does when a flag is left out or put after the command: the one-time default,
--version, and the flags a command accepts in either place."""

from __future__ import annotations

import pytest

from tapdesk import __version__
from tapdesk.app.main import main
from tapdesk.cli.parser import build_parser
from tests.helpers.cli import AVA, Cli


@pytest.mark.parametrize(("configured", "once"), [("true", True), ("false", False)])
def test_issue_without_once_or_reusable_follows_the_configured_default(
    cli: Cli, configured: str, once: bool
) -> None:
    """Neither flag given: the pass is one-time exactly when the configuration says so."""
    env = {**cli.env, "TAPDESK_DEFAULT_ONE_TIME": configured}
    run = cli("--demo", "issue", AVA, "--json", env=env)
    assert run.code == 0, run.err
    assert run.json()["isUsableOnce"] is once


@pytest.mark.parametrize(
    ("configured", "flag", "once"), [("false", "--once", True), ("true", "--reusable", False)]
)
def test_once_and_reusable_override_the_configured_default(
    cli: Cli, configured: str, flag: str, once: bool
) -> None:
    """--once and --reusable win over the configured default, in either direction."""
    env = {**cli.env, "TAPDESK_DEFAULT_ONE_TIME": configured}
    run = cli("--demo", "issue", AVA, flag, "--json", env=env)
    assert run.code == 0, run.err
    assert run.json()["isUsableOnce"] is once


def test_version_prints_the_program_name_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    """`tapdesk --version` answers with one line a technician can paste into a ticket."""
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"tapdesk {__version__}\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["-v", "doctor"],
        ["--verbose", "doctor"],
        ["doctor", "-v"],
        ["doctor", "--verbose"],
        ["-v", "doctor", "--demo"],
    ],
)
def test_verbose_turns_debug_logging_on_before_or_after_the_command(argv: list[str]) -> None:
    """`tapdesk -v doctor` and `tapdesk doctor --verbose` both log at debug level: the
    command's own -v must not reset the global one."""
    assert build_parser().parse_args(argv).verbose is True


def test_without_verbose_debug_logging_stays_off() -> None:
    assert build_parser().parse_args(["doctor"]).verbose is False


@pytest.mark.parametrize(("argv", "self_test"), [(["--self-test"], True), ([], False)])
def test_hidden_self_test_flag_is_read(argv: list[str], self_test: bool) -> None:
    """--self-test (hidden from help; the packaging check runs it) starts the window's self-test."""
    args = build_parser().parse_args(argv)
    assert (args.command, args.self_test) == (None, self_test)
