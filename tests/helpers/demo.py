"""Small helpers for driving the demo tenant: Graph clients with a token, a scripted browser."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable
from typing import Any, ClassVar

import httpx

from tapdesk.demo import DEMO_GRAPH_URL, DEMO_TECHNICIAN_UPN, DemoTenant
from tapdesk.demo.constants import GRAPH_HOST, LOGIN_HOST
from tapdesk.graph.client import GraphClient

UPN = {
    name: f"{name}@northwind.example"
    for name in (
        "tess.tech",
        "pat.priv",
        "ava.newhire",
        "ben.fresh",
        "carl.disabled",
        "sam.synced",
        "alex.admin",
        "oscar.outside",
        "erin.existing",
        "andy.app",
        "priya.passkey",
        "nora.newhire",
    )
}
UPN["gina"] = "gina_fabrikam.example#EXT#@northwind.example"
TAP_PATH = "/users/{}/authentication/temporaryAccessPassMethods"


class IssuedPasses(httpx.BaseTransport):
    """Every pass value the demo tenant's Graph hands out. Graph shows a value only in the
    answer to its creation and keeps none (as Entra), so this is "the pass the tenant holds"
    that tests compare output with and search logs and files for. Attaching it routes the
    tenant's own transport through it (the CLI's and the window's demo wiring); it is also a
    transport itself, for tests that pass one in."""

    def __init__(self, tenant: DemoTenant) -> None:
        self.values: list[str] = []
        self._serve = tenant.handler
        tenant.handler = self.handle_request  # type: ignore[method-assign]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._serve(request)
        created = request.method == "POST" and response.status_code == 201
        if created and request.url.path.endswith("/temporaryAccessPassMethods"):
            response.read()
            value = response.json()["temporaryAccessPass"]
            assert len(value) >= 8 and value.strip() == value, "not a pass worth searching for"
            self.values.append(value)
        return response

    @property
    def last(self) -> str:
        assert self.values, "Graph issued no pass"
        return self.values[-1]


# The demo's training technician, tess.tech, may issue passes but not read the pass policy
# (the usual real case). Most tests run as a lead who may read it too, as gwen.lead may.
LEAD_ROLES = ["Authentication Administrator", "Global Reader"]


def as_lead(tenant: DemoTenant) -> DemoTenant:
    """The training technician raised to a lead: the pass policy becomes readable."""
    tenant.set_roles(DEMO_TECHNICIAN_UPN, LEAD_ROLES)
    return tenant


def graph_client(
    tenant: DemoTenant, upn: str = DEMO_TECHNICIAN_UPN, scopes: list[str] | None = None
) -> httpx.Client:
    """An httpx client for the demo Graph, signed in as ``upn`` (no MSAL round trip)."""
    token = tenant.access_token(upn, scopes)
    return httpx.Client(
        transport=tenant.transport(),
        base_url=DEMO_GRAPH_URL,
        headers={"authorization": f"Bearer {token}"},
    )


def demo_graph(tenant: DemoTenant, clock: Any) -> GraphClient:
    """tapdesk's own Graph client on the demo tenant, signed in as the training technician."""
    return GraphClient(
        DEMO_GRAPH_URL,
        lambda force_refresh=False: tenant.access_token(),
        transport=tenant.transport(),
        clock=clock,
    )


def user_path(upn: str) -> str:
    return "/users/" + upn.replace("#", "%23")


def tap_path(upn: str) -> str:
    return user_path(upn) + "/authentication/temporaryAccessPassMethods"


class ScriptedBrowser:
    """Stands in for ``webbrowser.open``: loads the authorize page from the demo authority and
    submits its form_post to MSAL's loopback listener, as a real browser's script would."""

    def __init__(self, http: httpx.Client) -> None:
        self._http = http
        self.urls: list[str] = []  # every authorize URL opened, with its query
        self.pages: list[str] = []
        self.posts: list[httpx.Response] = []
        self._threads: list[threading.Thread] = []

    def open(self, url: str, *args: object, **kwargs: object) -> bool:
        self.urls.append(url)
        page = self._http.get(url).text
        self.pages.append(page)
        found = re.search(r'action="([^"]+)"', page)
        assert found, "the authorize page has no form"
        action = html.unescape(found.group(1))
        fields = {
            html.unescape(name): html.unescape(value)
            for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', page)
        }
        # MSAL's listener serves requests only after this call returns: post from a thread.
        thread = threading.Thread(target=self._post, args=(action, fields), daemon=True)
        thread.start()
        self._threads.append(thread)
        return True

    def _post(self, action: str, fields: dict[str, str]) -> None:
        self.posts.append(httpx.post(action, data=fields, timeout=10))

    def join(self) -> None:
        for thread in self._threads:
            thread.join(timeout=10)


Handler = Callable[[httpx.Request], httpx.Response]


def advancing(handler: Handler, step: Callable[[], None]) -> Handler:
    """Wraps a transport handler so every request first runs ``step`` (e.g. clock.advance)."""

    def wrapped(request: httpx.Request) -> httpx.Response:
        step()
        return handler(request)

    return wrapped


class RealTenantTransport(httpx.BaseTransport):
    """A configured (not demo) tenant on Microsoft's own hosts, answered by a demo tenant built
    with another ``tenant_id``: what tapdesk sends is what it would send to Entra and Graph."""

    _HOSTS: ClassVar[dict[str, str]] = {
        "login.microsoftonline.com": LOGIN_HOST,
        "graph.microsoft.com": GRAPH_HOST,
    }

    def __init__(self, tenant: DemoTenant) -> None:
        self._inner = tenant.transport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = self._HOSTS.get(request.url.host)
        if host is not None:
            request.url = request.url.copy_with(host=host)
        return self._inner.handle_request(request)
