"""The real GraphClient against the demo tenant: every error a technician can meet."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from tapdesk import errors as e
from tapdesk.core.models import MethodKind, UsabilityReason
from tapdesk.core.passrules import IssueRequest
from tapdesk.demo import DEMO_GRAPH_URL, DEMO_TECHNICIAN_UPN, DemoTenant, Fault
from tapdesk.graph.client import GraphClient, user_path
from tapdesk.graph.retry import RetryPolicy
from tests.helpers.clock import FakeClock
from tests.helpers.tokens import TokenSource

AVA = "ava.newhire@northwind.example"


@pytest.fixture
def tokens(tenant: DemoTenant, clock: FakeClock) -> TokenSource:
    return TokenSource(tenant, clock, DEMO_TECHNICIAN_UPN)


@pytest.fixture
def graph(tenant: DemoTenant, clock: FakeClock, tokens: TokenSource) -> GraphClient:
    client = GraphClient(
        DEMO_GRAPH_URL,
        tokens,
        transport=tenant.transport(),
        clock=clock,
        retry=RetryPolicy(jitter=lambda: 0.5),
    )
    yield client
    client.close()


def test_user_path_encodes_upns() -> None:
    assert user_path("ava@contoso.com") == "/users/ava%40contoso.com"
    assert user_path("gina_f.com#EXT#@contoso.com") == "/users/gina_f.com%23EXT%23%40contoso.com"
    assert user_path("$svc@contoso.com") == "/users('$svc@contoso.com')"


def test_an_apostrophe_in_a_quoted_user_key_is_doubled(clock: FakeClock) -> None:
    """OData: inside users('…') a ' is written ''; a single one would end the key early."""
    upn = "$o'brien@northwind.example"
    seen: list[str] = []

    def graph(request: httpx.Request) -> httpx.Response:  # reads the key as Graph's OData does
        seen.append(request.url.raw_path.decode())
        key = re.fullmatch(r"/v1\.0/users\('((?:[^']|'')*)'\)", request.url.path)
        if key is None:
            return httpx.Response(400, json={"error": {"code": "BadRequest", "message": "Syntax"}})
        if key[1].replace("''", "'") != upn:
            return httpx.Response(404, json={"error": {"code": "Request_ResourceNotFound"}})
        return httpx.Response(200, json={"id": "u-1", "userPrincipalName": upn})

    client = GraphClient(
        DEMO_GRAPH_URL,
        lambda force_refresh=False: "t",
        transport=httpx.MockTransport(graph),
        clock=clock,
    )
    try:
        assert client.get_user(upn, replication_wait=0).user_principal_name == upn
    finally:
        client.close()
    assert seen[0].startswith("/v1.0/users('$o%27%27brien@northwind.example')?")


def test_an_apostrophe_in_a_plain_upn_reaches_the_user(
    graph: GraphClient, tenant: DemoTenant
) -> None:
    tenant.add_user("o'brien", "Liam", "O'Brien")
    user = graph.get_user("o'brien@northwind.example", replication_wait=0)
    assert user.user_principal_name == "o'brien@northwind.example"


def test_get_user_selects_what_a_technician_needs(graph: GraphClient, tenant: DemoTenant) -> None:
    user = graph.get_user(AVA)
    assert user.user_principal_name == AVA
    assert user.account_enabled is True and user.job_title and user.department
    assert user.employee_hire_date is not None
    method, path = tenant.requests[-1][:2]
    assert (method, path) == ("GET", "/v1.0/users/ava.newhire@northwind.example")


def test_every_request_carries_client_request_id_and_user_agent(
    graph: GraphClient, tenant: DemoTenant
) -> None:
    graph.get_user(AVA)
    graph.get_tap_policy()
    seen = [headers for _, _, headers, *_ in tenant.requests]
    ids = [h["client-request-id"] for h in seen]
    assert len(set(ids)) == len(ids) == 2
    assert all(h["user-agent"].startswith("tapdesk/") for h in seen)


def test_unknown_user_is_not_found_with_request_id(graph: GraphClient) -> None:
    with pytest.raises(e.NotFound) as info:
        graph.get_user("nobody@northwind.example", replication_wait=0)
    assert info.value.request_id
    assert "nobody@northwind.example" in info.value.message


def test_new_user_is_retried_while_replicating(graph: GraphClient, clock: FakeClock) -> None:
    statuses: list[str] = []
    user = graph.get_user("ben.fresh@northwind.example", on_status=statuses.append)
    assert user.display_name
    assert statuses and all("replicat" in s for s in statuses)
    assert 0 < sum(clock.sleeps) <= 45


def test_replication_wait_is_bounded(graph: GraphClient, clock: FakeClock) -> None:
    with pytest.raises(e.NotFound):
        graph.get_user("nobody@northwind.example", replication_wait=30)
    assert sum(clock.sleeps) <= 30


def test_search_uses_eventual_consistency(graph: GraphClient, tenant: DemoTenant) -> None:
    found = graph.search_users("ava")
    assert AVA in [u.user_principal_name for u in found]
    headers = tenant.requests[-1][2]
    assert headers["consistencylevel"] == "eventual"


def test_policy_read_and_unknown_policy_on_403(
    graph: GraphClient, tenant: DemoTenant, clock: FakeClock
) -> None:
    policy = graph.get_tap_policy()
    assert policy.known and policy.enabled
    assert (policy.minimum_lifetime_minutes, policy.maximum_lifetime_minutes) == (60, 480)
    pat = GraphClient(
        DEMO_GRAPH_URL,
        TokenSource(tenant, clock, "pat.priv@northwind.example"),
        transport=tenant.transport(),
        clock=clock,
    )
    assert pat.get_tap_policy().known is False
    pat.close()


def test_issue_returns_the_value_once_then_never(graph: GraphClient) -> None:
    user = graph.get_user(AVA)
    tap = graph.create_tap(user.id, IssueRequest(lifetime_minutes=120, usable_once=True))
    assert tap.code is not None and len(tap.code) >= 8
    assert tap.expires == tap.effective_start + timedelta(minutes=120)
    [again] = graph.list_taps(user.id)
    assert again.code is None and again.id == tap.id


def test_a_new_pass_replaces_the_old_one(graph: GraphClient) -> None:
    user = graph.get_user(AVA)
    first = graph.create_tap(user.id, IssueRequest())
    second = graph.create_tap(user.id, IssueRequest())
    assert [t.id for t in graph.list_taps(user.id)] == [second.id] != [first.id]


def test_revoke_leaves_no_pass_and_is_idempotent(graph: GraphClient) -> None:
    user = graph.get_user(AVA)
    tap = graph.create_tap(user.id, IssueRequest())
    graph.delete_tap(user.id, tap.id)
    assert graph.list_taps(user.id) == []
    graph.delete_tap(user.id, tap.id)  # already gone: still "revoked"


def test_one_time_pass_reports_used(graph: GraphClient, tenant: DemoTenant) -> None:
    user = graph.get_user(AVA)
    tap = graph.create_tap(user.id, IssueRequest(usable_once=True))
    tenant.phone(AVA).sign_in_with_pass()
    [again] = graph.list_taps(user.id)
    assert again.id == tap.id and again.usability_reason is UsabilityReason.ONE_TIME_USED


def test_lifetime_outside_policy(graph: GraphClient) -> None:
    user = graph.get_user(AVA)
    with pytest.raises(e.LifetimeOutOfRange) as info:
        graph.create_tap(user.id, IssueRequest(lifetime_minutes=30))
    assert "60 to 480" in info.value.message and info.value.request_id


def test_user_outside_policy_scope(graph: GraphClient) -> None:
    oscar = graph.get_user("oscar.outside@northwind.example")
    policy = graph.get_tap_policy()
    assert graph.user_in_policy_scope(oscar.id, policy) is False
    assert graph.user_in_policy_scope(graph.get_user(AVA).id, policy) is True
    # Graph makes the pass all the same; it just cannot sign in (the card blocks before).
    made = graph.create_tap(oscar.id, IssueRequest())
    assert made.is_usable is False


def test_policy_switched_off(graph: GraphClient, tenant: DemoTenant) -> None:
    user = graph.get_user(AVA)
    tenant.set_policy(state="disabled")
    assert graph.get_tap_policy().enabled is False
    with pytest.raises(e.PolicyViolation):
        graph.create_tap(user.id, IssueRequest())


def test_one_time_forced_by_policy(graph: GraphClient, tenant: DemoTenant) -> None:
    tenant.set_policy(isUsableOnce=True)
    user = graph.get_user(AVA)
    with pytest.raises(e.OneTimeForced):
        graph.create_tap(user.id, IssueRequest(usable_once=False))


def test_external_guest(graph: GraphClient, tenant: DemoTenant) -> None:
    guest = next(u for u in graph.search_users("gina") if u.is_guest)
    with pytest.raises(e.ExternalGuest):
        graph.create_tap(guest.id, IssueRequest())


def test_admin_target_needs_privileged_role(
    graph: GraphClient, tenant: DemoTenant, clock: FakeClock
) -> None:
    admin = graph.get_user("alex.admin@northwind.example")
    with pytest.raises(e.NotPermitted) as info:
        graph.create_tap(admin.id, IssueRequest())
    assert "Privileged Authentication Administrator" in info.value.hint and info.value.request_id
    pat = GraphClient(
        DEMO_GRAPH_URL,
        TokenSource(tenant, clock, "pat.priv@northwind.example"),
        transport=tenant.transport(),
        clock=clock,
    )
    assert pat.create_tap(admin.id, IssueRequest()).code is not None
    pat.close()


def test_nobody_issues_a_pass_to_themselves(graph: GraphClient) -> None:
    me = graph.me()
    assert me.user_principal_name == DEMO_TECHNICIAN_UPN
    with pytest.raises(e.NotPermitted):
        graph.create_tap(me.id, IssueRequest())


def test_role_removed_mid_session(graph: GraphClient, tenant: DemoTenant) -> None:
    user = graph.get_user(AVA)
    tenant.set_roles(DEMO_TECHNICIAN_UPN, [])
    with pytest.raises(e.NotPermitted):
        graph.create_tap(user.id, IssueRequest())


def test_consent_revoked(graph: GraphClient, tenant: DemoTenant) -> None:
    graph.get_user(AVA)  # a token granted while consent stood
    tenant.revoke_consent()
    with pytest.raises(e.NotPermitted):
        graph.get_user(AVA)


def test_429_with_fractional_retry_after_is_honoured(
    graph: GraphClient, tenant: DemoTenant, clock: FakeClock
) -> None:
    user = graph.get_user(AVA)
    tenant.inject(Fault.throttle(retry_after="2.128", times=2, method="POST"))
    statuses: list[str] = []
    assert graph.create_tap(user.id, IssueRequest(), on_status=statuses.append).code is not None
    assert clock.sleeps == [2.128, 2.128]
    assert len(statuses) == 2 and "2.1 s" in statuses[0]


def test_a_retry_after_of_45_s_is_waited_in_full(
    graph: GraphClient, tenant: DemoTenant, clock: FakeClock
) -> None:
    tenant.inject(Fault.throttle(retry_after="45", times=1))
    assert graph.get_user(AVA).user_principal_name == AVA
    assert clock.sleeps == [45.0]  # not 30, not a backoff of our own


def test_a_wait_longer_than_the_budget_is_reported_with_its_time(
    graph: GraphClient, tenant: DemoTenant, clock: FakeClock
) -> None:
    tenant.inject(Fault.throttle(retry_after="120", times=1))
    before = len(tenant.requests)
    with pytest.raises(e.Throttled) as info:
        graph.get_user(AVA)
    assert clock.sleeps == [] and len(tenant.requests) - before == 1  # no early second ask
    until = (clock.now() + timedelta(seconds=120)).astimezone().strftime("%H:%M:%S")
    assert "wait 120 s" in info.value.message and until in info.value.message
    assert until in info.value.hint and info.value.retry_after == 120
    assert info.value.request_id


def test_a_202_accepted_without_a_body_is_asked_again(
    graph: GraphClient, tenant: DemoTenant, clock: FakeClock
) -> None:
    """Graph's Get user: "202 Accepted" when the service needs more time."""
    tenant.inject(Fault.accepted(times=2, path_contains="ava.newhire"))
    assert graph.get_user(AVA).user_principal_name == AVA
    assert clock.sleeps == [1.0, 2.0]
    tenant.inject(Fault.accepted(times=None, path_contains="ava.newhire"))
    with pytest.raises(e.ServiceUnavailable) as info:
        graph.get_user(AVA)
    assert "not answered yet" in info.value.message and info.value.request_id
    tenant.clear_faults()


def test_a_throttled_answer_carries_graphs_documented_body(tenant: DemoTenant) -> None:
    from tests.helpers.demo import graph_client, user_path

    tenant.inject(Fault.throttle("3"))
    with graph_client(tenant) as http:
        answer = http.get(user_path(AVA))
    error = answer.json()["error"]
    assert (answer.status_code, error["code"]) == (429, "TooManyRequests")
    assert error["message"] == "Please retry again later."
    assert (error["innerError"]["code"], error["innerError"]["status"]) == ("429", "429")


def test_endless_throttling_gives_up_bounded(
    graph: GraphClient, tenant: DemoTenant, clock: FakeClock
) -> None:
    tenant.inject(Fault.throttle(retry_after=None, times=100))
    with pytest.raises(e.Throttled) as info:
        graph.get_user(AVA)
    assert info.value.request_id
    assert len(clock.sleeps) == 4 and sum(clock.sleeps) <= 60


def test_503_burst_is_retried(graph: GraphClient, tenant: DemoTenant, clock: FakeClock) -> None:
    tenant.inject(Fault.unavailable(status=503, times=3))
    assert graph.get_user(AVA).user_principal_name == AVA
    assert len(clock.sleeps) == 3


def test_504_on_create_retries_only_when_nothing_was_created(
    graph: GraphClient, tenant: DemoTenant
) -> None:
    user = graph.get_user(AVA)
    tenant.inject(Fault.unavailable(status=504, times=1, method="POST"))
    tap = graph.create_tap(user.id, IssueRequest())
    assert [t.id for t in graph.list_taps(user.id)] == [tap.id]


def test_dropped_connection_after_create_never_leaves_an_unseen_pass(
    graph: GraphClient, tenant: DemoTenant
) -> None:
    user = graph.get_user(AVA)
    tenant.inject(Fault.drop_after_create())
    statuses: list[str] = []
    tap = graph.create_tap(user.id, IssueRequest(), on_status=statuses.append)
    assert tap.code is not None
    assert [t.id for t in graph.list_taps(user.id)] == [tap.id]
    assert any("replacement" in s for s in statuses)


def test_a_lost_create_does_not_take_the_users_older_pass_for_the_new_one(
    graph: GraphClient, tenant: DemoTenant, clock: FakeClock
) -> None:
    """The create never reached Graph; Erin's pass from half an hour ago is not "the pass it
    made": the technician is not told one was created, and tapdesk backs off before asking."""
    erin = graph.get_user("erin.existing@northwind.example")
    [old] = graph.list_taps(erin.id)
    assert old.created <= clock.now() - timedelta(minutes=30)
    tenant.inject(Fault.offline(method="POST", path_contains="temporaryAccessPassMethods"))
    statuses: list[str] = []
    tap = graph.create_tap(erin.id, IssueRequest(), on_status=statuses.append)
    assert tap.code is not None and tap.id != old.id
    assert [t.id for t in graph.list_taps(erin.id)] == [tap.id]
    assert not any("created a pass" in s or "replacement" in s for s in statuses), statuses
    assert len(statuses) == 1 and "trying again in 0.2 s" in statuses[0]
    assert clock.sleeps == [0.25]  # the backoff (jitter 0.5) of a request that did nothing


def test_timeouts_then_offline(graph: GraphClient, tenant: DemoTenant, clock: FakeClock) -> None:
    tenant.inject(Fault.timeout(times=2))
    assert graph.get_user(AVA).user_principal_name == AVA
    tenant.inject(Fault.offline(times=100))
    with pytest.raises(e.Offline) as info:
        graph.get_user(AVA)
    assert "network" in info.value.message
    assert sum(clock.sleeps) <= 60


def test_expired_token_is_refreshed_once(
    graph: GraphClient, tokens: TokenSource, clock: FakeClock
) -> None:
    graph.get_user(AVA)
    clock.advance(2 * 3600)  # the cached token expired
    assert graph.get_user(AVA).user_principal_name == AVA
    assert tokens.forced == 1


def test_bad_token_means_sign_in(tenant: DemoTenant, clock: FakeClock) -> None:
    client = GraphClient(
        DEMO_GRAPH_URL,
        lambda force_refresh=False: "not-a-token",
        transport=tenant.transport(),
        clock=clock,
    )
    with pytest.raises(e.SignInRequired):
        client.get_user(AVA)
    client.close()


def test_methods_and_authenticator_passkeys(graph: GraphClient) -> None:
    priya = graph.get_user("priya.passkey@northwind.example")
    kinds = {m.kind for m in graph.list_methods(priya.id)}
    assert {MethodKind.PASSWORD, MethodKind.AUTHENTICATOR, MethodKind.FIDO2} <= kinds
    (passkey,) = graph.list_methods(priya.id, "fido2")
    assert passkey.kind is MethodKind.FIDO2 and passkey.aaguid
    assert all(
        m.kind is MethodKind.AUTHENTICATOR for m in graph.list_methods(priya.id, "authenticator")
    )


def test_status_never_holds_the_value(graph: GraphClient) -> None:
    status = graph.user_status("erin.existing@northwind.example")
    assert status.tap is not None and status.tap.code is None


def test_proxy_and_trust_store_are_used() -> None:
    from tapdesk.graph.http import build_http_client

    client = build_http_client()
    try:
        assert client._trust_env is True  # HTTPS_PROXY / NO_PROXY honoured
        ssl_context = client._transport._pool._ssl_context  # type: ignore[attr-defined]
        assert type(ssl_context).__module__.startswith("truststore")
    finally:
        client.close()


def test_proxy_environment_routes_through_the_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    from tapdesk.graph.http import build_http_client

    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = build_http_client()
    try:
        with pytest.raises((httpx.ProxyError, httpx.ConnectError)):
            client.get("https://graph.microsoft.com/v1.0/")
    finally:
        client.close()


def test_windows_hello_list_and_a_no_retry_view(
    graph: GraphClient, tenant: DemoTenant, clock: FakeClock
) -> None:
    from tapdesk.graph.retry import NO_RETRY

    ava = graph.get_user(AVA)
    assert graph.list_methods(ava.id, "windowsHello") == []
    tenant.phone(AVA).register_windows_hello()
    assert [m.kind for m in graph.list_methods(ava.id, "windowsHello")] == [
        MethodKind.WINDOWS_HELLO
    ]
    tenant.inject(Fault.throttle(retry_after="3", times=1))
    with pytest.raises(e.Throttled):
        graph.with_retry(NO_RETRY).list_methods(ava.id, "fido2")
    assert clock.sleeps == []


@pytest.mark.parametrize(
    ("header", "offset"),
    [
        ("Sun, 06 Jan 2030 08:10:00 GMT", 600.0),
        ("Sun, 06 Jan 2030 07:50:00 -0000", -600.0),
        ("Sun, 06 Jan 2030 08:00:01 GMT", 0.0),
        ("garbage", 0.0),
    ],
)
def test_server_clock_follows_the_date_header(
    graph: GraphClient, header: str, offset: float
) -> None:
    graph._note_server_time(httpx.Response(200, headers={"date": header}))
    assert graph.server_offset == offset
    assert graph.server_clock.now() == FakeClock().now() + timedelta(seconds=offset)
