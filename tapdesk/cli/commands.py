"""Headless pass commands: issue, revoke, status, policy."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TextIO

from tapdesk.auth.claims import jwt_payload, roles_from_access_token
from tapdesk.cli import output
from tapdesk.core.lifecycle import countdown
from tapdesk.core.models import TapPolicy, User
from tapdesk.core.passrules import IssueRequest, validate_request
from tapdesk.core.roles import Roles, preflight, target_is_admin
from tapdesk.core.upn import check_user_ref
from tapdesk.errors import NotPermitted
from tapdesk.issuing import Issuer
from tapdesk.services import Services


def _notice(err: TextIO) -> Callable[[str], None]:
    def say(message: str) -> None:
        err.write(f"tapdesk: {message}\n")
        err.flush()

    return say


def cmd_issue(services: Services, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    graph, settings, say = services.graph, services.settings, _notice(err)
    user = graph.get_user(check_user_ref(args.user), on_status=say)
    policy = graph.get_tap_policy()
    if not policy.known:
        say(
            "the tenant's pass policy could not be read; checking against Microsoft's documented defaults."
        )
    request = validate_request(
        IssueRequest(
            lifetime_minutes=args.lifetime or settings.default_lifetime_minutes,
            usable_once=args.usable_once
            if args.usable_once is not None
            else settings.default_one_time,
            start=args.start,
        ),
        policy,
        services.graph.server_clock.now(),
    )
    for warning in preflight_warnings(services, user, policy):
        say(warning)
    issued = _issuer(services).issue(graph, user, request, on_status=say)
    for warning in issued.warnings:
        say(warning)
    tap = issued.tap
    code = tap.code
    if code is None:  # Graph always returns it on create; a proxy that strips it would be odd
        say("Microsoft Graph did not return the pass value; revoke it and issue again.")
        return 1
    if args.json:
        data = {"userPrincipalName": user.user_principal_name, "userId": user.id}
        data.update(output.tap_json(tap, services.graph.server_clock.now()))
        data["temporaryAccessPass"] = code.reveal()
        output.write_json(out, data)
        return 0
    view = countdown(tap, services.graph.server_clock.now())
    out.write(
        f"Temporary Access Pass for {user.display_name or user.user_principal_name} "
        f"<{user.user_principal_name}>\n\n"
        f"    {' '.join(code.grouped())}\n\n"
        f"  valid from   {output.local(tap.effective_start)}\n"
        f"  expires      {output.local(tap.expires)} ({view.text})\n"
        f"  use          {'one sign-in only' if tap.usable_once else 'reusable until it expires'}\n"
        f"  pass id      {tap.id}\n"
    )
    if args.qr:
        out.write("\n" + output.terminal_qr(code.reveal()))
    out.write("\nRead it out or show it once; it cannot be displayed again.\n")
    return 0


def _issuer(services: Services) -> Issuer:
    roles, _, username = _technician(services)
    return Issuer(username, roles, services.store, services.clock)


def _technician_roles(services: Services) -> tuple[Roles, str | None]:
    roles, oid, _ = _technician(services)
    return roles, oid


def _technician(services: Services) -> tuple[Roles, str | None, str]:
    """Roles, object id and name of whoever the token belongs to (claims are a hint)."""
    if services.auth is None:
        token = services.settings.access_token or ""
        claims = jwt_payload(token) or {}
        oid, name = claims.get("oid"), claims.get("upn") or claims.get("preferred_username")
        return roles_from_access_token(token), str(oid) if oid else None, str(name or "token")
    account = services.auth.account or services.auth.sign_in_silent()
    if account is None:
        return Roles.unknown(), None, ""
    return account.roles, account.object_id, account.username


def preflight_warnings(services: Services, user: User, policy: TapPolicy) -> list[str]:
    """Things the technician should know before the tenant answers.

    Only what Entra always refuses (a pass for oneself) stops here; the rest are warnings,
    since tokens do not show every role (administrative units, PIM) and the tenant decides.
    """
    roles, my_id = _technician_roles(services)
    role_warnings = preflight(
        roles,
        target_is_admin=target_is_admin(services.graph.directory_roles(user.id)),
        target_is_self=my_id == user.id,
    )
    for refused in (w for w in role_warnings if w.blocking):
        raise NotPermitted(refused.message, hint=refused.hint)
    warnings: list[str] = [str(w) for w in role_warnings]
    if user.account_enabled is False:
        warnings.append(
            f"{user.user_principal_name} is disabled: the pass will not sign in until the account is enabled."
        )
    if user.is_guest:
        warnings.append(
            f"{user.user_principal_name} is a guest: external guests cannot get a pass."
        )
    in_scope = services.graph.user_in_policy_scope(user.id, policy)
    if in_scope is False:
        warnings.append(
            f"{user.user_principal_name} is outside the pass policy's groups; the tenant will likely refuse."
        )
    existing = services.graph.list_taps(user.id)
    if existing:
        state = countdown(existing[0], services.graph.server_clock.now()).state.value
        warnings.append(
            f"{user.user_principal_name} already has a pass ({state}); the new pass replaces it."
        )
    return warnings


def cmd_revoke(services: Services, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    graph = services.graph
    user = graph.get_user(check_user_ref(args.user), on_status=_notice(err))
    revoked, issuer = [], _issuer(services)
    for tap in graph.list_taps(user.id):
        for warning in issuer.revoke(graph, user, tap.id):
            _notice(err)(warning)
        revoked.append(tap.id)
    if args.json:
        output.write_json(out, {"userPrincipalName": user.user_principal_name, "revoked": revoked})
    elif revoked:
        out.write(f"Revoked the pass of {user.user_principal_name} (id {', '.join(revoked)}).\n")
    else:
        out.write(f"{user.user_principal_name} has no pass; nothing to revoke.\n")
    return 0


def cmd_status(services: Services, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    status = services.graph.user_status(check_user_ref(args.user), on_status=_notice(err))
    now = services.graph.server_clock.now()
    if args.json:
        output.write_json(out, output.status_json(status, now))
    else:
        out.write(output.status_text(status, now))
    return 0


def cmd_policy(services: Services, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    policy = services.graph.get_tap_policy()
    if args.json:
        output.write_json(out, output.policy_json(policy))
    else:
        out.write(output.policy_text(policy))
    return 0
