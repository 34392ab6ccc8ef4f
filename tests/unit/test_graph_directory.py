"""What GraphClient asks Graph about people, roles and passes, and what it makes of the answers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from tapdesk import errors as e
from tapdesk.core.models import AuthMethod, MethodKind, TapPolicy
from tapdesk.core.passrules import IssueRequest
from tapdesk.core.roles import AUTHENTICATION_ADMINISTRATOR, Roles
from tapdesk.demo import DEMO_GRAPH_URL
from tapdesk.graph.client import GraphClient, Memberships, user_path
from tapdesk.graph.retry import NO_RETRY, RetryPolicy
from tests.helpers.clock import FakeClock

Handler = Callable[[httpx.Request], httpx.Response]
ROLE = "#microsoft.graph.directoryRole"
GROUP = "#microsoft.graph.group"
MISSING = {"error": {"code": "Request_ResourceNotFound", "message": "Resource does not exist."}}


class Graph:
    """A stand-in for Graph that answers each request with ``handler`` and keeps what it saw."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return self.handler(request)

    def queries(self) -> list[tuple[str, dict[str, str]]]:
        return [(r.url.path, dict(r.url.params)) for r in self.seen]


@pytest.fixture
def make(clock: FakeClock) -> Iterator[Callable[..., GraphClient]]:
    made: list[GraphClient] = []

    def make(handler: Handler, base: str = DEMO_GRAPH_URL, **kwargs: object) -> GraphClient:
        client = GraphClient(
            base,
            kwargs.pop("token", lambda force_refresh=False: "t"),  # type: ignore[arg-type]
            transport=httpx.MockTransport(handler),
            clock=clock,
            retry=RetryPolicy(jitter=lambda: 0.5),
            **kwargs,  # type: ignore[arg-type]
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def _ok(body: object) -> Handler:
    return lambda request: httpx.Response(200, json=body)


def _missing(request: httpx.Request) -> httpx.Response:
    return httpx.Response(404, json=MISSING)


def test_me_asks_only_for_id_name_and_upn(make: Callable[..., GraphClient]) -> None:
    graph = Graph(_ok({"id": "me-1", "displayName": "Tech", "userPrincipalName": "t@x.example"}))
    me = make(graph).me()
    assert (me.id, me.user_principal_name) == ("me-1", "t@x.example")
    assert graph.queries() == [("/v1.0/me", {"$select": "id,displayName,userPrincipalName"})]
    assert graph.seen[0].method == "GET"


def test_a_base_url_with_a_trailing_slash_gives_no_double_slash(
    make: Callable[..., GraphClient],
) -> None:
    graph = Graph(_ok({"id": "me-1"}))
    make(graph, base=DEMO_GRAPH_URL + "/").me()
    assert graph.seen[0].url.raw_path.decode().startswith("/v1.0/me?")


def test_my_roles_are_the_directory_roles_among_my_memberships(
    make: Callable[..., GraphClient],
) -> None:
    """Groups (even ones carrying a roleTemplateId) are not roles; the ids are the roles'."""
    graph = Graph(
        _ok(
            {
                "value": [
                    {"@odata.type": GROUP, "id": "g-1", "roleTemplateId": None},
                    {
                        "@odata.type": ROLE,
                        "id": "r-1",
                        "roleTemplateId": AUTHENTICATION_ADMINISTRATOR,
                    },
                ]
            }
        )
    )
    assert make(graph).my_roles() == Roles.from_wids([AUTHENTICATION_ADMINISTRATOR])
    assert graph.queries() == [
        ("/v1.0/me/transitiveMemberOf", {"$select": "id,roleTemplateId", "$top": "999"})
    ]


def test_my_roles_unreadable_account_says_your_account(make: Callable[..., GraphClient]) -> None:
    with pytest.raises(e.NotFound) as info:
        make(_missing).my_roles()
    assert info.value.message == "Your account was not found in this tenant."


def test_memberships_ask_for_roles_and_role_assignable_groups(
    make: Callable[..., GraphClient],
) -> None:
    """A role Graph describes without its template id (no permission) is an unknown role."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/transitiveMemberOf"):
            return httpx.Response(
                200,
                json={
                    "value": [
                        {"@odata.type": ROLE, "id": "r-1", "roleTemplateId": "tmpl-1"},
                        {"@odata.type": ROLE, "id": "r-2", "roleTemplateId": 7},
                        {"@odata.type": GROUP, "id": "g-1", "isAssignableToRole": False},
                        None,
                    ]
                },
            )
        return httpx.Response(
            200, json={"value": [{"@odata.type": GROUP, "id": "g-2", "isAssignableToRole": True}]}
        )

    graph = Graph(answer)
    assert make(graph).memberships("u-1") == Memberships(("tmpl-1", None), True)
    select = {"$select": "id,roleTemplateId,isAssignableToRole", "$top": "999"}
    owned = {"$select": "id,isAssignableToRole", "$top": "999"}
    assert graph.queries() == [
        ("/v1.0/users/u-1/transitiveMemberOf", select),
        ("/v1.0/users/u-1/ownedObjects/microsoft.graph.group", owned),
    ]


def test_memberships_of_a_missing_user_name_the_user(make: Callable[..., GraphClient]) -> None:
    with pytest.raises(e.NotFound) as info:
        make(_missing).memberships("u-1")
    assert info.value.message == "User u-1 was not found in this tenant."


def test_memberships_of_a_user_gone_between_the_two_lists_name_the_user(
    make: Callable[..., GraphClient],
) -> None:
    """Deleted after its groups were read: the owned-groups answer is a 404."""

    def answer(request: httpx.Request) -> httpx.Response:
        if "ownedObjects" in request.url.path:
            return _missing(request)
        return httpx.Response(200, json={"value": []})

    with pytest.raises(e.NotFound) as info:
        make(answer).memberships("u-1")
    assert info.value.message == "User u-1 was not found in this tenant."


@pytest.mark.parametrize(
    "ask",
    [
        lambda g: g.list_methods("u-1"),
        lambda g: g.list_taps("u-1"),
        lambda g: g.member_of("u-1", ["g-1"]),
        lambda g: g.create_tap("u-1", IssueRequest()),
    ],
    ids=["methods", "passes", "groups", "create"],
)
def test_a_missing_user_is_named_in_the_message(
    make: Callable[..., GraphClient], ask: Callable[[GraphClient], object]
) -> None:
    with pytest.raises(e.NotFound) as info:
        ask(make(_missing))
    assert info.value.message == "User u-1 was not found in this tenant."


def test_a_missing_policy_is_that_item(make: Callable[..., GraphClient]) -> None:
    with pytest.raises(e.NotFound) as info:
        make(_missing).get_tap_policy()
    assert info.value.message == "That item was not found in this tenant."


def test_a_list_of_one_kind_keeps_every_detail_of_an_untyped_method(
    make: Callable[..., GraphClient],
) -> None:
    """fido2Methods items may come without @odata.type: the list says what they are."""
    graph = Graph(
        _ok(
            {
                "value": [
                    {"displayName": "no id: skipped"},
                    {
                        "id": "k-1",
                        "displayName": "YubiKey 5",
                        "createdDateTime": "2026-03-02T08:30:00Z",
                        "aaGuid": "cb69481e",
                        "model": "YubiKey 5 NFC",
                    },
                ]
            }
        )
    )
    found = make(graph).list_methods("u-1", "fido2")
    created = datetime.fromisoformat("2026-03-02T08:30:00+00:00")
    assert found == [
        AuthMethod("k-1", MethodKind.FIDO2, "YubiKey 5", created, "cb69481e", "YubiKey 5 NFC")
    ]
    assert graph.queries() == [("/v1.0/users/u-1/authentication/fido2Methods", {})]


def _accepted_then(body: bytes) -> Handler:
    answers = [httpx.Response(202, content=body), _ok({"id": "u-1"})(None)]  # type: ignore[arg-type]
    return lambda request: answers.pop(0) if len(answers) > 1 else answers[0]


@pytest.mark.parametrize("body", [b"", b'{"status": "pending"}'], ids=["empty", "with-body"])
def test_a_202_accepted_is_asked_again_whatever_it_carries(
    make: Callable[..., GraphClient], clock: FakeClock, body: bytes
) -> None:
    assert make(_accepted_then(body)).get_user("u-1").id == "u-1"
    assert clock.sleeps == [1.0]


def test_an_empty_200_is_asked_again(make: Callable[..., GraphClient], clock: FakeClock) -> None:
    answers = [httpx.Response(200), httpx.Response(200, json={"id": "u-1"})]
    assert make(lambda request: answers.pop(0)).get_user("u-1").id == "u-1"
    assert clock.sleeps == [1.0]


def test_a_request_graph_keeps_accepting_says_try_again_in_a_minute(
    make: Callable[..., GraphClient],
) -> None:
    client = make(lambda request: httpx.Response(202, headers={"request-id": "rid-9"}))
    with pytest.raises(e.ServiceUnavailable) as info:
        client.get_user("u-1")
    assert (info.value.message, info.value.hint, info.value.request_id) == (
        "Microsoft Graph accepted the request for user u-1 but has not answered yet.",
        "Try again in a minute.",
        "rid-9",
    )


def test_a_missing_user_is_asked_again_after_growing_pauses_up_to_the_budget(
    make: Callable[..., GraphClient], clock: FakeClock
) -> None:
    """3 s, then half as long again each time, at most 10 s; a pause ending exactly at the
    budget is still taken."""
    with pytest.raises(e.NotFound):
        make(_missing).get_user("u-1", replication_wait=24.25)
    assert clock.sleeps == [3.0, 4.5, 6.75, 10.0]


def test_the_default_replication_wait_keeps_asking_for_45_seconds(
    make: Callable[..., GraphClient], clock: FakeClock
) -> None:
    with pytest.raises(e.NotFound):
        make(_missing).get_user("u-1")
    assert clock.sleeps == [3.0, 4.5, 6.75, 10.0, 10.0, 10.0]


def test_the_default_replication_wait_counts_graphs_answer_times_up_to_45_s(
    make: Callable[..., GraphClient], clock: FakeClock
) -> None:
    """Each 404 takes 0.2 s: after 34.25 s of pauses and 5 answers, one more pause of 10 s
    would end at 45.25 s, past the budget."""

    def slow_missing(request: httpx.Request) -> httpx.Response:
        clock.advance(0.2)
        return _missing(request)

    with pytest.raises(e.NotFound):
        make(slow_missing).get_user("u-1")
    assert clock.sleeps == [3.0, 4.5, 6.75, 10.0, 10.0]


def test_a_create_names_its_client_request_id(make: Callable[..., GraphClient]) -> None:
    """The audit intent names this id: Graph must receive the same one to trace the create."""
    tap = {"id": "tap-1", "createdDateTime": "2026-03-02T08:30:00Z", "temporaryAccessPass": "Q!7x"}
    graph = Graph(lambda request: httpx.Response(201, json=tap))
    make(graph).create_tap("u-1", IssueRequest(), client_request_id="cr-1")
    assert graph.seen[0].headers["client-request-id"] == "cr-1"


def test_a_create_lost_again_and_again_backs_off_longer_each_time(
    make: Callable[..., GraphClient], clock: FakeClock
) -> None:
    def graph(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json={"value": []})  # nothing was created
        raise httpx.RemoteProtocolError("Server disconnected", request=request)

    with pytest.raises(e.Offline):
        make(graph).create_tap("u-1", IssueRequest())
    assert clock.sleeps[:3] == [0.25, 0.5, 1.0]


def test_a_retry_after_date_is_read_against_the_clients_clock(
    make: Callable[..., GraphClient], clock: FakeClock
) -> None:
    answers = [
        httpx.Response(
            429, headers={"Retry-After": format_datetime(clock.now() + timedelta(seconds=3), True)}
        ),
        httpx.Response(200, json={"id": "u-1"}),
    ]
    assert make(lambda request: answers.pop(0)).get_user("u-1").id == "u-1"
    assert clock.sleeps == [3.0]


def test_a_retry_after_a_failure_does_not_force_a_new_token(
    make: Callable[..., GraphClient],
) -> None:
    """Only a 401 is a reason to refresh the sign-in; a 503 is not."""
    forced: list[bool] = []

    def token(force_refresh: bool = False) -> str:
        forced.append(force_refresh)
        return "t"

    answers = [httpx.Response(503), httpx.Response(200, json={"id": "u-1"})]
    make(lambda request: answers.pop(0), token=token).get_user("u-1")
    assert forced == [False, False]


def test_a_clock_two_seconds_behind_graph_is_corrected(
    make: Callable[..., GraphClient], clock: FakeClock
) -> None:
    date = format_datetime(clock.now() + timedelta(seconds=2), True)
    client = make(lambda request: httpx.Response(200, headers={"Date": date}, json={"id": "u-1"}))
    client.get_user("u-1")
    assert client.server_clock.now() == clock.now() + timedelta(seconds=2)


def test_a_slash_in_a_user_key_or_pass_id_stays_inside_the_path_segment(
    make: Callable[..., GraphClient],
) -> None:
    assert user_path("ava/ops@contoso.com") == "/users/ava%2Fops%40contoso.com"
    graph = Graph(lambda request: httpx.Response(204))
    make(graph).delete_tap("u-1", "tap/1")
    assert (
        graph.seen[0].url.raw_path
        == b"/v1.0/users/u-1/authentication/temporaryAccessPassMethods/tap%2F1"
    )


def test_closing_a_no_retry_view_leaves_the_shared_client_working(
    make: Callable[..., GraphClient],
) -> None:
    client = make(_ok({"id": "me-1"}))
    client.with_retry(NO_RETRY).close()
    assert client.me().id == "me-1"


def test_a_redirect_is_not_followed_to_another_host(make: Callable[..., GraphClient]) -> None:
    """A bearer request must never be replayed where a redirect points."""

    def graph(request: httpx.Request) -> httpx.Response:
        if request.url.host == "evil.example":
            return httpx.Response(200, json={"id": "u-evil"})
        return httpx.Response(302, headers={"Location": "https://evil.example/v1.0/users/u-1"})

    seen = Graph(graph)
    with pytest.raises(e.TapdeskError):
        make(seen).get_user("u-1")
    assert {r.url.host for r in seen.seen} == {httpx.URL(DEMO_GRAPH_URL).host}


def test_each_request_waits_65_s_for_graph_and_10_s_to_connect(
    make: Callable[..., GraphClient],
) -> None:
    """Authentication-method APIs time out server-side after 60 s: wait a little longer."""
    graph = Graph(_ok({"id": "me-1"}))
    make(graph).me()
    assert graph.seen[0].extensions["timeout"] == {
        "connect": 10.0,
        "read": 65.0,
        "write": 65.0,
        "pool": 65.0,
    }


def test_a_policy_of_ten_batches_of_groups_is_still_checked(
    make: Callable[..., GraphClient],
) -> None:
    """Up to ten checkMemberGroups requests per person; more and the card says it cannot tell."""
    groups = tuple(f"g-{i:03}" for i in range(200))
    graph = Graph(_ok({"value": ["g-007"]}))
    policy = TapPolicy(include_group_ids=groups, known=True)
    assert make(graph).user_in_policy_scope("u-1", policy) is True
    assert len(graph.seen) == 10
