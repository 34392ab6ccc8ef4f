"""The policy's excludeTargets: a user in an excluded group is out of scope whatever includes
them; the demo tenant applies the same rule, and the technician is told why no pass is issued."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tapdesk.app.main import main
from tapdesk.core import scope
from tapdesk.core.models import TapPolicy
from tapdesk.demo import DEMO_GRAPH_URL, DemoTenant, PassNotUsable
from tapdesk.demo.constants import ALL_STAFF_GROUP_ID, TAP_ELIGIBLE_GROUP_ID
from tapdesk.graph.client import GraphClient
from tapdesk.runtime.paths import AppPaths
from tests.helpers.clock import FakeClock
from tests.helpers.demo import UPN, graph_client, tap_path

AVA, OSCAR = UPN["ava.newhire"], UPN["oscar.outside"]  # Ava is in the pass group, Oscar not
OUT_OF_SCOPE = "outside the users and groups the pass policy targets"


def group(gid: str) -> dict[str, str]:
    return {"targetType": "group", "id": gid}


# Ways a user gets included; each policy also excludes the group "barred".
INCLUDED_BY = {
    "all_users": TapPolicy(include_group_ids=("all_users",), exclude_group_ids=("barred",)),
    "an included group": TapPolicy(include_group_ids=("staff",), exclude_group_ids=("barred",)),
    "the user named": TapPolicy(include_user_ids=("u1",), exclude_group_ids=("barred",)),
}


@pytest.mark.parametrize("how", list(INCLUDED_BY))
def test_a_member_of_an_excluded_group_is_out_of_scope_however_included(how: str) -> None:
    policy = INCLUDED_BY[how]
    assert "barred" in scope.groups_to_check(policy, "u1")  # membership is asked for
    assert scope.in_scope(policy, "u1", {"staff", "barred"}) is False


@pytest.mark.parametrize("how", list(INCLUDED_BY))
def test_a_user_outside_the_excluded_group_stays_in_scope(how: str) -> None:
    assert scope.in_scope(INCLUDED_BY[how], "u1", {"staff"}) is True


@pytest.fixture
def graph(tenant: DemoTenant, clock: FakeClock) -> Iterator[GraphClient]:
    token = tenant.access_token()
    client = GraphClient(
        DEMO_GRAPH_URL, lambda force_refresh=False: token, transport=tenant.transport(), clock=clock
    )
    yield client
    client.close()


def in_scope(graph: GraphClient, upn: str) -> bool | None:
    """What the card and the CLI learn: the policy as Graph returns it, membership from Graph."""
    return graph.user_in_policy_scope(graph.get_user(upn).id, graph.get_tap_policy())


def test_all_users_minus_an_excluded_group_read_from_graph(
    tenant: DemoTenant, graph: GraphClient
) -> None:
    tenant.set_policy(
        includeTargets=[group("all_users")], excludeTargets=[group(TAP_ELIGIBLE_GROUP_ID)]
    )
    assert graph.get_tap_policy().exclude_group_ids == (TAP_ELIGIBLE_GROUP_ID,)
    assert in_scope(graph, AVA) is False  # in the excluded group
    assert in_scope(graph, OSCAR) is True  # not in it: all_users still includes him


def test_an_included_group_minus_an_excluded_group_read_from_graph(
    tenant: DemoTenant, graph: GraphClient
) -> None:
    tenant.set_policy(
        includeTargets=[group(TAP_ELIGIBLE_GROUP_ID)], excludeTargets=[group(ALL_STAFF_GROUP_ID)]
    )
    assert in_scope(graph, AVA) is False  # included by her group, excluded by all staff
    tenant.set_policy(excludeTargets=[group("5c1e0a3b-0000-4000-8000-00000000dead")])
    assert in_scope(graph, AVA) is True  # an excluded group she is not in changes nothing


def test_the_demo_tenant_makes_an_excluded_users_pass_unusable(tenant: DemoTenant) -> None:
    """Entra's own rule in the simulation: a pass outside the targets never signs anyone in."""
    tenant.set_policy(
        includeTargets=[group("all_users")], excludeTargets=[group(TAP_ELIGIBLE_GROUP_ID)]
    )
    with graph_client(tenant) as http:
        assert http.post(tap_path(AVA), json={}).status_code == 201
        [listed] = http.get(tap_path(AVA)).json()["value"]
        assert listed["methodUsabilityReason"] == "DisabledByPolicy"
        assert http.post(tap_path(OSCAR), json={}).status_code == 201
    with pytest.raises(PassNotUsable, match="DisabledByPolicy"):
        tenant.phone(AVA).sign_in_with_pass()
    tenant.phone(OSCAR).sign_in_with_pass()  # all_users includes him and nothing excludes him


def issue(tenant: DemoTenant, clock: FakeClock, tmp_path: Path, upn: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    env = {"TAPDESK_HOME": str(tmp_path), "TAPDESK_ACCESS_TOKEN": tenant.access_token()}
    code = main(
        ["--demo", "issue", upn],
        env=env,
        paths=AppPaths.default(env),
        clock=clock,
        demo_tenant=tenant,
        transport=httpx.MockTransport(lambda r: httpx.Response(599)),
        stdout=out,
        stderr=err,
    )
    return code, out.getvalue(), err.getvalue()


def test_tapdesk_issue_tells_the_technician_an_excluded_user_is_out_of_scope(
    tenant: DemoTenant, clock: FakeClock, tmp_path: Path
) -> None:
    tenant.set_policy(
        includeTargets=[group("all_users")], excludeTargets=[group(TAP_ELIGIBLE_GROUP_ID)]
    )
    code, out, err = issue(tenant, clock, tmp_path, AVA)
    assert code != 0 and out == ""
    assert OUT_OF_SCOPE in err and AVA in err
    with graph_client(tenant) as http:
        assert http.get(tap_path(AVA)).json()["value"] == []  # nothing was issued
    code, out, err = issue(tenant, clock, tmp_path, OSCAR)
    assert code == 0, err
    assert "Temporary Access Pass for Oscar Outside" in out
