"""The headless CLI run in-process against the demo tenant, as the end-to-end tests drive it."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import httpx

from tapdesk.app.main import main
from tapdesk.demo import DEMO_TECHNICIAN_UPN, DemoTenant
from tapdesk.runtime.paths import AppPaths
from tests.helpers.clock import FakeClock
from tests.helpers.demo import IssuedPasses, as_lead
from tests.helpers.tokens import mint_token

AVA = "ava.newhire@northwind.example"


def no_network(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("no network in tests", request=request)


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


class Cli:
    def __init__(self, home: Path) -> None:
        self.clock = FakeClock()
        self.tenant = as_lead(DemoTenant(clock=self.clock))
        self.issued = IssuedPasses(self.tenant)
        self.paths = AppPaths.default({"TAPDESK_HOME": str(home)})
        self.env = {
            "TAPDESK_HOME": str(home),
            "TAPDESK_ACCESS_TOKEN": mint_token(self.tenant, DEMO_TECHNICIAN_UPN),
        }

    def __call__(self, *argv: str, env: dict[str, str] | None = None) -> Run:
        out, err = io.StringIO(), io.StringIO()
        # Tests never reach for Microsoft's real hosts: a real-tenant run finds no network.
        code = main(
            list(argv),
            transport=httpx.MockTransport(no_network),
            env=self.env if env is None else env,
            paths=self.paths,
            clock=self.clock,
            demo_tenant=self.tenant,
            stdout=out,
            stderr=err,
        )
        return Run(code, out.getvalue(), err.getvalue())

    def passes(self) -> list[str]:
        """The pass values Graph sent (none is a test failure)."""
        assert self.issued.values, "Graph created no pass"
        return list(self.issued.values)
