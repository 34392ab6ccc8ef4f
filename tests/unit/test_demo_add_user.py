"""DemoTenant.add_user: extra new hires for large rosters, served like the seeded ones."""

from __future__ import annotations

import pytest

from tapdesk.demo import DEMO_GRAPH_URL, DemoTenant
from tapdesk.graph.client import GraphClient
from tests.helpers.clock import FakeClock
from tests.helpers.demo import as_lead


def test_an_added_user_is_served_like_a_seeded_new_hire() -> None:
    clock = FakeClock()
    tenant = as_lead(DemoTenant(clock=clock))  # scope checks need the policy read
    token = tenant.access_token()
    graph = GraphClient(
        DEMO_GRAPH_URL, lambda force_refresh=False: token, transport=tenant.transport(), clock=clock
    )
    user_id = tenant.add_user("hana.hire", "Hana", "Hire")
    outside = tenant.add_user("otto.out", "Otto", "Out", in_tap_group=False)
    try:
        user = graph.get_user("hana.hire@northwind.example")
        assert (user.id, user.display_name, user.account_enabled) == (user_id, "Hana Hire", True)
        policy = graph.get_tap_policy()
        assert graph.user_in_policy_scope(user_id, policy) is True
        assert graph.user_in_policy_scope(outside, policy) is False
        assert graph.list_taps(user_id) == []
    finally:
        graph.close()
    # The same alias gives the same id in another tenant; twice in one tenant is refused.
    assert DemoTenant(clock=clock).add_user("hana.hire", "Hana", "Hire") == user_id
    with pytest.raises(ValueError, match="already exists"):
        tenant.add_user("hana.hire", "Hana", "Hire")
