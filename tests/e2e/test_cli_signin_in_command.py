"""A command that needs a token signs in by itself when nobody is signed in, in process.

Without a keyring the token cache lives in memory, so `tapdesk login` cannot carry a sign-in to
the next command: issue, revoke, status and policy sign in with a device code on a terminal or
with --device-code, and otherwise stop at once with the fix named. The exact lines printed.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from keyring.backends import fail

from tapdesk.auth import cache
from tapdesk.cli.signin import on_terminal
from tapdesk.demo import DEMO_TECHNICIAN_UPN
from tapdesk.demo.constants import DEVICE_LOGIN_URL
from tapdesk.errors import ExitCode
from tests.helpers.cli import AVA, KEYRING_FIX, SAVED, THIS_COMMAND_ONLY, Shell, Terminal
from tests.helpers.keyring import MemoryKeyring

SIGNED_IN = f"tapdesk: signed in as {DEMO_TECHNICIAN_UPN} (Authentication Administrator).\n"
NO_KEYRING = f"tapdesk: No system keyring is available, {THIS_COMMAND_ONLY}"
COMMANDS = [["issue", AVA, "--json"], ["revoke", AVA], ["status", AVA], ["policy"]]


@pytest.fixture
def shell(tmp_path: Path) -> Shell:
    """Nobody signed in, and no keyring to keep a sign-in."""
    shell = Shell(tmp_path / "home")
    shell.keyring = fail.Keyring()
    return shell


def device_code_lines(err: str) -> str:
    """The sign-in's first lines as a technician reads them, with the code shown."""
    code = re.search(r"\n\n {4}(\S+)\n\n", err)
    assert code, err
    return (
        f"To sign in, open {DEVICE_LOGIN_URL} on any device and enter the code\n\n"
        f"    {code.group(1)}\n\n"
        "(Demo tenant: the code approves itself for the training technician in a few seconds.)\n"
    )


def test_on_a_terminal_a_command_shows_a_device_code_then_does_its_work(shell: Shell) -> None:
    """A person at a shell: the code, who signed in, that it will not last, then the answer."""
    run = shell("status", AVA, terminal=True)
    assert run.code == 0, run.err
    assert run.err == device_code_lines(run.err) + SIGNED_IN + NO_KEYRING
    assert run.out.startswith(f"Ava Newhire <{AVA}>\n")


def test_a_script_adds_device_code_and_gets_the_pass_on_stdout(shell: Shell) -> None:
    """Not a terminal, --device-code: the code goes to stderr, stdout stays the JSON alone."""
    issued = shell("issue", AVA, "--json", "--device-code")
    assert issued.code == 0, issued.err
    assert issued.err.startswith(device_code_lines(issued.err) + SIGNED_IN + NO_KEYRING)
    data = json.loads(issued.out)
    assert data["userPrincipalName"] == AVA and data["temporaryAccessPass"]
    revoked = shell("revoke", AVA, "--device-code")
    assert revoked.code == 0, revoked.err
    assert revoked.out == f"Revoked the pass of {AVA} (id {data['id']}).\n"


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: argv[0])
def test_a_script_without_device_code_stops_at_once_and_names_the_fix(
    shell: Shell, argv: list[str]
) -> None:
    """No terminal, no --device-code, no keyring: no code that nobody would see, no wait."""
    run = shell(*argv)
    assert (run.code, run.out) == (ExitCode.SIGN_IN_REQUIRED, "")
    assert run.err == (
        "tapdesk: Sign-in needed: Nobody is signed in, and without a usable keyring a sign-in "
        "lasts only for the command that made it. Add --device-code to this command to sign in "
        f"as it runs, or {KEYRING_FIX} so that 'tapdesk login' is kept.\n"
    )


def test_with_a_keyring_a_script_is_told_to_log_in_or_add_device_code(shell: Shell) -> None:
    """With a keyring 'tapdesk login' does carry over, so it is the first fix named."""
    shell.keyring = MemoryKeyring()
    run = shell("issue", AVA, "--json")
    assert (run.code, run.out) == (ExitCode.SIGN_IN_REQUIRED, "")
    assert run.err == (
        "tapdesk: Sign-in needed: Nobody is signed in. Run 'tapdesk login' (add --demo for the "
        "demo tenant), or add --device-code to sign in as this command runs.\n"
    )


def test_once_signed_in_with_a_keyring_a_command_asks_nothing(shell: Shell) -> None:
    """The sign-in of `login` is found: no code shown, even on a terminal."""
    shell.keyring = MemoryKeyring()
    assert shell("login", "--device-code").err.endswith(SAVED)
    run = shell("status", AVA, terminal=True)
    assert (run.code, run.err) == (0, "")
    assert run.out.startswith(f"Ava Newhire <{AVA}>\n")


def test_a_sign_in_that_could_not_be_written_says_so_and_names_no_keyring_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A keyring works but the disk refused the file: the cause is the notice before, and a
    keyring would not fix it, so none is suggested."""

    def full_disk(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache, "_atomic_write", full_disk)
    shell = Shell(tmp_path / "home")
    run = shell("login", "--device-code")
    assert run.code == 0, run.err
    assert run.err.endswith(
        "tapdesk: The sign-in could not be saved, so this sign-in is kept only for this command: "
        "every other tapdesk command will sign you in again (on a terminal it shows a code by "
        "itself; in a script add --device-code to it).\n"
    )


def test_on_terminal_needs_both_ends_to_be_a_terminal() -> None:
    assert on_terminal(Terminal(), Terminal())
    assert not on_terminal(Terminal(), io.StringIO())  # output to a file: nobody reads a code
    assert not on_terminal(io.StringIO(), Terminal())
    assert not on_terminal(None, Terminal())
    closed = io.StringIO()
    closed.close()  # isatty() on a closed stream raises ValueError
    assert not on_terminal(closed, Terminal())
