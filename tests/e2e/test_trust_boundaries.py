"""Issue 12's trust boundaries through the front doors: every command refuses a Graph host the
token must not reach before anything connects; doctor and the window say what moved."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tapdesk.app.main import build_services, main
from tapdesk.config import Settings, load_settings
from tapdesk.demo import DemoTenant
from tapdesk.errors import ConfigError, ExitCode
from tapdesk.runtime.paths import AppPaths
from tests.helpers.clock import FakeClock
from tests.helpers.keyring import MemoryKeyring

AVA = "ava.newhire@northwind.example"
GUID = "11111111-2222-3333-4444-555555555555"
EVIL = "https://evil.example/v1.0"
COMMANDS = [
    ["status", AVA],
    ["issue", AVA],
    ["revoke", AVA],
    ["policy"],
    ["whoami"],
    ["login"],
    ["doctor"],
]


class Recorder(httpx.BaseTransport):
    """A network that records every request and answers none."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        raise httpx.ConnectError("no network in tests", request=request)


def run(argv: list[str], env: dict[str, str], home: Path) -> tuple[int, str, str, Recorder]:
    network, out, err = Recorder(), io.StringIO(), io.StringIO()
    code = main(
        argv,
        env=env,
        paths=AppPaths.default({"TAPDESK_HOME": str(home)}),
        transport=network,
        keyring_backend=MemoryKeyring(),
        open_browser=lambda url: pytest.fail(f"a browser was opened: {url}"),
        stdout=out,
        stderr=err,
    )
    return code, out.getvalue(), err.getvalue(), network


def real_tenant(home: Path, **more: str) -> dict[str, str]:
    return {
        "TAPDESK_HOME": str(home),
        "TAPDESK_TENANT_ID": GUID,
        "TAPDESK_CLIENT_ID": GUID,
        **more,
    }


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: a[0])
def test_every_command_refuses_an_unlisted_graph_host_before_connecting(
    tmp_path: Path, argv: list[str]
) -> None:
    env = real_tenant(tmp_path, TAPDESK_GRAPH_URL=EVIL, TAPDESK_ACCESS_TOKEN="x")
    code, out, err, network = run(argv, env, tmp_path)
    assert code == ExitCode.CONFIG, err
    assert network.requests == []
    assert "TAPDESK_GRAPH_URL" in err and "evil.example" in err and out == ""


@pytest.mark.parametrize("argv", [["status", AVA], ["doctor"]], ids=lambda a: a[0])
def test_the_same_from_the_user_file_names_the_file_and_line(
    tmp_path: Path, argv: list[str]
) -> None:
    user_file = AppPaths.default({"TAPDESK_HOME": str(tmp_path)}).user_file
    user_file.parent.mkdir(parents=True)
    user_file.write_text(f'[tenant]\ngraph_url = "{EVIL}"\n', encoding="utf-8")
    code, _, err, network = run(argv, real_tenant(tmp_path), tmp_path)
    assert code == ExitCode.CONFIG and network.requests == []
    assert f"{user_file}, line 2, key 'tenant.graph_url'" in err


def test_services_built_from_hand_made_settings_refuse_too(tmp_path: Path) -> None:
    network = Recorder()
    paths = AppPaths.default({"TAPDESK_HOME": str(tmp_path)})
    with pytest.raises(ConfigError):
        build_services(Settings(graph_url=EVIL, access_token="x"), paths, transport=network)
    with pytest.raises(ConfigError):  # a signed-in technician's token never goes to loopback
        build_services(
            Settings(tenant_id=GUID, client_id=GUID, graph_url="http://127.0.0.1:9/v1.0"),
            paths,
            transport=network,
        )
    assert network.requests == []


@pytest.mark.slow
def test_a_real_process_refuses_for_status_issue_and_doctor(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TAPDESK_")},
        **real_tenant(tmp_path, TAPDESK_GRAPH_URL=EVIL, TAPDESK_ACCESS_TOKEN="x"),
    }
    for argv in (["status", AVA], ["issue", AVA], ["doctor"]):
        done = subprocess.run(
            [sys.executable, "-m", "tapdesk", *argv],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == ExitCode.CONFIG, done.stderr
        assert "TAPDESK_GRAPH_URL" in done.stderr and "evil.example" in done.stderr
        assert done.stdout == ""  # nothing reported as "ok"


def test_doctor_warns_about_each_override_with_its_origin(tmp_path: Path) -> None:
    paths = AppPaths.default({"TAPDESK_HOME": str(tmp_path)})
    paths.site_file.parent.mkdir(parents=True)
    paths.site_file.write_text("[privacy]\nhide_after_seconds = 60\n", encoding="utf-8")
    env = real_tenant(
        tmp_path,
        TAPDESK_GRAPH_URL="https://graph.microsoft.com/beta",
        TAPDESK_ACCESS_TOKEN="x",
        TAPDESK_HIDE_AFTER_SECONDS="0",
    )
    _, out, err, _ = run(["doctor"], env, tmp_path)
    lines = {line.split()[1]: line for line in out.splitlines() if line.startswith("  warn")}
    assert "TAPDESK_GRAPH_URL (environment)" in lines["graph_url"]
    assert "Microsoft Graph host of the global cloud" in lines["graph_url"]
    assert "TAPDESK_HOME" in lines["site"] and str(paths.site_file) in lines["site"]
    assert "TAPDESK_HIDE_AFTER_SECONDS" in lines["privacy"]
    assert "hide_after_seconds" in err  # every command says it once on stderr too


def test_the_window_is_told_of_a_moved_site_file_and_held_settings(tmp_path: Path) -> None:
    paths = AppPaths.default({"TAPDESK_HOME": str(tmp_path)})
    paths.site_file.parent.mkdir(parents=True)
    paths.site_file.write_text('[privacy]\nqr_payload = "signin"\n', encoding="utf-8")
    settings = load_settings(paths, {"TAPDESK_QR_PAYLOAD": "pass"}, {"demo": True})
    clock = FakeClock()
    services = build_services(
        settings,
        paths,
        clock=clock,
        demo_tenant=DemoTenant(clock=clock),
        keyring_backend=MemoryKeyring(),
    )
    services.close()
    held, moved = services.notices
    assert "TAPDESK_QR_PAYLOAD (environment) asks for qr_payload = pass" in held
    assert str(paths.site_file) in moved and "TAPDESK_HOME moved it" in moved
    assert services.settings.qr_payload.value == "signin"
