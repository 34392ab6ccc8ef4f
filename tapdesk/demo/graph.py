"""Routes Graph requests (host graph.tapdesk-demo.test, path /v1.0/...) to their handlers."""

from __future__ import annotations

import re
from datetime import datetime

import httpx

from tapdesk.demo import graph_methods, graph_users
from tapdesk.demo.authz import authenticate
from tapdesk.demo.graph_call import GraphCall
from tapdesk.demo.model import DemoUser, TenantState
from tapdesk.demo.responses import GraphProblem, GraphReply, bad_request

_QUOTED_KEY = re.compile(r"users\('(?P<key>.*)'\)", re.DOTALL)
_POLICY_PATH = ["policies", "authenticationMethodsPolicy", "authenticationMethodConfigurations"]


def handle(
    request: httpx.Request, state: TenantState, now: datetime, replication_delay: float
) -> httpx.Response:
    reply = GraphReply(request, now)
    try:
        if not request.url.path.startswith("/v1.0/"):
            raise bad_request("Invalid version: the demo tenant serves /v1.0 only.")
        caller = authenticate(request, state, now)
        call = GraphCall(request, state, now, caller, reply, replication_delay)
        return _route(call, request.url.path.removeprefix("/v1.0/").rstrip("/").split("/"))
    except GraphProblem as problem:
        return reply.error(problem)


def _route(call: GraphCall, segments: list[str]) -> httpx.Response:
    method = call.request.method
    quoted = False
    if match := _QUOTED_KEY.fullmatch(segments[0]):
        # An OData string literal doubles its quotes: users('$o''neil@…') is $o'neil@….
        segments = ["users", match["key"].replace("''", "'"), *segments[1:]]
        quoted = True
    if segments[0] == "me":
        segments = ["users", call.caller.user.id, *segments[1:]]
    if segments == ["users"]:
        _allow(method, "GET")
        return graph_users.list_users(call)
    if segments[0] == "users" and len(segments) >= 2:
        user = call.target(segments[1], quoted)
        return _route_user(call, user, segments[2:])
    # The docs spell the last segment both temporaryAccessPass and TemporaryAccessPass.
    if segments[:3] == _POLICY_PATH and segments[3:] in (
        ["temporaryAccessPass"],
        ["TemporaryAccessPass"],
    ):
        _allow(method, "GET")
        return graph_methods.get_policy(call)
    raise _unknown_segment(segments[-1])


def _route_user(call: GraphCall, user: DemoUser, rest: list[str]) -> httpx.Response:
    method = call.request.method
    if not rest:
        _allow(method, "GET")
        return graph_users.get_user(call, user)
    if rest == ["transitiveMemberOf"]:
        _allow(method, "GET")
        return graph_users.memberships(call, user)
    if rest == ["ownedObjects", "microsoft.graph.group"]:
        _allow(method, "GET")
        return graph_users.owned_groups(call, user)
    if rest == ["checkMemberGroups"]:
        _allow(method, "POST")
        return graph_users.check_member_groups(call, user)
    if rest[0] != "authentication" or len(rest) < 2 or rest[1] not in graph_methods.COLLECTIONS:
        raise _unknown_segment(rest[-1])
    collection = rest[1]
    if len(rest) == 2:
        if collection == "temporaryAccessPassMethods" and method == "POST":
            return graph_methods.create_pass(call, user)
        _allow(method, "GET")
        return graph_methods.list_methods(call, user, collection)
    if len(rest) == 3 and collection == "temporaryAccessPassMethods":
        _allow(method, "GET", "DELETE")
        if method == "DELETE":
            return graph_methods.delete_pass(call, user, rest[2])
        return graph_methods.get_pass(call, user, rest[2])
    raise _unknown_segment(rest[-1])


def _allow(method: str, *allowed: str) -> None:
    if method not in allowed:
        raise GraphProblem(
            405, "BadRequest", "Specified HTTP method is not allowed for the request uri."
        )


def _unknown_segment(segment: str) -> GraphProblem:
    return bad_request(f"Resource not found for the segment '{segment}'.")
