"""The window paints before the network and sign-in stacks load (see app.prepare_services)."""

from __future__ import annotations

import subprocess
import sys


def test_the_window_path_imports_neither_httpx_nor_msal() -> None:
    probe = (
        "import sys, tapdesk.app.main, tapdesk.ui, tapdesk.ui.window.main_window;"
        "print(sorted(m for m in ('httpx', 'msal', 'keyring', 'sqlite3') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
