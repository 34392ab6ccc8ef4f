"""Reading what :func:`tapdesk.core.readiness.assess` needs about one person, from Graph.

One function per fact, so the window can load them in parallel (one worker each) while the CLI
and the roster pre-check read them in a row through :func:`read_facts`. Either way the facts,
and so the verdict, are the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol, TypeVar

from tapdesk.core import roles
from tapdesk.core.models import TapPolicy, TemporaryAccessPass, User
from tapdesk.core.readiness import TargetFacts

if TYPE_CHECKING:  # the window imports this module before httpx is loaded
    from tapdesk.graph.client import GraphClient

T = TypeVar("T")


class Attempt(Protocol):
    """Runs one read: (True, result), or (False, None) when the caller noted a failure."""

    def __call__(self, what: str, call: Callable[[], T]) -> tuple[bool, T | None]: ...


def strict(what: str, call: Callable[[], T]) -> tuple[bool, T | None]:
    """The CLI's attempt: a failure is the command's failure."""
    return True, call()


def scope_of(graph: GraphClient, user_id: str, policy: TapPolicy) -> bool | None:
    """Is the user among the policy's targets? None: could not tell."""
    return graph.user_in_policy_scope(user_id, policy)


def target_role(graph: GraphClient, user_id: str) -> roles.TargetRole | None:
    """Does the user need a privileged technician? From their directory roles and whether they
    are in (or own) a role-assignable group. None: could not be read."""
    found = graph.memberships(user_id)
    if found is None:
        return None
    return roles.target_role(
        found.role_template_ids, in_role_assignable_group=found.role_assignable
    )


def current_pass(graph: GraphClient, user_id: str) -> TemporaryAccessPass | None:
    """The user's pass (Graph allows one), never with a value."""
    taps = graph.list_taps(user_id)
    return taps[0].without_code() if taps else None


def read_facts(
    graph: GraphClient,
    user: User,
    policy: TapPolicy | None,
    attempt: Attempt = strict,
) -> TargetFacts:
    """Every fact about ``user`` in turn (four Graph calls, fewer when the policy is off)."""
    facts = TargetFacts(user, policy=policy)
    policy_off = policy is not None and policy.known and not policy.enabled
    if policy is not None and not policy_off:
        ok, in_scope = attempt(
            "the pass policy's targets", lambda: scope_of(graph, user.id, policy)
        )
        if ok:
            facts = replace(facts, in_scope=in_scope, scope_checked=True)
    ok, role = attempt("directory roles", lambda: target_role(graph, user.id))
    if ok:
        facts = replace(facts, target_role=role)
    ok, methods = attempt("sign-in methods", lambda: tuple(graph.list_methods(user.id)))
    if ok:
        facts = replace(facts, methods=methods)
    ok, tap = attempt("existing passes", lambda: current_pass(graph, user.id))
    if ok:
        facts = replace(facts, tap=tap, tap_known=True)
    return facts
