"""The headless CLI run in-process against the demo tenant, as the end-to-end tests drive it."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from keyring.backend import KeyringBackend

from tapdesk.app.main import main
from tapdesk.auth.cache import cache_file_name
from tapdesk.demo import DEMO_TECHNICIAN_UPN, DEMO_TENANT_ID, DemoTenant
from tapdesk.runtime.paths import AppPaths
from tests.helpers.clock import FakeClock
from tests.helpers.demo import IssuedPasses, as_lead
from tests.helpers.keyring import MemoryKeyring
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


class Terminal(io.StringIO):
    """A stream that says it is a terminal (what the CLI checks before showing a device code)."""

    def isatty(self) -> bool:
        return True


# What a sign-in from the command line says will become of it, by kind of token cache.
SAVED = (
    "tapdesk: This sign-in is saved for the next tapdesk commands, encrypted, with its key in the "
    "system keyring.\n"
)
KEYRING_FIX = (
    "install or unlock a keyring (the Secret Service, such as gnome-keyring, on Linux; "
    "Windows Credential Manager on Windows)"
)
THIS_COMMAND_ONLY = (
    "so this sign-in is kept only for this command: every other tapdesk command will sign you "
    "in again (on a terminal it shows a code by itself; in a script add --device-code to it). "
    f"To stay signed in, {KEYRING_FIX}.\n"
)


class Shell:
    """The CLI with no TAPDESK_ACCESS_TOKEN: commands sign in through MSAL and the keyring."""

    def __init__(self, home: Path) -> None:
        self.clock = FakeClock()
        self.tenant = DemoTenant(clock=self.clock, auto_approve_after=0)
        self.paths = AppPaths.default({"TAPDESK_HOME": str(home)})
        self.env = {"TAPDESK_HOME": str(home)}
        self.keyring: KeyringBackend = MemoryKeyring()
        self.cache = self.paths.data_dir / cache_file_name(DEMO_TENANT_ID)

    def __call__(
        self,
        *argv: str,
        env: dict[str, str] | None = None,
        open_browser: Callable[[str], bool] | None = None,
        terminal: bool = False,
        typed: str = "",
    ) -> Run:
        """``terminal``: stdin and stderr are a terminal, as for a person at a shell, who
        types ``typed`` when asked."""
        stream = Terminal if terminal else io.StringIO
        out, err = io.StringIO(), stream()
        code = main(
            ["--demo", *argv],
            transport=httpx.MockTransport(no_network),
            env={**self.env, **(env or {})},
            paths=self.paths,
            clock=self.clock,
            demo_tenant=self.tenant,
            keyring_backend=self.keyring,
            open_browser=open_browser,
            stdin=stream(typed),
            stdout=out,
            stderr=err,
        )
        return Run(code, out.getvalue(), err.getvalue())
