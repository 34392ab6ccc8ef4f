"""The demo tenant's state file: shared by separate processes, private, and never holding a pass."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from tapdesk.demo import DEMO_AUTHORITY, DEMO_CLIENT_ID, DemoTenant
from tests.helpers.clock import FakeClock
from tests.helpers.demo import UPN, graph_client, tap_path, user_path

AVA, NORA = UPN["ava.newhire"], UPN["nora.newhire"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "demo" / "tenant.json"


def test_second_instance_sees_the_first_ones_changes(state_path: Path) -> None:
    clock = FakeClock()
    first = DemoTenant(state_path, clock=clock)
    with graph_client(first) as graph:
        created = graph.post(tap_path(AVA), json={"lifetimeInMinutes": 120}).json()
    first.set_roles(UPN["andy.app"], ["Global Reader"])
    first.set_policy(defaultLength=10)
    first.phone(NORA).create_passkey()

    second = DemoTenant(state_path, clock=clock)
    with graph_client(second) as graph:
        (listed,) = graph.get(tap_path(AVA)).json()["value"]
        assert (listed["id"], listed["lifetimeInMinutes"]) == (created["id"], 120)
        assert listed["temporaryAccessPass"] is None
        assert len(graph.get(user_path(NORA) + "/authentication/fido2Methods").json()["value"]) == 1
    assert second.users[UPN["andy.app"]].roles == ["Global Reader"]

    # ...and a revoke in the second is seen by the first (load-mutate-save on every request).
    with graph_client(second) as graph:
        assert graph.delete(f"{tap_path(AVA)}/{created['id']}").status_code == 204
    assert first.users[AVA].tap is None


def test_refresh_token_survives_into_another_instance(state_path: Path) -> None:
    clock = FakeClock()
    token_url = f"{DEMO_AUTHORITY}/oauth2/v2.0/token"
    first = DemoTenant(state_path, clock=clock, auto_approve_after=0)
    with httpx.Client(transport=first.transport()) as http:
        flow = http.post(
            f"{DEMO_AUTHORITY}/oauth2/v2.0/devicecode",
            data={"client_id": DEMO_CLIENT_ID, "scope": "User.Read offline_access"},
        ).json()
        tokens = http.post(
            token_url,
            data={
                "client_id": DEMO_CLIENT_ID,
                "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                "device_code": flow["device_code"],
            },
        ).json()
    second = DemoTenant(state_path, clock=clock)
    with httpx.Client(transport=second.transport()) as http:
        refreshed = http.post(
            token_url,
            data={
                "client_id": DEMO_CLIENT_ID,
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh_token"],
                "scope": "User.Read offline_access",
            },
        )
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["refresh_token"] != tokens["refresh_token"]
    text = state_path.read_text()
    assert tokens["refresh_token"] not in text and flow["device_code"] not in text


def test_state_file_never_holds_a_pass_or_token(state_path: Path) -> None:
    tenant = DemoTenant(state_path, clock=FakeClock())
    values = []
    with graph_client(tenant) as graph:
        token = graph.headers["authorization"].removeprefix("Bearer ")
        for upn in (AVA, NORA, AVA, UPN["andy.app"]):
            values.append(graph.post(tap_path(upn), json={}).json()["temporaryAccessPass"])
    tenant.phone(NORA).sign_in_with_pass()
    text = state_path.read_text(encoding="utf-8")
    for value in values:
        assert value not in text
    assert token not in text
    leftovers = [p.name for p in state_path.parent.iterdir()]
    assert sorted(leftovers) == ["tenant.json", "tenant.json.lock"]  # no temp files left behind


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_state_file_is_private(state_path: Path) -> None:
    DemoTenant(state_path).set_policy(defaultLength=9)
    assert stat.S_IMODE(state_path.stat().st_mode) == 0o600


def test_replication_clock_starts_when_the_file_is_seeded(state_path: Path) -> None:
    clock = FakeClock()
    DemoTenant(state_path, clock=clock)
    clock.advance(25)
    later = DemoTenant(state_path, clock=clock)  # a second CLI run, 25 s after the first
    with graph_client(later) as graph:
        assert graph.get(user_path(UPN["ben.fresh"])).status_code == 200


def test_two_instances_writing_at_once_lose_nothing(state_path: Path) -> None:
    tenants = [DemoTenant(state_path), DemoTenant(state_path)]

    def register(tenant: DemoTenant, upn: str) -> None:
        for _ in range(15):
            tenant.phone(upn).register_windows_hello()

    threads = [
        threading.Thread(target=register, args=(tenants[0], AVA)),
        threading.Thread(target=register, args=(tenants[1], NORA)),
        threading.Thread(target=register, args=(tenants[1], AVA)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    users = DemoTenant(state_path).users
    hello = "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod"
    assert sum(m["@odata.type"] == hello for m in users[AVA].methods) == 30
    assert sum(m["@odata.type"] == hello for m in users[NORA].methods) == 15


def test_separate_process_sees_the_same_tenant(state_path: Path) -> None:
    DemoTenant(state_path).phone(NORA).register_authenticator()
    script = (
        "import sys; from pathlib import Path; from tapdesk.demo import DemoTenant\n"
        "tenant = DemoTenant(Path(sys.argv[1]))\n"
        f"assert tenant.users['{NORA}'].methods[-1]['displayName']\n"
        f"tenant.set_roles('{NORA}', ['Reports Reader'])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", script, str(state_path)], check=True, env=env)
    assert DemoTenant(state_path).users[NORA].roles == ["Reports Reader"]


def test_unknown_state_version_is_refused(state_path: Path) -> None:
    DemoTenant(state_path)
    data = json.loads(state_path.read_text())
    state_path.write_text(json.dumps({**data, "version": 99}))
    with pytest.raises(ValueError, match="version"):
        DemoTenant(state_path)


@pytest.mark.parametrize("on_disk", [False, True])
def test_reset_goes_back_to_the_seed(state_path: Path, on_disk: bool) -> None:
    clock = FakeClock()
    tenant = DemoTenant(state_path if on_disk else None, clock=clock)
    tenant.phone(AVA).register_authenticator()
    tenant.set_roles(UPN["tess.tech"], [])
    tenant.delete_user(NORA)
    clock.advance(60)
    tenant.reset()
    users = tenant.users
    assert len(users[AVA].methods) == 1 and NORA in users
    assert users[UPN["tess.tech"]].roles == ["Authentication Administrator"]
    with graph_client(tenant) as graph:  # "created two minutes ago" again: not replicated yet
        assert graph.get(user_path(UPN["ben.fresh"])).status_code == 404


def test_a_failed_change_is_neither_saved_nor_remembered(state_path: Path) -> None:
    tenant = DemoTenant(state_path)
    store = tenant._store
    with pytest.raises(RuntimeError), store.transaction() as state:
        state.find_user(AVA).roles.append("Global Administrator")  # type: ignore[union-attr]
        raise RuntimeError("the request failed half-way")
    with store.transaction() as state:  # the store keeps what it parsed: not the half change
        assert "Global Administrator" not in state.find_user(AVA).roles  # type: ignore[union-attr]
    assert "Global Administrator" not in DemoTenant(state_path).users[AVA].roles
