"""Bearer tokens for the real GraphClient against the demo tenant, without an MSAL round trip."""

from __future__ import annotations

from typing import Any

from tapdesk.demo import DEMO_GRAPH_URL, DEMO_TECHNICIAN_UPN, DemoTenant
from tapdesk.graph.client import GraphClient
from tests.helpers.clock import FakeClock


def mint_token(tenant: DemoTenant, upn: str) -> str:
    return tenant.access_token(upn)


class TokenSource:
    """Behaves like a token cache: hands out the same token until asked to refresh.

    Not refreshing by itself is deliberate, so tests see the client's 401 -> refresh path.
    """

    def __init__(self, tenant: DemoTenant, clock: FakeClock, upn: str) -> None:
        self._tenant = tenant
        self._upn = upn
        self._token: str | None = None
        self.forced = 0

    def __call__(self, force_refresh: bool = False) -> str:
        if force_refresh:
            self.forced += 1
        if force_refresh or self._token is None:
            self._token = self._tenant.access_token(self._upn)
        return self._token


def demo_graph(
    tenant: DemoTenant, clock: FakeClock, *, upn: str = DEMO_TECHNICIAN_UPN, **options: Any
) -> GraphClient:
    """The real GraphClient on the demo tenant, signed in as ``upn`` without MSAL; ``options``
    as GraphClient takes them (retry, replication_wait)."""
    return GraphClient(
        DEMO_GRAPH_URL,
        TokenSource(tenant, clock, upn),
        transport=tenant.transport(),
        clock=clock,
        **options,
    )
