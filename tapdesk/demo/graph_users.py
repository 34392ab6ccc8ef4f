"""GET /me, /users/{id | upn}, /users (search and filter), their groups, roles and owned
groups, POST /users/{id}/checkMemberGroups."""

from __future__ import annotations

import base64
from datetime import timedelta

import httpx

from tapdesk.demo import authz, odata
from tapdesk.demo.authz import USER_READ_ALL, USER_READ_BASIC, check_user_read, require_scope
from tapdesk.demo.constants import (
    ALL_STAFF_GROUP_ID,
    DEMO_GRAPH_URL,
    ROLE_ASSIGNABLE_GROUP_ID,
    ROLE_IDS,
    TAP_ELIGIBLE_GROUP_ID,
)
from tapdesk.demo.graph_call import GraphCall
from tapdesk.demo.model import DemoUser, JsonDict
from tapdesk.demo.responses import bad_request, insufficient_privileges
from tapdesk.demo.shapes import context, user_properties

# The demo's named groups: (display name, can be assigned a role). Others are departments'.
GROUPS: dict[str, tuple[str, bool]] = {
    ALL_STAFF_GROUP_ID: ("All staff", False),
    TAP_ELIGIBLE_GROUP_ID: ("Temporary Access Pass eligible", False),
    ROLE_ASSIGNABLE_GROUP_ID: ("Tier 0 operators", True),
}
# "Queries with ConsistencyLevel: eventual read an index that may lag behind a direct GET"
# (Graph, advanced queries). How long is not documented: 30 s is the demo's choice.
SEARCH_INDEX_LAG = timedelta(seconds=30)
_LIST_OPTIONS = {"$select", "$search", "$filter", "$top", "$count", "$orderby", "$skiptoken"}


def get_user(call: GraphCall, user: DemoUser) -> httpx.Response:
    full = check_user_read(call.caller, user)
    selected = odata.select(call.query("$select"))
    body = {"@odata.context": context("users/$entity")}
    body.update(odata.project(user_properties(user), selected, full))
    return call.reply.json(body)


def list_users(call: GraphCall) -> httpx.Response:
    require_scope(call.caller, USER_READ_ALL | USER_READ_BASIC, insufficient_privileges())
    full = bool(call.caller.scopes & USER_READ_ALL)
    for name in sorted(call.option_names() - _LIST_OPTIONS):
        raise bad_request(f"Query option '{name}' is not supported on this resource.")
    eventual = call.request.headers.get("consistencylevel", "").lower() == "eventual"
    counted = (call.query("$count") or "").lower() == "true"
    advanced = eventual and counted
    selected = odata.select(call.query("$select"))
    users = [u for u in call.state.users.values() if call.visible(u)]
    if eventual:  # the index behind advanced queries lags behind a direct GET
        users = [u for u in users if u.created is None or call.now - u.created >= SEARCH_INDEX_LAG]
    rows = [user_properties(u) for u in users]

    search = call.query("$search")
    if search is not None:
        if not eventual:
            raise odata.unsupported(odata.SEARCH_NEEDS_HEADER)
        rows = [row for row in rows if odata.search(search)(row)]
    filter_text = call.query("$filter")
    if filter_text is not None:
        rows = [row for row in rows if odata.filter_(filter_text, advanced)(row)]
    order = call.query("$orderby")
    if order is not None:
        if filter_text is not None and not advanced:
            raise odata.unsupported()  # $orderby with $filter is an advanced query
        prop, descending = odata.order_key(order)
        rows.sort(key=lambda row: str(row[prop] or "").lower(), reverse=descending)

    size = odata.top(call.query("$top"))
    offset = _offset(call.query("$skiptoken"))
    body: dict[str, object] = {"@odata.context": context("users")}
    if advanced:  # $count=true without the header is silently ignored
        body["@odata.count"] = len(rows)
    body["value"] = [odata.project(row, selected, full) for row in rows[offset : offset + size]]
    if offset + size < len(rows):
        body["@odata.nextLink"] = _next_link(call, offset + size)
    return call.reply.json(body)


def check_member_groups(call: GraphCall, user: DemoUser) -> httpx.Response:
    authz.check_member_groups(call.caller)
    body = call.body()
    group_ids = body.get("groupIds") if isinstance(body, dict) else None
    if not isinstance(group_ids, list) or not all(isinstance(g, str) for g in group_ids):
        raise bad_request("Invalid request: groupIds must be a list of group ids.")
    if len(group_ids) > 20:
        raise bad_request("The number of groupIds cannot exceed 20.")
    member_of = [g for g in group_ids if g in user.groups]
    return call.reply.json(
        {"@odata.context": context("Collection(Edm.String)"), "value": member_of}
    )


def memberships(call: GraphCall, user: DemoUser) -> httpx.Response:
    """``transitiveMemberOf``: the user's groups and directory roles.

    An item whose type the caller may not read comes with its type and id only, every other
    property null (Graph's "limited information"): roles need RoleManagement.Read.Directory
    (or Directory.Read.All), groups a group or directory read permission.
    """
    if not check_user_read(call.caller, user):
        raise insufficient_privileges()
    names = {v: k for k, v in ROLE_IDS.items()}
    roles_readable = bool(call.caller.scopes & authz.ROLE_READ)
    value = [
        _limited(
            {
                "@odata.type": "#microsoft.graph.directoryRole",
                "id": template[::-1],
                "displayName": names[template],
                "roleTemplateId": template,
            },
            roles_readable,
        )
        for template in authz.role_ids(user)
    ]
    value += [_group(call, gid) for gid in user.groups]
    return call.reply.json(
        {"@odata.context": context("Collection(microsoft.graph.directoryObject)"), "value": value}
    )


def owned_groups(call: GraphCall, user: DemoUser) -> httpx.Response:
    """``ownedObjects/microsoft.graph.group``: the groups the user owns."""
    if not check_user_read(call.caller, user):
        raise insufficient_privileges()
    value = [_group(call, gid) for gid in user.owned_groups]
    return call.reply.json(
        {"@odata.context": context("Collection(microsoft.graph.group)"), "value": value}
    )


def _group(call: GraphCall, group_id: str) -> JsonDict:
    name, assignable = GROUPS.get(group_id, ("Department group", False))
    item: JsonDict = {
        "@odata.type": "#microsoft.graph.group",
        "id": group_id,
        "displayName": name,
        "isAssignableToRole": assignable,
    }
    return _limited(item, bool(call.caller.scopes & authz.GROUP_READ))


def _limited(item: JsonDict, readable: bool) -> JsonDict:
    if readable:
        return item
    return {k: (v if k in ("@odata.type", "id") else None) for k, v in item.items()}


def _offset(token: str | None) -> int:
    if token is None:
        return 0
    try:
        return int(base64.urlsafe_b64decode(token.encode()).decode().removeprefix("offset:"))
    except ValueError:
        raise bad_request("Invalid $skiptoken.") from None


def _next_link(call: GraphCall, offset: int) -> str:
    token = base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()
    params = call.request.url.params.set("$skiptoken", token)
    return str(httpx.URL(f"{DEMO_GRAPH_URL}/users", params=params))
