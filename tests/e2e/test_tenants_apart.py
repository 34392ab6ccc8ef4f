"""The demo tenant and a real one on one computer: neither sees the other's sessions, audit trail
or sign-in. The "real" tenant is a configured tenant on Microsoft's hosts, answered by a second
demo tenant under another id (tests.helpers.demo.RealTenantTransport)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tapdesk.app.main import build_services, main
from tapdesk.app.services import Services
from tapdesk.auth.cache import cache_file_name
from tapdesk.config import Settings
from tapdesk.core.flows import load_flows
from tapdesk.demo import DEMO_CLIENT_ID, DEMO_TECHNICIAN_UPN, DEMO_TENANT_ID, DemoTenant
from tapdesk.runtime.paths import AppPaths
from tapdesk.runtime.resources import flows_dir
from tapdesk.workflows.onboarding import OnboardingSession, save
from tests.helpers.cli import Run, no_network
from tests.helpers.clock import FakeClock
from tests.helpers.demo import UPN, RealTenantTransport
from tests.helpers.keyring import MemoryKeyring

REAL = "0c5a7e3d-1b2f-4e8a-9d6c-3f2a1b0c9d8e"
FLOW = {flow.id: flow for flow in load_flows(flows_dir())[0]}["passkey-authenticator"]


class Bench:
    """One computer: one home folder and keyring, a demo tenant and a configured one."""

    def __init__(self, home: Path) -> None:
        self.clock = FakeClock()
        self.paths = AppPaths.default({"TAPDESK_HOME": str(home)})
        self.keyring = MemoryKeyring()
        self.demo = DemoTenant(clock=self.clock, auto_approve_after=0)
        self.real = DemoTenant(clock=self.clock, auto_approve_after=0, tenant_id=REAL)
        self.env = {"TAPDESK_HOME": str(home)}
        self.real_env = {**self.env, "TAPDESK_TENANT_ID": REAL, "TAPDESK_CLIENT_ID": DEMO_CLIENT_ID}
        self.built: list[Services] = []

    def services(self, *, demo: bool) -> Services:
        options: dict[str, Any] = {"clock": self.clock, "keyring_backend": self.keyring}
        if demo:
            settings = Settings(demo=True)
            options["demo_tenant"] = self.demo
        else:
            settings = Settings(tenant_id=REAL, client_id=DEMO_CLIENT_ID)
            options["transport"] = RealTenantTransport(self.real)
        built = build_services(settings, self.paths, **options)
        self.built.append(built)
        return built

    def run(self, *argv: str, demo: bool) -> Run:
        out, err = io.StringIO(), io.StringIO()
        code = main(
            ["--demo", *argv] if demo else list(argv),
            transport=httpx.MockTransport(no_network) if demo else RealTenantTransport(self.real),
            env=self.env if demo else self.real_env,
            paths=self.paths,
            clock=self.clock,
            demo_tenant=self.demo if demo else None,
            keyring_backend=self.keyring,
            stdout=out,
            stderr=err,
        )
        return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture
def bench(tmp_path: Path) -> Any:
    made = Bench(tmp_path / "home")
    yield made
    for services in made.built:
        services.close()


def open_session(services: Services, upn: str) -> str:
    """Signed in, a checklist started and saved for ``upn``, as the window does."""
    assert services.auth is not None and services.store is not None
    account = services.auth.finish_device_flow(services.auth.start_device_flow())
    user = services.graph.get_user(upn)
    session = OnboardingSession.start(FLOW, user, technician=account.username, clock=services.clock)
    batch = session.begin_save()
    assert batch is not None
    save(services.store, batch)
    return session.session_id


def test_sessions_audit_and_sign_in_stay_with_their_tenant(bench: Bench) -> None:
    demo, real = bench.services(demo=True), bench.services(demo=False)
    demo_session = open_session(demo, UPN["ava.newhire"])
    real_session = open_session(real, UPN["andy.app"])
    assert demo.store is not None and real.store is not None
    assert [s.session_id for s in demo.store.open_sessions()] == [demo_session]
    assert [s.session_id for s in real.store.open_sessions()] == [real_session]
    assert demo.store.session(real_session) is None and real.store.session(demo_session) is None

    # A pass in each; each tenant's audit names only its own.
    assert bench.run("issue", UPN["ava.newhire"], "--json", demo=True).code == 0
    assert bench.run("issue", UPN["andy.app"], "--json", demo=False).code == 0
    for demo_side, tenant, upn in ((True, DEMO_TENANT_ID, "ava"), (False, REAL, "andy")):
        run = bench.run("audit", "--json", demo=demo_side)
        assert run.code == 0, run.err
        rows = json.loads(run.out)
        assert [(r["Event"], r["User"], r["Tenant"]) for r in rows] == [
            ("issue", UPN["ava.newhire" if upn == "ava" else "andy.app"], tenant)
        ]

    # Each sign-in has its own cache file and keyring entry, and the right tenant inside.
    data = bench.paths.data_dir
    assert (data / cache_file_name(DEMO_TENANT_ID)).exists()
    assert (data / cache_file_name(REAL)).exists()
    assert len(bench.keyring.secrets) == 2
    assert demo.auth is not None and real.auth is not None
    demo_saved, real_saved = demo.auth.saved_sign_in(), real.auth.saved_sign_in()
    assert demo_saved is not None and demo_saved.account.tenant_id == DEMO_TENANT_ID
    assert real_saved is not None and real_saved.account.tenant_id == REAL

    # Signing out of the demo leaves the real technician signed in.
    assert bench.run("logout", demo=True).code == 0
    assert not (data / cache_file_name(DEMO_TENANT_ID)).exists()
    assert (data / cache_file_name(REAL)).exists()
    whoami = bench.run("whoami", "--json", demo=False)
    assert whoami.code == 0, whoami.err
    me = json.loads(whoami.out)
    assert (me["account"], me["tenantId"]) == (DEMO_TECHNICIAN_UPN, REAL)
    assert bench.run("whoami", demo=True).code != 0
