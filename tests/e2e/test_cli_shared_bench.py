"""The command line on a shared bench asks who is at the keyboard, as the window does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tapdesk.errors import ExitCode
from tests.helpers.cli import AVA, Shell

TESS = "tess.tech@northwind.example"
GWEN = "gwen.lead@northwind.example"
BENCH = {"TAPDESK_SHARED_BENCH": "true"}
ASKED = (
    f"tapdesk: Tess Technician ({TESS}) was the last to sign in on this computer. "
    "Continue as them? [y/N] "
)


@pytest.fixture
def shell(tmp_path: Path) -> Shell:
    """Tess signed in on this bench a moment ago (the demo's browser sign-in page)."""
    made = Shell(tmp_path / "home")
    assert made("login", env=BENCH).code == 0
    return made


def sign_in_pages(shell: Shell) -> int:
    return sum(path.endswith("/authorize") for _method, path, _headers in shell.tenant.requests)


def test_yes_continues_as_the_saved_technician_without_a_new_sign_in(shell: Shell) -> None:
    pages = sign_in_pages(shell)
    run = shell("status", AVA, env=BENCH, terminal=True, typed="y\n")
    assert run.code == 0, run.err
    assert run.err == ASKED + f"tapdesk: signed in as {TESS} (Authentication Administrator).\n"
    assert sign_in_pages(shell) == pages  # her sign-in is recent: one answer is enough
    assert run.out.startswith(f"Ava Newhire <{AVA}>\n")


def test_yes_after_an_hour_asks_entra_for_a_fresh_sign_in(shell: Shell) -> None:
    pages = sign_in_pages(shell)
    shell.clock.advance(61 * 60)
    run = shell("status", AVA, env=BENCH, terminal=True, typed="yes\n")
    assert run.code == 0, run.err
    assert sign_in_pages(shell) == pages + 1


def test_no_wipes_their_sign_in_and_the_person_signs_in_as_themselves(shell: Shell) -> None:
    shell.tenant.at_keyboard(GWEN)  # Tess has gone; Gwen answers and enters her own code
    run = shell("issue", AVA, "--json", env=BENCH, terminal=True, typed="n\n")
    assert run.code == 0, run.err
    assert run.err.startswith(ASKED + "To sign in, open ")
    assert f"tapdesk: signed in as {GWEN} " in run.err
    assert json.loads(run.out)["userPrincipalName"] == AVA
    audit = shell("audit", "--json", env=BENCH)
    assert [(r["Event"], r["Technician"]) for r in json.loads(audit.out)] == [("issue", GWEN)]


def test_a_script_on_a_bench_is_refused_with_the_fix(shell: Shell) -> None:
    run = shell("policy", env=BENCH)
    assert (run.code, run.out) == (ExitCode.SIGN_IN_REQUIRED, "")
    assert run.err == (
        f"tapdesk: Sign-in needed: Tess Technician ({TESS}) was the last to sign in on this "
        "computer. On a shared bench tapdesk uses a saved sign-in only when the person at the "
        "keyboard confirms it is theirs. Run the command in a terminal to answer, or add "
        "--device-code to sign in as it runs.\n"
    )


def test_device_code_on_a_bench_signs_in_afresh_without_asking(shell: Shell) -> None:
    run = shell("status", AVA, "--device-code", env=BENCH)
    assert run.code == 0, run.err
    assert run.err.startswith("To sign in, open ")
    assert "Continue as" not in run.err


def test_off_a_bench_a_saved_sign_in_that_stopped_working_is_not_asked_about(
    tmp_path: Path,
) -> None:
    """Not shared: nothing to confirm; a sign-in that no longer refreshes means a new one."""
    shell = Shell(tmp_path / "home")
    shell.tenant.token_lifetime = 1.0  # MSAL refreshes a token this short-lived at every use
    assert shell("login", "--device-code").code == 0
    shell.tenant.reset()  # the tenant forgot every refresh token
    run = shell("status", AVA, terminal=True)
    assert run.code == 0, run.err
    assert run.err.startswith("To sign in, open ")
    assert "Continue as" not in run.err
