"""``tapdesk doctor`` in process: each check line a technician reads, and the verdict."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import keyring
import pytest
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring

from tapdesk.app.main import main
from tapdesk.cli import doctor
from tapdesk.demo import DEMO_TENANT_ID, DemoTenant
from tapdesk.runtime.paths import AppPaths
from tests.helpers.cli import Run
from tests.helpers.clock import FakeClock
from tests.helpers.keyring import MemoryKeyring

TENANT = "contoso.example"
CLIENT = "11111111-2222-3333-4444-555555555555"
DISCOVERY = f"https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration"
GRAPH = "https://graph.microsoft.com/v1.0/"
Answer = Callable[[httpx.Request], httpx.Response]


class Doctor:
    """doctor with IT's site file at the system location, Microsoft's hosts answered by ``answer``."""

    def __init__(self, home: Path) -> None:
        self.clock = FakeClock()
        self.tenant = DemoTenant(clock=self.clock)
        self.paths = replace(AppPaths.default({"TAPDESK_HOME": str(home)}), site_moved_by=None)
        self.env = {"TAPDESK_HOME": str(home)}
        self.answer: Answer = lambda request: httpx.Response(200)
        self.requests: list[httpx.Request] = []

    def _serve(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer(request)

    def site(self, text: str) -> None:
        self.paths.site_file.parent.mkdir(parents=True, exist_ok=True)
        self.paths.site_file.write_text(text, encoding="utf-8")

    def __call__(self, *argv: str, as_json: bool = False, **env: str) -> Run:
        out, err = io.StringIO(), io.StringIO()
        code = main(
            [*argv, "doctor", *(["--json"] if as_json else [])],
            transport=httpx.MockTransport(self._serve),
            env={**self.env, **env},
            paths=self.paths,
            clock=self.clock,
            demo_tenant=self.tenant,
            stdout=out,
            stderr=err,
        )
        return Run(code, out.getvalue(), err.getvalue())

    def lines(self, *argv: str, **env: str) -> list[str]:
        return self(*argv, **env).out.splitlines()

    def configured(self, **env: str) -> Run:
        return self(TAPDESK_TENANT_ID=TENANT, TAPDESK_CLIENT_ID=CLIENT, **env)


@pytest.fixture
def dr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Doctor:
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setattr(keyring, "get_keyring", MemoryKeyring)
    return Doctor(tmp_path / "home")


def dated(offset_seconds: float, zone: str | None = None) -> Callable[[Doctor], Answer]:
    """Hosts whose Date header runs ``offset_seconds`` ahead of the machine's clock."""

    def make(dr: Doctor) -> Answer:
        when = format_datetime(dr.clock.now() + timedelta(seconds=offset_seconds), usegmt=True)
        if zone:
            when = when.replace("GMT", zone)
        return lambda request: httpx.Response(200, headers={"date": when})

    return make


def test_demo_doctor_prints_every_check_and_ready(dr: Doctor) -> None:
    """The demo tenant: config, tenant, keyring, proxy, both hosts reached, clock measured."""
    run = dr("--demo")
    assert (run.code, run.err) == (0, "")
    assert run.out.splitlines() == [
        f"  ok    config    defaults only: no {dr.paths.site_file} (site) or "
        f"{dr.paths.user_file} (user)",
        "  ok    tenant    demo tenant (training; no real passes)",
        "  ok    keyring   tests.helpers.keyring.MemoryKeyring",
        "  ok    proxy     none configured (direct connection)",
        "  ok    broker    not used on this platform",  # WAM is Windows only
        f"  ok    sign-in   https://login.tapdesk-demo.test/{DEMO_TENANT_ID}/v2.0/"
        ".well-known/openid-configuration answered 200",
        "  ok    graph     https://graph.tapdesk-demo.test/v1.0/ answered 401",
        "  ok    clock     +0 s against login.tapdesk-demo.test",
        "Ready.",
    ]


def test_doctor_without_a_tenant_says_what_is_missing_and_not_ready(dr: Doctor) -> None:
    run = dr()
    assert run.code == 1
    assert run.out.splitlines()[1:] == [
        "  fail  tenant    tenant id and client id not set: set [tenant] id and client_id in "
        "tapdesk.toml, or use --demo",
        "  ok    keyring   tests.helpers.keyring.MemoryKeyring",
        "  ok    proxy     none configured (direct connection)",
        "  ok    broker    not used on this platform",  # WAM is Windows only
        "  warn  graph     not checked until a tenant is configured",
        "  warn  clock     not measured (no Date header seen)",
        "Not ready: fix the lines marked fail.",
    ]
    assert dr.requests == []


@pytest.mark.parametrize(
    ("env", "missing"),
    [({"TAPDESK_TENANT_ID": TENANT}, "client id"), ({"TAPDESK_CLIENT_ID": CLIENT}, "tenant id")],
)
def test_doctor_names_the_one_id_that_is_missing(
    dr: Doctor, env: dict[str, str], missing: str
) -> None:
    assert dr.lines(**env)[1] == (
        f"  fail  tenant    {missing} not set: set [tenant] id and client_id in tapdesk.toml, "
        "or use --demo"
    )


def test_doctor_reads_config_sources_and_reaches_the_tenants_hosts(dr: Doctor) -> None:
    """A configured tenant: where settings came from, the tenant line, both hosts answered."""
    dr.site("[tenant]\n")
    dr.paths.user_file.parent.mkdir(parents=True, exist_ok=True)
    dr.paths.user_file.write_text("[tenant]\n", encoding="utf-8")
    run = dr.configured()
    assert run.code == 0
    assert run.out.splitlines() == [
        f"  ok    config    read from {dr.paths.site_file}, {dr.paths.user_file}, environment",
        f"  ok    tenant    {TENANT} (global cloud), client {CLIENT}",
        "  ok    keyring   tests.helpers.keyring.MemoryKeyring",
        "  ok    proxy     none configured (direct connection)",
        "  ok    broker    not used on this platform",  # WAM is Windows only
        f"  ok    sign-in   {DISCOVERY} answered 200",
        f"  ok    graph     {GRAPH} answered 200",
        "  warn  clock     not measured (no Date header seen)",
        "Ready.",
    ]
    # Neither host may hang the doctor: each request gives up after ten seconds.
    assert [r.extensions["timeout"]["read"] for r in dr.requests] == [10.0, 10.0]


def test_doctor_marks_an_unreachable_host_as_failed(dr: Doctor) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    dr.answer = refuse
    run = dr.configured()
    assert run.code == 1
    assert run.out.splitlines()[5:] == [  # after config, tenant, keyring, proxy, broker
        f"  fail  sign-in   {DISCOVERY} unreachable (ConnectError)",
        f"  fail  graph     {GRAPH} unreachable (ConnectError)",
        "  warn  clock     not measured (no Date header seen)",
        "Not ready: fix the lines marked fail.",
    ]


def test_doctor_flags_the_all_zero_example_client_id(dr: Doctor) -> None:
    zero = "00000000-0000-0000-0000-000000000000"
    lines = dr.lines(TAPDESK_TENANT_ID=TENANT, TAPDESK_CLIENT_ID=zero)
    assert lines[1:3] == [
        "  fail  tenant    client_id is the example's all-zero placeholder: set your app "
        "registration's id",
        f"  ok    tenant    {TENANT} (global cloud), client {zero}",
    ]
    assert "  warn  graph     not checked until a tenant is configured" in lines


def test_doctor_with_an_access_token_names_the_graph_it_uses(dr: Doctor) -> None:
    lines = dr.lines(TAPDESK_ACCESS_TOKEN="x")
    assert lines[1] == (
        "  ok    tenant    token from TAPDESK_ACCESS_TOKEN, Graph at https://graph.microsoft.com/v1.0"
    )


@pytest.mark.parametrize(
    ("offset", "status", "shown"),
    [(-300, "ok", "+300"), (300, "ok", "-300"), (-301, "warn", "+301"), (301, "warn", "-301")],
)
def test_doctor_warns_of_clock_skew_beyond_five_minutes(
    dr: Doctor, offset: float, status: str, shown: str
) -> None:
    """Entra tolerates five minutes of skew: at 300 s it is fine, past it the doctor warns."""
    dr.answer = dated(offset)(dr)
    lines = dr.lines(TAPDESK_TENANT_ID=TENANT, TAPDESK_CLIENT_ID=CLIENT)
    assert lines[-2] == f"  {status:<5} clock     {shown} s against login.microsoftonline.com"
    assert lines[-1] == "Ready."


def test_doctor_reads_a_minus_zero_zone_date_as_utc(dr: Doctor) -> None:
    """'-0000' parses as a naive time; the doctor still measures it against UTC."""
    dr.answer = dated(-120, zone="-0000")(dr)
    lines = dr.lines(TAPDESK_TENANT_ID=TENANT, TAPDESK_CLIENT_ID=CLIENT)
    assert lines[-2] == "  ok    clock     +120 s against login.microsoftonline.com"


def test_doctor_ignores_a_date_header_it_cannot_read(dr: Doctor) -> None:
    dr.answer = lambda request: httpx.Response(200, headers={"date": "yesterday"})
    lines = dr.lines(TAPDESK_TENANT_ID=TENANT, TAPDESK_CLIENT_ID=CLIENT)
    assert lines[-2] == "  warn  clock     not measured (no Date header seen)"


def test_doctor_lists_proxies_with_their_passwords_masked(
    dr: Doctor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy URL may hold a password: the doctor shows where it goes, never the secret."""
    monkeypatch.setenv("HTTPS_PROXY", "http://ann:s3cret@proxy.corp:8080")
    monkeypatch.setenv("http_proxy", "http://token@proxy.corp/path")
    monkeypatch.setenv("no_proxy", "localhost")
    monkeypatch.setenv("ALL_PROXY", "")
    monkeypatch.setenv("PROXY_HINT", "http://x:y@elsewhere")
    line = dr.lines("--demo")[3]
    assert line == (
        "  ok    proxy     https=http://***@proxy.corp:8080; "
        "http=http://***@proxy.corp/path; no=localhost (from the environment)"
    )


def test_doctor_json_carries_the_same_checks_and_verdict(dr: Doctor) -> None:
    run = dr(as_json=True)
    assert run.code == 1
    data = json.loads(run.out)
    assert data["ok"] is False
    assert data["checks"][1] == {
        "name": "tenant",
        "status": "fail",
        "detail": "tenant id and client id not set: set [tenant] id and client_id in "
        "tapdesk.toml, or use --demo",
    }


def test_doctor_warns_when_the_site_allows_a_plaintext_cache(dr: Doctor) -> None:
    dr.site("[auth]\nallow_plaintext_cache = true\n")
    lines = dr.lines("--demo")
    assert lines[2] == (
        f"  warn  policy    a plaintext token cache is allowed by "
        f"auth.allow_plaintext_cache in {dr.paths.site_file} line 2"
    )


def test_doctor_shows_a_graph_proxy_the_site_allows_but_does_not_use(dr: Doctor) -> None:
    dr.site('[tenant]\nallowed_graph_host = "graph-proxy.corp"\n')
    lines = dr.lines("--demo")
    assert lines[2] == (
        "  warn  graph_url graph-proxy.corp may receive tokens (tenant.allowed_graph_host in "
        f"{dr.paths.site_file} line 2); not in use"
    )


def test_doctor_says_why_an_overridden_graph_url_was_accepted(dr: Doctor) -> None:
    dr.site('[tenant]\nallowed_graph_host = "graph-proxy.corp"\n')
    lines = dr.lines(
        TAPDESK_TENANT_ID=TENANT,
        TAPDESK_CLIENT_ID=CLIENT,
        TAPDESK_GRAPH_URL="https://graph-proxy.corp/v1.0",
    )
    assert lines[2] == (
        "  warn  graph_url https://graph-proxy.corp/v1.0 from TAPDESK_GRAPH_URL (environment): "
        f"allowed by tenant.allowed_graph_host in {dr.paths.site_file} line 2"
    )


def test_doctor_names_a_microsoft_graph_override_as_the_clouds(dr: Doctor) -> None:
    lines = dr.lines(
        TAPDESK_TENANT_ID=TENANT,
        TAPDESK_CLIENT_ID=CLIENT,
        TAPDESK_GRAPH_URL="https://graph.microsoft.com/beta",
    )
    assert lines[2] == (
        "  warn  graph_url https://graph.microsoft.com/beta from TAPDESK_GRAPH_URL "
        "(environment): a Microsoft Graph host of the global cloud"
    )


def test_doctor_names_a_local_graph_as_token_only(dr: Doctor) -> None:
    lines = dr.lines(TAPDESK_ACCESS_TOKEN="x", TAPDESK_GRAPH_URL="http://127.0.0.1:8123/v1.0")
    assert lines[2] == (
        "  warn  graph_url http://127.0.0.1:8123/v1.0 from TAPDESK_GRAPH_URL (environment): "
        "a local server, accepted for the demo tenant or a TAPDESK_ACCESS_TOKEN token only"
    )


def test_demo_doctor_does_not_warn_about_the_demos_own_graph_url(dr: Doctor) -> None:
    lines = dr.lines("--demo", TAPDESK_GRAPH_URL="http://127.0.0.1:8123/v1.0")
    assert not any("graph_url" in line for line in lines)


class NullNamed(MemoryKeyring):
    """A keyring with a priority whose name says it stores nothing."""


NullNamed.__module__ = "keyrings.null"


class FailNamed(MemoryKeyring):
    pass


FailNamed.__module__ = "keyrings.fail"


@pytest.mark.parametrize(
    ("backend", "status", "detail"),
    [
        (MemoryKeyring(), "ok", "tests.helpers.keyring.MemoryKeyring"),
        (
            fail.Keyring(),
            "warn",
            "keyring.backends.fail.Keyring is not usable: tokens kept in memory, "
            "sign in each session",
        ),
        (
            NullNamed(),
            "warn",
            "keyrings.null.NullNamed is not usable: tokens kept in memory, sign in each session",
        ),
        (
            FailNamed(),
            "warn",
            "keyrings.fail.FailNamed is not usable: tokens kept in memory, sign in each session",
        ),
        (
            object(),
            "warn",
            "builtins.object is not usable: tokens kept in memory, sign in each session",
        ),
        (
            PlaintextKeyring(),
            "warn",
            "keyrings.alt.file.PlaintextKeyring stores secrets unencrypted on disk",
        ),
    ],
)
def test_doctor_judges_the_keyring_backend(backend: object, status: str, detail: str) -> None:
    """Only a real, encrypting keyring is ok; the line names the backend and what it means."""
    assert doctor._keyring(backend) == doctor.Check("keyring", status, detail)  # type: ignore[arg-type]


def test_doctor_reports_a_keyring_that_fails_while_probing(
    dr: Doctor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise RuntimeError("no D-Bus")

    monkeypatch.setattr(keyring, "get_keyring", broken)
    lines = dr.lines("--demo")
    assert lines[2] == "  warn  keyring   unavailable (RuntimeError): tokens kept in memory only"
    assert lines[-1].startswith("Ready, but sign-in is not kept:")  # the cache cannot use it either


def test_run_checks_judges_the_keyring_it_is_given(dr: Doctor) -> None:
    """The window's doctor passes its own keyring backend; that is the one judged."""
    from tapdesk.app.main import build_services
    from tapdesk.config import load_settings

    settings = load_settings(dr.paths, {**dr.env, "TAPDESK_DEMO": "1"}, {"demo": True})
    services = build_services(settings, dr.paths, clock=dr.clock, demo_tenant=dr.tenant)
    try:
        checks = doctor.run_checks(services, authority=None, keyring_backend=fail.Keyring())
    finally:
        services.close()
    assert [c.status for c in checks if c.name == "keyring"] == ["warn"]


NOT_KEPT = (
    "Ready, but sign-in is not kept: each command signs in by itself, with a code entered on "
    "another device (in a script, add --device-code to it). To keep sign-in, install or unlock "
    "a keyring (the Secret Service, such as gnome-keyring, on Linux; Windows Credential Manager "
    "on Windows)."
)


def test_doctor_without_a_keyring_is_ready_but_says_sign_in_is_not_kept(
    dr: Doctor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tapdesk works without a keyring (each command signs in), so the exit code stays 0 for
    the packaging smoke test; but a bare "Ready." would hide why login does not last."""
    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)
    run = dr("--demo")
    assert (run.code, run.err) == (0, "")
    lines = run.out.splitlines()
    assert lines[2] == (
        "  warn  keyring   keyring.backends.fail.Keyring is not usable: tokens kept in memory, "
        "sign in each session"
    )
    assert lines[-1] == NOT_KEPT
    data = json.loads(dr("--demo", as_json=True).out)
    assert (data["ok"], data["signInKept"]) == (True, False)


def test_doctor_json_says_whether_sign_in_is_kept(dr: Doctor) -> None:
    """true with a keyring; null when a token comes from the environment (nobody signs in)."""
    assert json.loads(dr("--demo", as_json=True).out)["signInKept"] is True
    token = dr("--demo", as_json=True, TAPDESK_ACCESS_TOKEN="x")
    assert json.loads(token.out)["signInKept"] is None


def test_doctor_with_a_plaintext_cache_allowed_and_no_keyring_is_ready(
    dr: Doctor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IT's site file allows an unencrypted cache: sign-in is kept (the policy line warns)."""
    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)
    dr.site("[auth]\nallow_plaintext_cache = true\n")
    assert dr.lines("--demo")[-1] == "Ready."


def test_doctor_says_what_a_shared_bench_does(dr: Doctor) -> None:
    dr.site("[bench]\nshared = true\n")
    assert dr.lines("--demo")[2] == (
        "  ok    bench     shared: asks who is at the keyboard; signs out after 15 min without "
        "activity; continuing needs a sign-in at most 60 min old"
    )
    # An idle sign-out asked for alone, on a computer that is not shared.
    dr.site("[bench]\nidle_sign_out_minutes = 30\n")
    assert dr.lines("--demo")[2] == "  ok    bench     signs out after 30 min without activity"
    dr.site("")
    assert not any("bench" in line for line in dr.lines("--demo"))
