"""Sign-in from a shell: login (device code), whoami, issue, logout, in separate processes.

Real MSAL against the demo authority; the keyring backend is chosen by environment, as a
script would (a file backend from keyrings.alt), so no desktop session is needed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

AVA = "ava.newhire@northwind.example"


def run(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tapdesk", "--demo", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_login_whoami_issue_logout_from_a_shell(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TAPDESK_")},
        "TAPDESK_HOME": str(tmp_path / "home"),
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "XDG_DATA_HOME": str(tmp_path / "xdg"),  # where that backend keeps its file
    }
    assert run(env, "whoami").returncode == 4

    login = run(env, "login", "--device-code")
    assert login.returncode == 0, login.stderr
    assert (
        "enter the code" in login.stderr
        and "Signed in as tess.tech@northwind.example" in login.stdout
    )

    who = run(env, "whoami", "--json")
    assert who.returncode == 0, who.stderr
    data = json.loads(who.stdout)
    assert data["account"] == "tess.tech@northwind.example"
    assert "Authentication Administrator" in data["roles"]
    assert data["tokenCache"]["protection"] == "keyring"
    cache = Path(data["tokenCache"]["path"])
    assert cache.exists()

    issued = run(env, "issue", AVA, "--json")  # silent sign-in from the cache
    assert issued.returncode == 0, issued.stderr
    secret = json.loads(issued.stdout)["temporaryAccessPass"]
    assert run(env, "revoke", AVA).returncode == 0

    out = run(env, "logout")
    assert out.returncode == 0, out.stderr
    assert not cache.exists()
    assert run(env, "whoami").returncode == 4
    for path in (tmp_path / "home").rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
