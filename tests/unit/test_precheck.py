"""Pre-checking roster rows against the demo tenant: one typed result per row, never a raise."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tapdesk.config import DEFAULT_SCOPES
from tapdesk.core.models import MethodKind, TapPolicy
from tapdesk.core.readiness import Severity
from tapdesk.core.roles import (
    PRIVILEGED_AUTHENTICATION_ADMINISTRATOR,
    Roles,
    TargetRole,
    Technician,
)
from tapdesk.core.roster import RosterError
from tapdesk.demo import DEMO_GRAPH_URL, DemoTenant, Fault
from tapdesk.errors import SignInRequired
from tapdesk.graph.client import GraphClient
from tapdesk.graph.retry import NO_RETRY
from tapdesk.workflows.precheck import REQUESTS_PER_PERSON, check_person, read_roster
from tests.helpers.clock import FakeClock
from tests.helpers.demo import UPN


@pytest.fixture
def graph(tenant: DemoTenant, clock: FakeClock) -> Iterator[GraphClient]:
    token = tenant.access_token()
    client = GraphClient(
        DEMO_GRAPH_URL, lambda force_refresh=False: token, transport=tenant.transport(), clock=clock
    )
    yield client
    client.close()


@pytest.fixture
def policy(graph: GraphClient) -> TapPolicy:
    return graph.get_tap_policy()


def codes(result) -> dict[str, Severity]:
    return {f.code: f.severity for f in result.findings}


def test_a_new_hire_in_scope_is_ready(graph, policy, clock, tenant) -> None:
    before = len(tenant.requests)
    result = check_person(graph, UPN["ava.newhire"], policy, clock=clock)
    assert result.findings == ()
    assert (result.summary, result.problem, result.worst) == ("Ready", False, None)
    assert result.user is not None and result.user.display_name == "Ava Newhire"
    assert result.facts.in_scope is True and result.facts.target_role is TargetRole.ORDINARY
    assert result.facts.tap is None
    assert [m.kind for m in result.facts.methods or ()] == [MethodKind.PASSWORD]
    assert len(tenant.requests) - before == REQUESTS_PER_PERSON


@pytest.mark.parametrize(
    ("who", "code", "severity"),
    [
        ("carl.disabled", "disabled", Severity.BLOCKS),
        ("oscar.outside", "out-of-scope", Severity.BLOCKS),
        ("gina", "external-guest", Severity.BLOCKS),
        ("alex.admin", "role-unknown", Severity.INFO),  # roles not readable: Entra decides
        ("alex.admin", "has-methods", Severity.INFO),
        ("erin.existing", "existing-pass", Severity.WARNING),
        ("priya.passkey", "has-methods", Severity.INFO),
        ("ben.fresh", "not-found", Severity.BLOCKS),  # still replicating: not waited for
    ],
)
def test_the_seeded_cases(graph, policy, clock, who, code, severity) -> None:
    result = check_person(graph, UPN[who], policy, clock=clock)
    assert codes(result).get(code) is severity, result.findings
    assert result.problem is (severity is Severity.BLOCKS or result.problem)


def test_details_of_the_seeded_cases(graph, policy, clock) -> None:
    erin = check_person(graph, UPN["erin.existing"], policy, clock=clock)
    assert erin.facts.tap is not None and erin.facts.tap.code is None
    assert not erin.problem and "replaces" in erin.summary
    # Once a session issued that very pass, "already holds a pass" is no longer news.
    assert erin.about_own_pass(erin.facts.tap.id) == ()
    assert erin.about_own_pass("another-pass") == erin.findings
    priya = check_person(graph, UPN["priya.passkey"], policy, clock=clock)
    assert "Microsoft Authenticator" in priya.summary and "Passkey" in priya.summary
    oscar = check_person(graph, UPN["oscar.outside"], policy, clock=clock)
    assert oscar.facts.in_scope is False
    assert "pass policy" in oscar.findings[0].text and oscar.findings[0].hint
    # Without a permission to read roles, Graph says alex holds *a* role: Entra decides.
    alex = check_person(graph, UPN["alex.admin"], policy, clock=clock)
    assert "role-unknown" in codes(alex) and "admin-target" not in codes(alex)
    pat = Technician(
        "pat@northwind.example", roles=Roles.from_wids([PRIVILEGED_AUTHENTICATION_ADMINISTRATOR])
    )
    covered = check_person(graph, UPN["alex.admin"], policy, clock=clock, technician=pat)
    assert "role-unknown" not in codes(covered)  # a privileged technician covers any role


def test_an_admin_target_with_roles_readable(tenant, clock) -> None:
    tenant.consent(["RoleManagement.Read.Directory"])
    token = tenant.access_token(scopes=[*DEFAULT_SCOPES, "RoleManagement.Read.Directory"])
    graph = GraphClient(
        DEMO_GRAPH_URL, lambda force_refresh=False: token, transport=tenant.transport(), clock=clock
    )
    policy = graph.get_tap_policy()
    alex = check_person(graph, UPN["alex.admin"], policy, clock=clock)
    assert alex.summary.startswith("This user holds an administrator role")  # warnings first
    pat = Technician(
        "pat@northwind.example", roles=Roles.from_wids([PRIVILEGED_AUTHENTICATION_ADMINISTRATOR])
    )
    covered = check_person(graph, UPN["alex.admin"], policy, clock=clock, technician=pat)
    assert "admin-target-ok" in codes(covered) and "admin-target" not in codes(covered)
    graph.close()


def test_a_missing_account_stops_after_one_request(graph, policy, clock, tenant) -> None:
    before = len(tenant.requests)
    result = check_person(graph, "nobody@northwind.example", policy, clock=clock)
    assert codes(result) == {"not-found": Severity.BLOCKS}
    assert result.user is None and "check again later" in result.findings[0].hint
    assert len(tenant.requests) - before == 1
    assert clock.sleeps == []  # no replication wait held the worker


def test_a_switched_off_policy_and_an_unreadable_one(graph, clock) -> None:
    off = check_person(graph, UPN["ava.newhire"], TapPolicy(enabled=False), clock=clock)
    assert codes(off)["policy-disabled"] is Severity.BLOCKS
    unknown = check_person(graph, UPN["oscar.outside"], None, clock=clock)
    assert unknown.facts is not None and unknown.facts.in_scope is None and not unknown.problem


def test_a_throttled_call_is_that_rows_problem_with_graphs_words(tenant, clock) -> None:
    token = tenant.access_token()
    graph = GraphClient(
        DEMO_GRAPH_URL,
        lambda force_refresh=False: token,
        transport=tenant.transport(),
        clock=clock,
        retry=NO_RETRY,
    )
    tenant.inject(Fault.throttle("5", times=1, path_contains="/authentication/methods"))
    result = check_person(graph, UPN["ava.newhire"], graph.get_tap_policy(), clock=clock)
    error = next(f for f in result.findings if f.code == "error")
    assert error.severity is Severity.BLOCKS
    assert error.text.startswith("Could not check sign-in methods: Microsoft Graph is throttling.")
    assert "request-id" in error.text
    assert (
        result.facts.methods is None and result.facts.in_scope is True
    )  # the other checks still ran
    # The next row is not affected.
    assert check_person(graph, UPN["nora.newhire"], None, clock=clock).findings == ()
    graph.close()


SECRET = "Xy7+kQ2m"


class Exploding:
    """A Graph client whose methods fail with a foreign error carrying a secret-looking text."""

    def __init__(self, fail_on: str, real: GraphClient) -> None:
        self._fail_on = fail_on
        self._real = real

    def __getattr__(self, name: str):
        if name == self._fail_on:

            def boom(*args, **kwargs):
                raise RuntimeError(f"body: {SECRET}")

            return boom
        return getattr(self._real, name)


def test_an_unexpected_error_is_named_by_type_only(graph, policy, clock, caplog) -> None:
    result = check_person(Exploding("list_taps", graph), UPN["ava.newhire"], policy, clock=clock)
    assert result.problem and result.user is not None
    assert "unexpected problem (RuntimeError)" in result.summary
    assert SECRET not in result.summary + caplog.text
    early = check_person(Exploding("get_user", graph), UPN["ava.newhire"], policy, clock=clock)
    assert early.problem and early.user is None


def test_an_expired_sign_in_stops_that_row_early(tenant, clock) -> None:
    def no_token(force_refresh: bool = False) -> str:
        raise SignInRequired("Your sign-in has expired.")

    graph = GraphClient(DEMO_GRAPH_URL, no_token, transport=tenant.transport(), clock=clock)
    result = check_person(graph, UPN["ava.newhire"], None, clock=clock)
    graph.close()
    assert result.needs_sign_in and result.problem
    assert "Sign-in needed" in result.summary
    assert tenant.requests == []


def test_read_roster_from_a_file(tmp_path: Path) -> None:
    good = tmp_path / "day.csv"
    good.write_bytes(b"\xef\xbb\xbfUPN;Name\nava@contoso.example;Ava\n;no upn\n")
    roster = read_roster(good)
    assert [e.upn for e in roster.entries] == ["ava@contoso.example"]
    assert [p.line for p in roster.problems] == [3]
    with pytest.raises(RosterError, match=r"Cannot read missing\.csv"):
        read_roster(tmp_path / "missing.csv")
    big = tmp_path / "big.csv"
    big.write_bytes(b"UPN\n" + b"x" * 5_000_001)
    with pytest.raises(RosterError, match="larger than 5 MB"):
        read_roster(big)
