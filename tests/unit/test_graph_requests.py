"""What GraphClient sends to Graph and what it tells the technician while it waits or gives up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from tapdesk import errors as e
from tapdesk.core.audit import AuditKind
from tapdesk.core.passrules import IssueRequest
from tapdesk.core.roles import AUTHENTICATION_ADMINISTRATOR, Roles
from tapdesk.demo import DEMO_GRAPH_URL, DEMO_TECHNICIAN_UPN, DemoTenant, Fault
from tapdesk.graph.client import GraphClient
from tapdesk.graph.retry import NO_RETRY, RetryPolicy
from tapdesk.runtime.paths import AppPaths
from tapdesk.store import open_store
from tapdesk.workflows.issuing import Issuer
from tests.helpers.clock import START, FakeClock
from tests.helpers.tokens import demo_graph

AVA = "ava.newhire@northwind.example"
BEN = "ben.fresh@northwind.example"  # created a moment ago: still replicating
AUTH_ADMIN = Roles.from_wids([AUTHENTICATION_ADMINISTRATOR])
Handler = Callable[[httpx.Request], httpx.Response]


def _client(clock: FakeClock, handler: Handler) -> GraphClient:
    return GraphClient(
        DEMO_GRAPH_URL,
        lambda force_refresh=False: "t",
        transport=httpx.MockTransport(handler),
        clock=clock,
        retry=RetryPolicy(jitter=lambda: 0.5),
    )


@pytest.fixture
def graph(tenant: DemoTenant, clock: FakeClock) -> Iterator[GraphClient]:
    client = demo_graph(tenant, clock, retry=RetryPolicy(jitter=lambda: 0.5), replication_wait=30.0)
    yield client
    client.close()


def test_search_asks_graph_for_name_upn_and_mail_without_quotes_or_backslashes(
    clock: FakeClock,
) -> None:
    """A quote or backslash typed into the box would break Graph's $search syntax."""
    seen: list[httpx.Request] = []

    def users(request: httpx.Request) -> httpx.Response:  # Graph's List users with $search
        seen.append(request)
        body = {"value": [{"id": "u-1", "displayName": "Ava Newhire", "userPrincipalName": AVA}]}
        return httpx.Response(200, json=body)

    client = _client(clock, users)
    found = client.search_users(' "av\\a" ')
    client.close()
    assert [u.user_principal_name for u in found] == [AVA]
    query = dict(seen[0].url.params)
    assert query.pop("$select").startswith("id,displayName,userPrincipalName")
    assert query == {
        "$search": '"displayName:ava" OR "userPrincipalName:ava" OR "mail:ava"',
        "$top": "15",
        "$count": "true",
    }
    assert seen[0].headers["ConsistencyLevel"] == "eventual"


def test_search_of_only_quotes_asks_nothing(clock: FakeClock) -> None:
    client = _client(clock, lambda request: httpx.Response(500))
    assert client.search_users(' "\\" ') == []
    client.close()


@pytest.mark.parametrize(
    ("who", "message"),
    [
        (AVA, f"You are not allowed to do this for the pass of {AVA}."),
        (None, "You are not allowed to do this for pass tap-1."),
    ],
)
def test_a_refused_revoke_names_whose_pass_it_was(
    graph: GraphClient, tenant: DemoTenant, who: str | None, message: str
) -> None:
    tenant.inject(Fault.error(403, "accessDenied", "Request Authorization failed", method="DELETE"))
    user = graph.get_user(AVA)
    with pytest.raises(e.NotPermitted) as info:
        graph.delete_tap(user.id, "tap-1", who=who)
    assert info.value.message == message


def test_the_status_of_a_replicating_user_says_so_while_it_waits(graph: GraphClient) -> None:
    statuses: list[str] = []
    status = graph.user_status(BEN, on_status=statuses.append)
    assert status.user.user_principal_name == BEN
    assert statuses[0] == (
        f"{BEN} not found yet: a new account can take a few minutes to replicate. "
        "Still replicating? Checking again (0 of 30 s)…"
    )


def test_a_client_with_another_retry_policy_keeps_the_clock(
    graph: GraphClient, tenant: DemoTenant, clock: FakeClock
) -> None:
    """Pollers' view waits on the same clock (the test's, the window's), not the system's."""
    tenant.inject(Fault.throttle(retry_after="0.5", times=1))
    assert graph.with_retry(RetryPolicy()).get_user(AVA).user_principal_name == AVA
    assert clock.sleeps == [0.5]


def test_a_client_with_another_retry_policy_keeps_the_replication_wait(
    graph: GraphClient, clock: FakeClock
) -> None:
    with pytest.raises(e.NotFound):
        graph.with_retry(NO_RETRY).get_user("nobody@northwind.example")
    assert 0 < sum(clock.sleeps) <= 30


def _lost_reply_then(created_before_send: timedelta) -> Handler:
    """The first create's reply is lost; the list shows a pass created that long before it was
    sent; the second create answers."""
    posts: list[int] = []

    def graph(request: httpx.Request) -> httpx.Response:
        created = (START - created_before_send).strftime("%Y-%m-%dT%H:%M:%SZ")
        tap = {"id": "tap-1", "createdDateTime": created, "lifetimeInMinutes": 60}
        if request.method == "GET":
            return httpx.Response(200, json={"value": [tap]})
        posts.append(1)
        if len(posts) == 1:
            raise httpx.RemoteProtocolError("Server disconnected", request=request)
        return httpx.Response(201, json={**tap, "id": "tap-2", "temporaryAccessPass": "Q!7x"})

    return graph


REPLACING = "The reply was lost after Graph created a pass; issuing a replacement."


@pytest.mark.parametrize(
    ("before", "replaced"),
    [(timedelta(minutes=5), True), (timedelta(minutes=5, seconds=1), False)],
)
def test_a_pass_up_to_five_minutes_older_than_a_lost_create_is_taken_for_it(
    clock: FakeClock, before: timedelta, replaced: bool
) -> None:
    """Five minutes of clock skew, no more: an older pass is the user's previous one."""
    statuses: list[str] = []
    client = _client(clock, _lost_reply_then(before))
    tap = client.create_tap("u-1", IssueRequest(), on_status=statuses.append)
    client.close()
    assert tap.id == "tap-2"
    assert (statuses[0] == REPLACING) is replaced
    assert clock.sleeps == ([0.0] if replaced else [0.25])


def test_a_wait_past_the_budget_says_until_when_and_why(
    graph: GraphClient, tenant: DemoTenant, clock: FakeClock
) -> None:
    tenant.inject(Fault.throttle(retry_after="120", times=1))
    with pytest.raises(e.Throttled) as info:
        graph.get_user(AVA)
    until = (clock.now() + timedelta(seconds=120)).astimezone().strftime("%H:%M:%S")
    assert info.value.message == (
        f"Microsoft Graph asked tapdesk to wait 120 s before its next request, until {until}; "
        "tapdesk does not ask earlier."
    )
    assert info.value.hint == (
        f"Try again after {until}. Other technicians of this tenant share the limit: a busy "
        "hour can cause this."
    )


def test_a_create_throttled_past_the_budget_is_not_sent_again_early(
    graph: GraphClient, tenant: DemoTenant, clock: FakeClock
) -> None:
    """A 429 is an answer, not a lost reply: no second POST before Graph's Retry-After."""
    user = graph.get_user(AVA)
    tenant.inject(Fault.throttle(retry_after="120", times=1, method="POST"))
    with pytest.raises(e.Throttled):
        graph.create_tap(user.id, IssueRequest())
    assert clock.sleeps == []
    assert graph.list_taps(user.id) == []


def test_throttled_with_no_wait_until_the_attempts_run_out_is_not_told_to_wait(
    graph: GraphClient, tenant: DemoTenant
) -> None:
    """Retry-After: 0 every time: tapdesk gives up on attempts, not on a wait Graph asked for."""
    tenant.inject(Fault.throttle(retry_after="0", times=None))
    with pytest.raises(e.Throttled) as info:
        graph.get_user(AVA)
    assert "asked tapdesk to wait" not in info.value.message
    assert "Try again after" not in info.value.hint


def test_a_create_throttled_past_the_budget_is_recorded_with_graphs_code(
    graph: GraphClient, tenant: DemoTenant, clock: FakeClock, tmp_path: Path
) -> None:
    """The auditor's refusal row carries Graph's error code, not only our error's name."""
    store, _ = open_store(AppPaths.default({"TAPDESK_HOME": str(tmp_path)}), clock=clock)
    issuer = Issuer(DEMO_TECHNICIAN_UPN, AUTH_ADMIN, store, clock)
    user = graph.get_user(AVA)
    tenant.inject(Fault.throttle(retry_after="120", times=None, method="POST"))
    with pytest.raises(e.Throttled):
        issuer.issue(graph, user, IssueRequest())
    tenant.clear_faults()
    rows = store.audit(clock.now().replace(year=2000), clock.now().replace(year=2100))
    store.close()
    assert [(r.event.kind, r.event.error_code) for r in rows] == [
        (AuditKind.REFUSE, "TooManyRequests")
    ]
