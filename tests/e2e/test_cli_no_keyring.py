"""The README's demo commands on a machine without a keyring, as a new user runs them.

Each command is its own process on a pseudo-terminal (stdin, stdout and stderr one terminal,
as in a shell), with keyring's "no backend" forced and a fresh tapdesk home. The token cache
can then only live in memory, so `login`'s sign-in ends with it: every later command must sign
in by itself, and must still do its work. A script (no terminal) is refused at once instead.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tapdesk.errors import ExitCode
from tests.helpers.cli import AVA, KEYRING_FIX

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(
    r"To sign in, open https://login\.tapdesk-demo\.test/device on any device and enter the "
    r"code\n\n {4}[A-Z0-9]{8}\n\n"
)
NOT_KEPT = (
    "tapdesk: No system keyring is available, so this sign-in is kept only for this command: "
    "every other tapdesk command will sign you in again (on a terminal it shows a code by "
    f"itself; in a script add --device-code to it). To stay signed in, {KEYRING_FIX}.\n"
)


def readme_demo_commands() -> list[list[str]]:
    """The shell block under "## The demo tenant" in the README, each line split as sh would."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## The demo tenant\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line) for line in block.splitlines() if line.strip()]


def no_keyring_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAPDESK_")}
    env["TAPDESK_HOME"] = str(home)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return env


def on_a_terminal(argv: list[str], env: dict[str, str], timeout: float = 90) -> tuple[int, str]:
    """Run ``tapdesk ARGS`` on a new pseudo-terminal; (exit code, what the terminal showed)."""
    assert argv[0] == "tapdesk", argv
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tapdesk", *argv[1:]],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        cwd=ROOT,
    )
    os.close(terminal)
    shown = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while True:
            ready, _, _ = select.select([controller], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                proc.kill()
                pytest.fail(f"{argv} still running after {timeout} s:\n{shown.decode()}")
            try:
                data = os.read(controller, 65536)
            except OSError:  # EIO: the program ended and closed the terminal
                break
            if not data:
                break
            shown += data
        code = proc.wait(timeout=30)
    finally:
        os.close(controller)
    return code, shown.decode().replace("\r\n", "\n")  # the terminal turns \n into \r\n


def json_in(shown: str) -> dict[str, object]:
    found = re.search(r"^\{\n.*?^\}\n", shown, re.MULTILINE | re.DOTALL)
    assert found, shown
    data: dict[str, object] = json.loads(found.group(0))
    return data


def test_the_readme_says_these_commands() -> None:
    """The test below runs what the README shows; if the README changes, so does the test."""
    assert readme_demo_commands() == [
        ["tapdesk", "--demo", "login", "--device-code"],
        ["tapdesk", "--demo", "issue", AVA, "--json"],
        ["tapdesk", "--demo", "status", AVA],
        ["tapdesk", "--demo", "revoke", AVA],
    ]


@pytest.mark.slow
def test_the_readme_demo_commands_work_on_a_terminal_without_a_keyring(tmp_path: Path) -> None:
    """login says its sign-in will not last; issue, status and revoke each show a code, sign in
    by themselves and do their work. About 5 s each: the demo approves a code after 3 s and
    MSAL asks every 5 s."""
    env = no_keyring_env(tmp_path / "home")
    login, issue, status, revoke = readme_demo_commands()

    code, shown = on_a_terminal(login, env)
    assert code == 0, shown
    assert CODE.match(shown), shown
    assert shown.endswith(
        "(Demo tenant: the code approves itself for the training technician in a few seconds.)\n"
        "Signed in as tess.tech@northwind.example (Authentication Administrator).\n" + NOT_KEPT
    )

    code, shown = on_a_terminal(issue, env)
    assert code == 0, shown
    assert CODE.match(shown), shown
    assert "tapdesk: signed in as tess.tech@northwind.example" in shown and NOT_KEPT in shown
    issued = json_in(shown)
    assert issued["userPrincipalName"] == AVA and issued["state"] == "active"
    secret = str(issued["temporaryAccessPass"])
    assert len(secret) >= 8

    code, shown = on_a_terminal(status, env)
    assert code == 0, shown
    assert CODE.match(shown), shown
    assert f"\nAva Newhire <{AVA}>\n" in shown
    pass_line = rf"\n  pass {{9}}active, reusable, expires in \d+:\d\d \(id {issued['id']}\)\n"
    assert re.search(pass_line, shown), shown
    assert secret not in shown  # status never shows the pass

    code, shown = on_a_terminal(revoke, env)
    assert code == 0, shown
    assert CODE.match(shown), shown
    assert shown.endswith(f"\nRevoked the pass of {AVA} (id {issued['id']}).\n")

    for path in (tmp_path / "home").rglob("*"):  # nothing on disk holds the pass
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("command", ["issue", "status", "revoke"])
def test_a_script_without_a_keyring_is_refused_at_once_with_the_fix(
    tmp_path: Path, command: str
) -> None:
    """No terminal and no --device-code: a code nobody sees would hold the script for minutes;
    instead exit 4 with both fixes named, and nothing on stdout."""
    env = no_keyring_env(tmp_path / "home")
    run = subprocess.run(
        [sys.executable, "-m", "tapdesk", "--demo", command, AVA],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert (run.returncode, run.stdout) == (ExitCode.SIGN_IN_REQUIRED, "")
    assert run.stderr == (
        "tapdesk: Sign-in needed: Nobody is signed in, and without a usable keyring a sign-in "
        "lasts only for the command that made it. Add --device-code to this command to sign in "
        f"as it runs, or {KEYRING_FIX} so that 'tapdesk login' is kept.\n"
    )
