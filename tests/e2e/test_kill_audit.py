"""Nothing about who issued what is lost, not even by ``kill -9``.

tapdesk is killed (SIGKILL, a real process) at each point of issuing a pass, then started
again. For every pass that exists in the tenant there is then exactly one issued record, and the
technician is told about it with how to revoke it; where no pass exists there is no record.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tapdesk.demo import DemoTenant

ROOT = Path(__file__).resolve().parents[2]
AVA = "ava.newhire@northwind.example"
TIMEOUT = 60

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def child_env(home: Path, tmp: Path) -> dict[str, str]:
    tenant = DemoTenant(state_path=home / "data" / "demo-tenant.json")  # what the child opens
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAPDESK_")}
    env.update(
        TAPDESK_HOME=str(home),
        TAPDESK_ACCESS_TOKEN=tenant.access_token(),
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(tmp / "xdg"),
    )
    return env


def kill_at(point: str, args: list[str], home: Path, tmp: Path) -> None:
    marker = tmp / f"{point}.reached"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.kill_child", point, str(marker), *args],
        cwd=ROOT,
        env=child_env(home, tmp),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + TIMEOUT
    while not marker.exists():
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            pytest.fail(f"{point} was never reached:\n{child.communicate(timeout=10)[1]}")
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=10)
    assert child.returncode == -signal.SIGKILL


def restart(home: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    """The next start: any command that talks to Graph settles what was left open."""
    return subprocess.run(
        [sys.executable, "-m", "tapdesk", "--demo", "status", AVA],
        cwd=ROOT,
        env=child_env(home, tmp),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def issued_records(home: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(home / "data" / "tapdesk.db") as db:
        return list(db.execute("SELECT pass_id, detail FROM audit WHERE event = 'issue'"))


def passes_in_tenant(home: Path) -> list[str]:
    tap = DemoTenant(state_path=home / "data" / "demo-tenant.json").users[AVA].tap
    return [tap.id] if tap is not None else []


@pytest.mark.parametrize(
    ("point", "args", "created"),
    [
        ("after-intent", ["--demo", "issue", AVA], False),
        ("in-flight", ["--demo", "issue", AVA], True),
        ("after-answer", ["--demo", "issue", AVA], True),
        ("window-save", ["window"], True),
    ],
)
def test_a_pass_issued_at_the_moment_of_a_kill_is_recorded_exactly_once(
    point: str, args: list[str], created: bool, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    kill_at(point, args, home, tmp_path)
    in_tenant = passes_in_tenant(home)
    assert bool(in_tenant) is created

    after = restart(home, tmp_path)
    assert after.returncode == 0, after.stderr
    assert [pass_id for pass_id, _ in issued_records(home)] == in_tenant
    if created:
        assert "value is gone" in after.stderr
        assert f"tapdesk revoke {AVA}" in after.stderr
    else:
        assert "was never created" in after.stderr

    again = restart(home, tmp_path)  # settled once: a second start adds nothing
    assert [pass_id for pass_id, _ in issued_records(home)] == in_tenant
    assert "interrupted" not in again.stderr


def test_a_checklist_is_saved_before_its_pass_is_asked_for(tmp_path: Path) -> None:
    """Killed with the pass in flight, the window left its session on disk to resume."""
    home = tmp_path / "home"
    kill_at("window-save", ["window"], home, tmp_path)
    with sqlite3.connect(home / "data" / "tapdesk.db") as db:
        sessions = list(db.execute("SELECT upn, closed_at FROM sessions"))
    assert sessions == [(AVA, None)]
