"""Policy targets: groups in batches of 20 (checkMemberGroups' limit), and single users."""

from __future__ import annotations

import io
from pathlib import Path

import httpx

from tapdesk.app.main import main
from tapdesk.core import scope
from tapdesk.core.models import TapPolicy
from tapdesk.demo import DEMO_GRAPH_URL, DemoTenant, shapes
from tapdesk.graph.client import GraphClient
from tapdesk.runtime.paths import AppPaths
from tests.helpers.clock import FakeClock
from tests.helpers.demo import UPN

AVA_ID = "42102faa-fea9-46f2-ba90-b704e72dbf1b"
OSCAR_ID = "cd25e59a-2264-4e92-9dc5-081e4418af79"


def _graph(tenant: DemoTenant, clock: FakeClock) -> GraphClient:
    token = tenant.access_token()
    return GraphClient(
        DEMO_GRAPH_URL, lambda force_refresh=False: token, transport=tenant.transport(), clock=clock
    )


def member_checks(tenant: DemoTenant) -> int:
    return sum(1 for m, path, _h in tenant.requests if m == "POST" and "checkMemberGroups" in path)


def test_more_than_20_groups_go_in_batches() -> None:
    ids = [f"g{n:02}" for n in range(45)]
    sent = scope.batches(ids)
    assert [len(b) for b in sent] == [20, 20, 5]
    assert [g for b in sent for g in b] == ids


def test_user_targets_decide_without_asking_about_groups() -> None:
    named = TapPolicy(include_group_ids=("g1",), include_user_ids=("u1",))
    assert scope.groups_to_check(named, "u1") == []
    assert scope.in_scope(named, "u1", set()) is True
    assert scope.groups_to_check(named, "u2") == ["g1"]
    assert scope.in_scope(named, "u2", set()) is False
    barred = TapPolicy(include_group_ids=("all_users",), exclude_user_ids=("u1",))
    assert scope.groups_to_check(barred, "u1") == []
    assert scope.in_scope(barred, "u1", set()) is False
    assert scope.in_scope(barred, "u2", set()) is True
    # Excluded groups are still asked about for a user named outright.
    both = TapPolicy(include_user_ids=("u1",), exclude_group_ids=("x",), include_group_ids=())
    assert scope.groups_to_check(both, "u1") == ["x"]
    assert scope.in_scope(both, "u1", {"x"}) is False


def test_a_policy_of_25_groups_is_checked_in_two_requests(
    tenant: DemoTenant, clock: FakeClock
) -> None:
    tenant.set_policy(includeTargets=shapes.group_targets(25))
    graph = _graph(tenant, clock)
    try:
        policy = graph.get_tap_policy()
        assert len(policy.include_group_ids) == 25
        before = member_checks(tenant)
        assert graph.user_in_policy_scope(AVA_ID, policy) is True
        assert graph.user_in_policy_scope(OSCAR_ID, policy) is False
        assert member_checks(tenant) - before == 4  # two people, two batches each
    finally:
        graph.close()


def test_tapdesk_issue_works_on_a_tenant_whose_policy_names_25_groups(
    tenant: DemoTenant, clock: FakeClock, tmp_path: Path
) -> None:
    tenant.set_policy(includeTargets=shapes.group_targets(25))
    out, err = io.StringIO(), io.StringIO()
    env = {"TAPDESK_HOME": str(tmp_path), "TAPDESK_ACCESS_TOKEN": tenant.access_token()}
    code = main(
        ["--demo", "issue", UPN["ava.newhire"], "--json"],
        env=env,
        paths=AppPaths.default(env),
        clock=clock,
        demo_tenant=tenant,
        transport=httpx.MockTransport(lambda r: httpx.Response(599)),
        stdout=out,
        stderr=err,
    )
    assert code == 0, err.getvalue()
    assert member_checks(tenant) <= 2


def test_a_user_target_in_the_demo_tenant(tenant: DemoTenant, clock: FakeClock) -> None:
    tenant.set_policy(includeTargets=[{"targetType": "user", "id": OSCAR_ID}])
    graph = _graph(tenant, clock)
    try:
        policy = graph.get_tap_policy()
        assert policy.include_user_ids == (OSCAR_ID,) and policy.include_group_ids == ()
        before = member_checks(tenant)
        assert graph.user_in_policy_scope(OSCAR_ID, policy) is True
        assert graph.user_in_policy_scope(AVA_ID, policy) is False
        assert member_checks(tenant) == before  # a user target is never sent as a group
    finally:
        graph.close()
