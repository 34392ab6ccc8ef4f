"""What the composition root (``app.py``) hands to a front end (the window or the CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tapdesk.config import AppPaths, Settings
from tapdesk.core.clock import Clock

if TYPE_CHECKING:
    import httpx

    from tapdesk.auth import Authenticator
    from tapdesk.demo import DemoTenant
    from tapdesk.graph.client import GraphClient


@dataclass
class Services:
    settings: Settings
    paths: AppPaths
    graph: GraphClient
    auth: Authenticator | None  # None when a token comes from TAPDESK_ACCESS_TOKEN
    clock: Clock
    demo: DemoTenant | None = None  # set only on the demo tenant (phone panel, training)
    http: httpx.Client | None = None  # the shared client, for reachability checks
    authority: str | None = None  # sign-in authority in use (demo or the tenant's)

    def close(self) -> None:
        self.graph.close()
        if self.http is not None:
            self.http.close()
