"""login, whoami and logout in process against the demo authority: the exact lines printed."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from keyring.backends import fail

from tapdesk.auth.cache import LOCKED_NOTICE
from tapdesk.demo import DEMO_TECHNICIAN_UPN, DEMO_TENANT_ID
from tapdesk.demo.constants import DEVICE_LOGIN_URL
from tests.helpers.cli import KEYRING_FIX, SAVED, THIS_COMMAND_ONLY, Shell
from tests.helpers.demo import ScriptedBrowser
from tests.helpers.keyring import LockedKeyring

PAT = "pat.priv@northwind.example"
ALEX = "alex.admin@northwind.example"
TOKEN_SET = (
    "tapdesk: Check the input: TAPDESK_ACCESS_TOKEN is set, so tapdesk uses that token and does "
    "not sign in. Unset TAPDESK_ACCESS_TOKEN to sign in interactively.\n"
)
NOBODY = (
    "tapdesk: Sign-in needed: Nobody is signed in. "
    "Run 'tapdesk login' (add --demo for the demo tenant).\n"
)


@pytest.fixture
def shell(tmp_path: Path) -> Shell:
    return Shell(tmp_path / "home")


@pytest.mark.parametrize("command", ["login", "logout", "whoami"])
def test_account_commands_refuse_while_an_access_token_is_set(shell: Shell, command: str) -> None:
    """With a token in the environment there is nothing to sign in to: say so and how to fix it."""
    run = shell(command, env={"TAPDESK_ACCESS_TOKEN": "x"})
    assert (run.code, run.out, run.err) == (2, "", TOKEN_SET)


def test_device_code_login_shows_the_page_the_code_and_who_signed_in(shell: Shell) -> None:
    """A technician on a shell reads where to go and the code to type, then who they are."""
    run = shell("login", "--device-code")
    assert run.code == 0
    code = re.search(r"\n\n {4}(\S+)\n\n", run.err)
    assert code, run.err
    assert run.err == (
        f"To sign in, open {DEVICE_LOGIN_URL} on any device and enter the code\n\n"
        f"    {code.group(1)}\n\n"
        "(Demo tenant: the code approves itself for the training technician in a few seconds.)\n"
        + SAVED
    )
    assert run.out == f"Signed in as {DEMO_TECHNICIAN_UPN} (Authentication Administrator).\n"


def test_login_again_signs_in_silently_from_the_cache(shell: Shell) -> None:
    """A second login reuses the cached account: no device code is shown."""
    shell("login", "--device-code")
    run = shell("login")
    assert (run.code, run.err) == (0, SAVED)
    assert run.out == f"Signed in as {DEMO_TECHNICIAN_UPN} (Authentication Administrator).\n"


def test_login_with_an_account_signs_that_account_in(shell: Shell) -> None:
    """--account picks the account even when another is cached; its case does not matter."""
    shell("login", "--device-code")
    run = shell("login", "--account", PAT.upper())
    assert (run.code, run.err) == (0, SAVED)
    assert run.out == f"Signed in as {PAT} (Privileged Authentication Administrator).\n"


def test_login_with_an_account_asks_entra_for_the_account_picker(shell: Shell) -> None:
    """--account signs in interactively with that hint and lets Entra offer its account picker."""
    opened: list[str] = []
    with httpx.Client(transport=shell.tenant.transport()) as http:
        browser = ScriptedBrowser(http)

        def open_browser(url: str) -> bool:
            opened.append(url)
            return browser.open(url)

        run = shell("login", "--account", PAT, open_browser=open_browser)
        browser.join()
    assert run.out == f"Signed in as {PAT} (Privileged Authentication Administrator).\n"
    [url] = opened
    query = parse_qs(urlsplit(url).query)
    assert (query["login_hint"], query["prompt"]) == ([PAT], ["select_account"])


def test_login_says_when_the_account_signed_in_is_not_the_one_asked_for(shell: Shell) -> None:
    """Entra may sign in someone else (here: an unknown hint); the technician must be told."""
    run = shell("login", "--account", "Nobody@Northwind.example")
    assert run.code == 0
    assert run.err == (
        f"tapdesk: signed in as {DEMO_TECHNICIAN_UPN}, not Nobody@Northwind.example.\n" + SAVED
    )
    assert run.out == f"Signed in as {DEMO_TECHNICIAN_UPN} (Authentication Administrator).\n"


def test_login_warns_an_account_without_a_role_that_can_issue(shell: Shell) -> None:
    """The role finding is printed at sign-in, before the first pass is refused."""
    run = shell("login", "--account", ALEX)
    assert run.code == 0
    assert run.out == f"Signed in as {ALEX} (no role that can issue passes).\n"
    assert run.err == SAVED + (
        "tapdesk: Your account does not hold Authentication Administrator or Privileged "
        "Authentication Administrator, so Entra will probably refuse to issue the pass. Ask your "
        "administrator for the role. If the role is assigned through Privileged Identity "
        "Management, activate it and sign in again.\n"
    )


def test_login_says_a_locked_keyring_keeps_the_sign_in_for_this_command_only(shell: Shell) -> None:
    """A locked keyring means a sign-in for this process only: the technician reads why, what
    that means for the next command and what fixes it, once (not the window's notice too)."""
    shell.keyring = LockedKeyring()
    run = shell("login", "--device-code")
    assert run.code == 0
    assert run.err.endswith(
        "in a few seconds.)\n"
        f"tapdesk: The system keyring is locked or refused access, {THIS_COMMAND_ONLY}"
    )
    assert LOCKED_NOTICE not in run.err


def test_login_without_a_keyring_says_the_sign_in_ends_with_it(shell: Shell) -> None:
    """No keyring at all: the sign-in is kept in memory, so the next command will not find it."""
    shell.keyring = fail.Keyring()
    run = shell("login", "--device-code")
    assert run.code == 0
    assert run.out == f"Signed in as {DEMO_TECHNICIAN_UPN} (Authentication Administrator).\n"
    assert run.err.endswith(
        f"in a few seconds.)\ntapdesk: No system keyring is available, {THIS_COMMAND_ONLY}"
    )
    assert not shell.cache.exists()


def test_login_says_a_plaintext_cache_allowed_by_the_site_is_saved_unencrypted(
    shell: Shell,
) -> None:
    """IT's site file allows a plaintext cache and there is no keyring: login says where."""
    shell.paths = replace(shell.paths, site_moved_by=None)  # the site file counts as IT's
    shell.paths.site_file.parent.mkdir(parents=True)
    shell.paths.site_file.write_text("[auth]\nallow_plaintext_cache = true\n", encoding="utf-8")
    shell.keyring = fail.Keyring()
    run = shell("login", "--device-code")
    assert run.code == 0
    assert run.err.endswith(
        "in a few seconds.)\n"
        f"tapdesk: This sign-in is saved for the next tapdesk commands without encryption, in "
        f"{shell.cache}, as your administrator's site file allows when no keyring is available.\n"
    )
    assert shell.cache.exists()


def test_whoami_without_a_keyring_names_the_two_ways_to_work(shell: Shell) -> None:
    """'Run tapdesk login' would be no help: its sign-in would end with it."""
    shell.keyring = fail.Keyring()
    run = shell("whoami")
    assert (run.code, run.out) == (4, "")
    assert run.err.endswith(
        "\ntapdesk: Sign-in needed: Nobody is signed in, and without a usable keyring a sign-in "
        "lasts only for the command that made it. Add --device-code to the command that needs "
        "it (issue, revoke, status, policy) to sign in as it runs, or "
        f"{KEYRING_FIX} so that 'tapdesk login' is kept.\n"
    )


def test_whoami_names_the_technician_tenant_roles_and_cache(shell: Shell) -> None:
    shell("login", "--device-code")
    run = shell("whoami")
    assert (run.code, run.err) == (0, "")
    assert run.out == (
        f"Tess Technician <{DEMO_TECHNICIAN_UPN}>\n"
        f"  tenant       {DEMO_TENANT_ID}\n"
        "  roles        Authentication Administrator\n"
        f"  token cache  keyring ({shell.cache})\n"
        "  keyring      tests.helpers.keyring.MemoryKeyring\n"
    )


def test_whoami_json_describes_the_signed_in_account(shell: Shell) -> None:
    """Scripts read whoami --json: every key, with the account's values."""
    shell("login", "--device-code")
    run = shell("whoami", "--json")
    assert run.code == 0
    assert json.loads(run.out) == {
        "signedIn": True,
        "account": DEMO_TECHNICIAN_UPN,
        "name": "Tess Technician",
        "tenantId": DEMO_TENANT_ID,
        "objectId": shell.tenant.users[DEMO_TECHNICIAN_UPN].id,
        "roles": ["Authentication Administrator"],
        "tokenCache": {
            "path": str(shell.cache),
            "protection": "keyring",
            "keyring": "tests.helpers.keyring.MemoryKeyring",
        },
    }


def test_whoami_json_when_nobody_is_signed_in(shell: Shell) -> None:
    """Signed out: JSON still describes the cache, and the exit code says sign-in is needed."""
    run = shell("whoami", "--json")
    assert (run.code, run.err) == (4, NOBODY)
    assert json.loads(run.out) == {
        "signedIn": False,
        "account": None,
        "name": None,
        "tenantId": None,
        "objectId": None,
        "roles": [],
        "tokenCache": {
            "path": str(shell.cache),
            "protection": "keyring",
            "keyring": "tests.helpers.keyring.MemoryKeyring",
        },
    }


def test_logout_wipes_the_cache_and_whoami_then_finds_nobody(shell: Shell) -> None:
    shell("login", "--device-code")
    assert shell.cache.exists()
    run = shell("logout")
    assert (run.code, run.err) == (0, "")
    assert run.out == f"Signed out; the token cache was wiped ({shell.cache}).\n"
    assert not shell.cache.exists()
    whoami = shell("whoami")
    assert (whoami.code, whoami.out, whoami.err) == (4, "", NOBODY)
