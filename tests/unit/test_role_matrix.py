"""Who an Authentication Administrator may give a pass: Entra's table, row by row, and what
Graph answers without a permission to read roles ("limited information")."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tapdesk.core import roles as r
from tapdesk.core.passrules import IssueRequest
from tapdesk.core.readiness import Severity, TargetFacts, assess
from tapdesk.core.roles import TargetRole, Technician, target_role
from tapdesk.demo import DEMO_GRAPH_URL, DemoTenant
from tapdesk.demo.constants import ROLE_IDS
from tapdesk.errors import NotPermitted
from tapdesk.graph.client import GraphClient
from tapdesk.workflows.target import target_role as read_target_role
from tests.helpers.clock import FakeClock
from tests.helpers.demo import UPN, as_lead

# The "Auth Admin" column of "Who can perform sensitive actions" (Entra, Privileged roles and
# permissions): a check mark on these rows.
MAY = {
    "Authentication Administrator": "c4e39bd9-1100-46d3-8c65-fb160da0071f",
    "Directory Readers": "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
    "Guest Inviter": "95e79109-95c0-4d8e-aee3-d01accf2d47b",
    "Message Center Reader": "790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b",
    "Password Administrator": "966707d0-3269-4727-9be2-8c3a10f19b9d",
    "Reports Reader": "4a5d8f65-41da-4de4-8968-e035b65339cf",
    "User Experience Success Manager": "27460883-1df1-4691-b032-3b79643e5e63",
    "Usage Summary Reports Reader": "75934031-6c7e-415a-99d7-48dbd49e875e",
}
# Rows without a check mark in that column.
MAY_NOT = {
    "Global Administrator": "62e90394-69f5-4237-9190-012177145e10",
    "Groups Administrator": "fdd7a751-b60b-444a-984c-02652fe8fa1c",
    "Helpdesk Administrator": "729827e3-9c14-49f7-bb1b-9608f156bbb8",
    "Privileged Authentication Administrator": "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
    "Privileged Role Administrator": "e8611ab8-c189-46e8-94e1-60213ab1f814",
    "User Administrator": "fe930be7-5e62-47db-91af-98c3a49a38b1",
    "Security Administrator (all other roles)": "194ae4cb-b126-40b2-bd5b-6091b380977d",
}
ROLE_READ = ["RoleManagement.Read.Directory"]


def test_the_table_in_core_is_the_documented_column() -> None:
    assert {k.lower(): v for k, v in r.AUTH_ADMIN_MAY_ACT_ON.items()} == {
        v: k for k, v in MAY.items()
    }


@pytest.mark.parametrize(("name", "template"), sorted(MAY.items()))
def test_roles_an_authentication_administrator_may_act_on(name: str, template: str) -> None:
    assert target_role([template]) is TargetRole.ORDINARY, name
    assert target_role([template.upper()]) is TargetRole.ORDINARY


@pytest.mark.parametrize(("name", "template"), sorted(MAY_NOT.items()))
def test_roles_that_need_a_privileged_authentication_administrator(
    name: str, template: str
) -> None:
    assert target_role([template]) is TargetRole.PRIVILEGED, name
    assert target_role([MAY["Directory Readers"], template]) is TargetRole.PRIVILEGED


def test_no_role_unknown_roles_and_role_assignable_groups() -> None:
    assert target_role([]) is TargetRole.ORDINARY  # "User (no admin role)"
    assert target_role(None) is None  # could not be read at all
    assert target_role([None]) is TargetRole.UNREADABLE  # limited information: not "admin"
    assert target_role([None, MAY_NOT["User Administrator"]]) is TargetRole.PRIVILEGED
    assert target_role([], in_role_assignable_group=True) is TargetRole.PRIVILEGED


def test_the_status_bar_names_the_technicians_roles_most_relevant_first() -> None:
    """``whoami`` and the header show the known roles in the order that matters for issuing."""
    held = r.Roles.from_wids(
        [
            r.GLOBAL_READER,
            MAY_NOT["Global Administrator"],
            r.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR,
        ]
    )
    assert held.describe() == (
        "Privileged Authentication Administrator, Global Administrator, Global Reader"
    )
    assert r.Roles.from_wids([MAY_NOT["User Administrator"]]).describe() == (
        "no role that can issue passes"
    )


def test_an_unreadable_role_is_a_note_and_entra_decides() -> None:
    from tapdesk.core.models import User

    ava = User("ava-id", "ava@contoso.example")
    tess = Technician("tess", roles=r.Roles.from_wids([r.AUTHENTICATION_ADMINISTRATOR]))
    found = assess(TargetFacts(ava, target_role=TargetRole.UNREADABLE), tess, _now())
    assert [(f.code, f.severity) for f in found] == [("role-unknown", Severity.INFO)]
    assert "RoleManagement.Read.Directory" in found[0].hint


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2030, 1, 6, tzinfo=UTC)


@pytest.fixture
def tenant(clock: FakeClock) -> DemoTenant:
    return as_lead(DemoTenant(clock=clock))


def _graph(tenant: DemoTenant, clock: FakeClock, scopes: list[str] | None) -> GraphClient:
    token = tenant.access_token(scopes=scopes)
    return GraphClient(
        DEMO_GRAPH_URL, lambda force_refresh=False: token, transport=tenant.transport(), clock=clock
    )


@pytest.fixture
def limited(tenant: DemoTenant, clock: FakeClock) -> Iterator[GraphClient]:
    """The documented scopes: no permission to read directory roles."""
    graph = _graph(tenant, clock, None)
    yield graph
    graph.close()


@pytest.fixture
def exact(tenant: DemoTenant, clock: FakeClock) -> Iterator[GraphClient]:
    from tapdesk.config import DEFAULT_SCOPES

    tenant.consent(ROLE_READ)
    graph = _graph(tenant, clock, [*DEFAULT_SCOPES, *ROLE_READ])
    yield graph
    graph.close()


def test_without_the_role_permission_graph_answers_limited_information(
    limited: GraphClient,
) -> None:
    alex = limited.get_user(UPN["alex.admin"])
    found = limited.memberships(alex.id)
    assert found is not None and found.role_template_ids == (None,)
    assert read_target_role(limited, alex.id) is TargetRole.UNREADABLE  # not "admin"
    ava = limited.get_user(UPN["ava.newhire"])
    assert read_target_role(limited, ava.id) is TargetRole.ORDINARY  # no role at all


def test_with_the_role_permission_the_check_is_exact(exact: GraphClient) -> None:
    alex = exact.get_user(UPN["alex.admin"])  # User Administrator
    assert read_target_role(exact, alex.id) is TargetRole.PRIVILEGED
    tess = exact.get_user(UPN["tess.tech"])  # Authentication Administrator, Global Reader
    assert read_target_role(exact, tess.id) is TargetRole.PRIVILEGED  # Global Reader is not in it


def test_the_demo_enforces_the_same_table(tenant: DemoTenant, exact: GraphClient) -> None:
    """An Authentication Administrator may give a pass to another one; not to a member or an
    owner of a role-assignable group."""
    tenant.add_user("amy.authadmin", "Amy", "Authadmin")
    tenant.set_roles("amy.authadmin@northwind.example", ["Authentication Administrator"])
    amy = exact.get_user("amy.authadmin@northwind.example")
    assert read_target_role(exact, amy.id) is TargetRole.ORDINARY
    assert exact.create_tap(amy.id, IssueRequest()).code is not None
    for kind in ("member", "owner"):
        alias = f"rita.{kind}"
        tenant.add_user(alias, "Rita", kind.title(), role_assignable=kind)
        rita = exact.get_user(f"{alias}@northwind.example")
        assert read_target_role(exact, rita.id) is TargetRole.PRIVILEGED
        with pytest.raises(NotPermitted):
            exact.create_tap(rita.id, IssueRequest())
    assert "Authentication Administrator" in ROLE_IDS
