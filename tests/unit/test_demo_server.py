"""The demo tenant's own process (tapdesk.demo.serve, started by tapdesk.demo.relay): it lives
as long as its stdin, answers only who knows its secret, and never prints a pass."""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tapdesk.core.passrules import IssueRequest
from tapdesk.demo import DEMO_GRAPH_URL, DemoTenant
from tapdesk.demo.relay import DemoServer, DemoServerError
from tapdesk.demo.wire import CONTROL_PATH, SECRET_HEADER, hello, read_hello
from tapdesk.graph.client import GraphClient
from tests.helpers.demo import UPN, tap_path, user_path

pytestmark = pytest.mark.slow  # child processes

AVA, NORA = UPN["ava.newhire"], UPN["nora.newhire"]
HELLO = "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod"


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server") / "demo-tenant.json"


@pytest.fixture(scope="module")
def server(state: Path) -> Iterator[DemoServer]:
    with DemoServer.start(state) as started:
        yield started


def test_the_first_line_is_read_back_and_nothing_else_is() -> None:
    secret = "s" * 43
    assert read_hello(hello(40123, secret) + "\n") == (40123, secret)
    for line in (
        "",
        "tapdesk-demo-serve 0 " + secret,
        "tapdesk-demo-serve 70000 " + secret,
        "tapdesk-demo-serve 4012 short",
        "other 4012 " + secret,
    ):
        assert read_hello(line) is None


def test_it_stops_when_its_stdin_ends(state: Path) -> None:
    server = DemoServer.start(state)
    try:
        assert server.process.stdin is not None
        server.process.stdin.close()  # what the parent's death does too
        assert server.process.wait(timeout=10) == 0
    finally:
        server.close()
    assert server.stray_output == ""


@pytest.mark.parametrize("path", [CONTROL_PATH, "/v1.0/me"])
@pytest.mark.parametrize("secret", [None, "not-the-secret"])
def test_without_its_secret_nothing_is_served(
    server: DemoServer, path: str, secret: str | None
) -> None:
    before = server.request_count()
    headers = {"Host": "graph.tapdesk-demo.test"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    answer = httpx.post(
        f"http://127.0.0.1:{server.port}{path}",
        json={"latency": 3},
        headers=headers,
        trust_env=False,
    )
    assert answer.status_code == 403 and answer.content == b""
    assert server.request_count() == before
    with httpx.Client(transport=server.transport()) as client:  # and no latency was set
        started = time.monotonic()
        client.get(DEMO_GRAPH_URL + "/me")
        assert time.monotonic() - started < 2


def test_its_latency_and_request_count(server: DemoServer) -> None:
    with httpx.Client(transport=server.transport()) as client:
        before = server.request_count()
        client.get(DEMO_GRAPH_URL + "/me")
        assert server.request_count() == before + 1
        server.set_latency(0.3)
        try:
            started = time.monotonic()
            assert client.get(DEMO_GRAPH_URL + "/me").status_code == 401
            assert time.monotonic() - started >= 0.3
        finally:
            server.set_latency(0)


def test_a_server_that_cannot_start_says_so(tmp_path: Path) -> None:
    """A folder where the state file should be: the tenant fails, the error names the exit."""
    (tmp_path / "state").mkdir()
    with pytest.raises(DemoServerError, match=r"ended \(exit code 1\) before it listened"):
        DemoServer.start(tmp_path / "state", stderr=subprocess.DEVNULL)


def test_the_pass_is_in_no_output_or_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    state, errors = tmp_path / "demo-tenant.json", tmp_path / "stderr.txt"
    tenant = DemoTenant(state_path=state)
    with errors.open("w", encoding="utf-8") as stderr:
        server = DemoServer.start(state, stderr=stderr)
        try:
            graph = GraphClient(
                DEMO_GRAPH_URL,
                lambda force_refresh=False: tenant.access_token(),
                transport=server.transport(),
            )
            ava = graph.get_user(AVA)
            issued = graph.create_tap(ava.id, IssueRequest(lifetime_minutes=60))
            with httpx.Client(transport=server.transport()) as raw:  # and a broken request
                raw.post(DEMO_GRAPH_URL + user_path(AVA), content=b"{not json")
            graph.close()
        finally:
            server.close()
    assert issued.code is not None
    value = issued.code.reveal()
    assert len(value) >= 8
    assert value not in server.stray_output
    assert value not in errors.read_text(encoding="utf-8")
    assert caplog.records and all(value not in r.getMessage() for r in caplog.records)
    assert value not in state.read_text(encoding="utf-8")


def test_this_process_and_the_server_write_at_once_and_lose_nothing(
    state: Path, server: DemoServer
) -> None:
    """The simulated phone writes here while Graph writes there: one lock on the state file."""
    tenant = DemoTenant(state_path=state)
    auth = {"authorization": f"Bearer {tenant.access_token()}"}
    before = sum(m["@odata.type"] == HELLO for m in tenant.users[NORA].methods)
    statuses: list[int] = []

    def issue_and_revoke() -> None:
        with httpx.Client(transport=server.transport(), headers=auth) as graph:
            for _ in range(20):
                created = graph.post(DEMO_GRAPH_URL + tap_path(AVA), json={})
                gone = graph.delete(f"{DEMO_GRAPH_URL}{tap_path(AVA)}/{created.json()['id']}")
                statuses.extend([created.status_code, gone.status_code])

    relayed = threading.Thread(target=issue_and_revoke)
    relayed.start()
    for _ in range(30):
        tenant.phone(NORA).register_windows_hello()
    relayed.join()
    assert statuses == [201, 204] * 20
    assert sum(m["@odata.type"] == HELLO for m in tenant.users[NORA].methods) == before + 30
    assert tenant.users[AVA].tap is None


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
def test_the_server_is_handed_no_access_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token given to the app (TAPDESK_ACCESS_TOKEN) stays in the app's process."""
    token = "eyJ.a-token-for-the-app-only.sig"
    monkeypatch.setenv("TAPDESK_ACCESS_TOKEN", token)
    monkeypatch.setenv("TAPDESK_SOMETHING_ELSE", "kept")
    with DemoServer.start(tmp_path / "demo-tenant.json") as started:
        environ = Path(f"/proc/{started.process.pid}/environ").read_bytes().split(b"\0")
    assert b"TAPDESK_SOMETHING_ELSE=kept" in environ  # the environment is read, and passed on
    assert not [entry for entry in environ if token.encode() in entry]
