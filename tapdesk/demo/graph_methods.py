"""Authentication methods (§3), Temporary Access Passes (§1) and the TAP policy (§2)."""

from __future__ import annotations

import httpx

from tapdesk.demo import passes
from tapdesk.demo.authz import (
    check_method_read,
    check_method_write,
    check_policy_read,
    method_scopes,
    require_scope,
)
from tapdesk.demo.graph_call import GraphCall
from tapdesk.demo.model import DemoUser, JsonDict
from tapdesk.demo.responses import GraphProblem, access_denied
from tapdesk.demo.shapes import context, pass_json

_TYPE = "#microsoft.graph.{}AuthenticationMethod"
# Collection name -> (per-method scope family, @odata.type it lists; None lists them all).
COLLECTIONS: dict[str, tuple[str | None, str | None]] = {
    "methods": (None, None),
    "passwordMethods": ("Password", _TYPE.format("password")),
    "phoneMethods": ("Phone", _TYPE.format("phone")),
    "emailMethods": ("Email", _TYPE.format("email")),
    "softwareOathMethods": ("SoftwareOath", _TYPE.format("softwareOath")),
    "microsoftAuthenticatorMethods": ("MicrosoftAuthApp", _TYPE.format("microsoftAuthenticator")),
    "fido2Methods": ("Passkey", _TYPE.format("fido2")),
    "windowsHelloForBusinessMethods": ("WindowsHello", _TYPE.format("windowsHelloForBusiness")),
    "temporaryAccessPassMethods": ("TAP", _TYPE.format("temporaryAccessPass")),
}


def _pass_item(call: GraphCall, user: DemoUser, value: str | None = None) -> JsonDict:
    assert user.tap is not None
    reason = passes.usability(user.tap, user, call.state.policy, call.now)
    return pass_json(user.tap, reason == "EnabledByPolicy", reason, value)


def _check_read(call: GraphCall, user: DemoUser, family: str | None) -> None:
    on_self = user.id == call.caller.user.id
    require_scope(call.caller, method_scopes(family, write=False, on_self=on_self), access_denied())
    check_method_read(call.caller, user)


# Lists whose documented example answers carry no "@odata.type" on their items (Graph v1.0:
# List temporaryAccessPassMethods, List fido2AuthenticationMethod, List passwordMethods).
_UNTYPED_ITEMS = frozenset({"temporaryAccessPassMethods", "fido2Methods", "passwordMethods"})


def list_methods(call: GraphCall, user: DemoUser, collection: str) -> httpx.Response:
    family, odata_type = COLLECTIONS[collection]
    _check_read(call, user, family)
    call.reject_query_options()
    items = list(user.methods) + ([_pass_item(call, user)] if user.tap else [])
    if odata_type:
        items = [item for item in items if item["@odata.type"] == odata_type]
    if collection in _UNTYPED_ITEMS:  # as the documentation's example responses show them
        items = [{k: v for k, v in item.items() if k != "@odata.type"} for item in items]
    if collection == "passwordMethods":  # "createdDateTime": null in the documented example
        items = [{**item, "createdDateTime": None} for item in items]
    fragment = f"users('{user.id}')/authentication/{collection}"
    return call.reply.json({"@odata.context": context(fragment), "value": items})


def create_pass(call: GraphCall, user: DemoUser) -> httpx.Response:
    require_scope(call.caller, method_scopes("TAP", write=True, on_self=False), access_denied())
    check_method_write(call.caller, user)
    policy = call.state.policy
    passes.check_may_hold_pass(user, policy)
    record = passes.build_pass(call.body(), policy, call.now)
    user.tap = record  # one pass per user: a new one replaces the old, valid or not
    # The value exists only in this response body; the tenant keeps metadata alone.
    value = passes.new_pass_value(int(policy.get("defaultLength", 8)))
    body = {
        "@odata.context": context(
            f"users('{user.id}')/authentication/temporaryAccessPassMethods/$entity"
        ),
        **_pass_item(call, user, value),
    }
    return call.reply.json(body, status=201)


def get_pass(call: GraphCall, user: DemoUser, pass_id: str) -> httpx.Response:
    _check_read(call, user, "TAP")
    _require_pass(user, pass_id)
    body = {
        "@odata.context": context(
            f"users('{user.id}')/authentication/temporaryAccessPassMethods/$entity"
        ),
        **_pass_item(call, user),
    }
    return call.reply.json(body)


def delete_pass(call: GraphCall, user: DemoUser, pass_id: str) -> httpx.Response:
    require_scope(call.caller, method_scopes("TAP", write=True, on_self=False), access_denied())
    check_method_write(call.caller, user)
    _require_pass(user, pass_id)
    user.tap = None
    return call.reply.empty(204)


def _require_pass(user: DemoUser, pass_id: str) -> None:
    if user.tap is None or user.tap.id != pass_id.lower():
        raise GraphProblem(
            404, "itemNotFound", f"The authentication method '{pass_id}' was not found."
        )


def get_policy(call: GraphCall) -> httpx.Response:
    check_policy_read(call.caller)
    # The context and the targets' own context as in the documented example (the latter
    # really is a beta URL there).
    targets = (
        "https://graph.microsoft.com/beta/$metadata#policies/authenticationMethodsPolicy/"
        "authenticationMethodConfigurations('TemporaryAccessPass')/microsoft.graph."
        "temporaryAccessPassAuthenticationMethodConfiguration/includeTargets"
    )
    policy = dict(call.state.policy)
    body = {"@odata.context": context("authenticationMethodConfigurations/$entity")}
    for key, value in policy.items():
        if key == "includeTargets":
            body["includeTargets@odata.context"] = targets
        body[key] = value
    return call.reply.json(body)
