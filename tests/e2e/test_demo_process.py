"""``demo_process``: the app runs whole against the demo tenant in a process of its own, and
the tenant in this process (the simulated phone's) sees the same state."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tapdesk.app.main import build_services, main
from tapdesk.config import load_settings
from tapdesk.core.passrules import IssueRequest
from tapdesk.demo import DEMO_TECHNICIAN_UPN
from tapdesk.runtime.paths import AppPaths
from tests.helpers.demo import UPN
from tests.helpers.keyring import MemoryKeyring

pytestmark = pytest.mark.slow  # a child process

AVA = UPN["ava.newhire"]


def test_sign_in_find_and_issue_over_the_relay(tmp_path: Path) -> None:
    env = {"TAPDESK_HOME": str(tmp_path), "TAPDESK_DEMO_PROCESS": "1"}
    paths = AppPaths.default(env)
    settings = load_settings(paths, env, {"demo": True})
    services = build_services(settings, paths, keyring_backend=MemoryKeyring())
    try:
        assert services.auth is not None and services.demo_server is not None
        assert services.auth.sign_in_interactive(timeout=20).username == DEMO_TECHNICIAN_UPN
        (ava,) = services.graph.search_users("ava")
        issued = services.graph.create_tap(ava.id, IssueRequest(lifetime_minutes=60))
        served = services.demo_server.request_count()
        assert services.demo is not None
        assert services.demo.requests == []  # nothing was answered in this process
        pass_there = services.demo.users[AVA].tap  # the phone's tenant sees the child's pass
        assert pass_there is not None and pass_there.id == issued.id
    finally:
        services.close()
    assert served >= 4  # discovery, authorize, token, search, create
    assert services.demo_server.process.returncode == 0  # close stopped it
    saved = json.loads((paths.data_dir / "demo-tenant.json").read_text(encoding="utf-8"))
    (record,) = [u["tap"] for u in saved["users"].values() if u["upn"] == AVA]
    assert record["id"] == issued.id


def test_the_flag_reaches_doctor(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["--demo", "--demo-process", "doctor"],
        env={"TAPDESK_HOME": str(tmp_path)},
        keyring_backend=MemoryKeyring(),
        stdout=out,
        stderr=err,
    )
    assert code == 0, err.getvalue()
    assert (
        "demo tenant (training; no real passes), served by a process of its own" in out.getvalue()
    )
    assert out.getvalue().rstrip().endswith("Ready.")
