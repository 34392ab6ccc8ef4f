"""Kill tapdesk (SIGKILL) mid-flow, start it again: the session, its steps and its audit rows
are all there, and the checklist offers to replace the pass whose value died with the process."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tapdesk.core.audit import AuditKind
from tapdesk.demo import DEMO_TENANT_ID, DemoTenant
from tapdesk.store import Store

ROOT = Path(__file__).resolve().parents[2]
AVA = "ava.newhire@northwind.example"
TIMEOUT = 60

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def child_env(home: Path, tmp: Path, token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAPDESK_")}
    env.update(
        TAPDESK_HOME=str(home),
        TAPDESK_ACCESS_TOKEN=token,
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
        XDG_DATA_HOME=str(tmp / "xdg"),
    )
    return env


def first_json_line(proc: subprocess.Popen[str]) -> dict:
    """The child's first JSON line on stdout (or fail with its stderr)."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    try:
        while True:
            line = lines.get(timeout=TIMEOUT)
            if line.startswith("{"):
                return json.loads(line)
    except queue.Empty:
        proc.kill()
        _out, err = proc.communicate(timeout=10)
        pytest.fail(f"the first tapdesk never got ready:\n{err}")


def audit_rows(db: Path) -> list:
    store = Store.open(db)
    try:
        now = datetime.now(UTC)
        return [r.event for r in store.audit(now - timedelta(days=1), now + timedelta(days=1))]
    finally:
        store.close()


def test_a_killed_tapdesk_resumes_its_session_steps_and_audit(tmp_path):
    home = tmp_path / "home"
    db = home / "data" / "tapdesk.db"
    tenant = DemoTenant(state_path=home / "data" / "demo-tenant.json")  # what the child opens
    env = child_env(home, tmp_path, tenant.access_token())
    command = [sys.executable, "-m", "tests.ui.onboarding_child"]

    first = subprocess.Popen(
        [*command, "first"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready = first_json_line(first)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        if first.stderr is not None:
            first.stderr.close()
        if first.stdout is not None:
            first.stdout.close()
    assert first.returncode == -signal.SIGKILL
    session_id, pass_id = ready["session"], ready["pass_id"]

    # What the killed process left on disk: the session with its ticks, the issue in the audit.
    store = Store.open(db)
    store.tenant_id = DEMO_TENANT_ID  # the demo tenant's session: another tenant never sees it
    try:
        saved = store.session(session_id)
    finally:
        store.close()
    assert saved is not None and saved.closed_at is None
    states = {r.step_id: r.state.value for r in saved.steps}
    assert states["confirm-identity"] == states["issue-pass"] == states["add-account"] == "done"
    assert states["create-passkey"] == "active"
    assert saved.pass_facts is not None and saved.pass_facts.id == pass_id
    rows = audit_rows(db)
    assert [(e.kind, e.session_id, e.pass_id) for e in rows] == [
        (AuditKind.CONFIRM, session_id, ""),  # the identity check, ticked before the pass
        (AuditKind.ISSUE, session_id, pass_id),
    ]

    second = subprocess.run(
        [*command, "second"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert second.returncode == 0, second.stderr
    [resumed] = json.loads(second.stdout.strip().splitlines()[-1])
    assert resumed["session"] == session_id
    assert (resumed["flow"], resumed["upn"], resumed["pass_id"]) == (
        "passkey-authenticator",
        AVA,
        pass_id,
    )
    assert resumed["restored"] and resumed["replace_offered"]
    assert resumed["steps"] == states
    assert resumed["active"] == "create-passkey"
    assert resumed["list"] == [session_id]
    assert audit_rows(db) == rows  # nothing lost, nothing doubled
