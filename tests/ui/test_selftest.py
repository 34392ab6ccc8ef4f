"""The self-test the packaging smoke runs against the frozen app, here against the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_self_test_issues_a_pass_draws_its_qr_and_exits_0(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TAPDESK_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "tapdesk", "--demo", "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "self-test: ok" in done.stdout
    assert not (tmp_path / "data" / "demo-tenant.json").exists()  # in memory: leaves nothing
