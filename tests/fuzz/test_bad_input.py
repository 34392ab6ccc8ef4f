"""Bad input never crashes: every case ends in a result or a clear TapdeskError."""

from __future__ import annotations

import io
import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tapdesk.app.main import main
from tapdesk.demo import DemoTenant
from tapdesk.errors import TapdeskError
from tapdesk.graph import parse
from tapdesk.graph.client import GraphClient
from tapdesk.runtime.paths import AppPaths
from tests.helpers.clock import FakeClock
from tests.helpers.tokens import demo_graph

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=20,
)
# Real field names with wrong or missing values are the likelier surprise than random keys.
FIELDS = st.sampled_from(
    [
        "id",
        "userPrincipalName",
        "displayName",
        "accountEnabled",
        "createdDateTime",
        "startDateTime",
        "lifetimeInMinutes",
        "isUsableOnce",
        "methodUsabilityReason",
        "temporaryAccessPass",
        "@odata.type",
        "aaGuid",
        "state",
        "includeTargets",
        "minimumLifetimeInMinutes",
        "value",
        "employeeHireDate",
    ]
)
SHAPED = st.dictionaries(FIELDS, JSON, max_size=10)


@settings(max_examples=300, deadline=None)
@given(st.one_of(JSON, SHAPED))
def test_graph_payloads_with_odd_fields_parse_or_raise_a_graph_error(data: object) -> None:
    for reader in (
        parse.user,
        parse.policy,
        parse.temporary_access_pass,
        parse.method,
        parse.collection,
    ):
        try:
            reader(data)
        except TapdeskError as exc:
            assert exc.message


@pytest.fixture(scope="module")
def graph() -> GraphClient:
    clock = FakeClock()
    tenant = DemoTenant(clock=clock)
    client = demo_graph(tenant, clock, replication_wait=0)
    yield client
    client.close()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=60))
def test_search_box_input_never_breaks_the_query(graph: GraphClient, text: str) -> None:
    try:
        found = graph.search_users(text)
    except TapdeskError as exc:
        assert exc.message and exc.hint
    else:
        assert isinstance(found, list)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=80))
def test_typed_user_reference_is_looked_up_or_refused_clearly(
    graph: GraphClient, text: str
) -> None:
    from tapdesk.core.upn import check_user_ref

    try:
        graph.get_user(check_user_ref(text))
    except TapdeskError as exc:
        assert exc.message and exc.hint


def _offline(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("no network in tests", request=request)


ARGS = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "issue",
                "revoke",
                "status",
                "policy",
                "doctor",
                "whoami",
                "--json",
                "--qr",
                "--lifetime",
                "--once",
                "--reusable",
                "--start",
                "--demo",
                "--cloud",
                "-v",
                "ava.newhire@northwind.example",
                "0",
                "-5",
                "2030-01-06T08:00:00Z",
                "usgov",
            ]
        ),
        st.text(max_size=15),
    ),
    max_size=6,
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ARGS)
def test_any_command_line_ends_in_an_exit_code_and_no_traceback(
    tmp_path_factory: pytest.TempPathFactory, argv: list[str]
) -> None:
    if not argv or argv[0] not in {"issue", "revoke", "status", "policy", "doctor", "whoami"}:
        argv = ["policy", *argv]  # never open the window
    home = tmp_path_factory.mktemp("cli")
    clock = FakeClock()
    tenant = DemoTenant(clock=clock)
    env = {"TAPDESK_HOME": str(home), "TAPDESK_ACCESS_TOKEN": tenant.access_token()}
    out, err = io.StringIO(), io.StringIO()
    try:
        code = main(
            ["--demo", *argv],
            env=env,
            paths=AppPaths.default(env),
            clock=clock,
            demo_tenant=tenant,
            stdout=out,
            stderr=err,
        )
    except SystemExit as exit_:  # --help / --version print and exit, as argparse does
        code = int(exit_.code or 0)
    assert code in {0, 1, 2, 3, 4, 5, 6, 7, 8}
    assert "Traceback" not in err.getvalue()
    if code not in {0}:
        assert err.getvalue().startswith("tapdesk: ") or code == 1
    if "--json" in argv and code == 0 and out.getvalue():
        json.loads(out.getvalue())
