"""Headless pass commands: issue, revoke, status, policy."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TextIO

from tapdesk.app.services import Services
from tapdesk.cli import output
from tapdesk.cli.terminal import discard, field, say_line
from tapdesk.core.lifecycle import countdown
from tapdesk.core.models import PassCode, TapPolicy, TemporaryAccessPass, User
from tapdesk.core.passrules import IssueRequest, validate_request
from tapdesk.core.readiness import Severity, assess, blocking
from tapdesk.core.redaction import SHOWN_PASSES
from tapdesk.core.roles import Roles, Technician
from tapdesk.core.upn import check_user_ref
from tapdesk.errors import ExitCode, TapdeskError
from tapdesk.workflows.issuing import Issuer
from tapdesk.workflows.reconcile import reconcile
from tapdesk.workflows.target import read_facts

log = logging.getLogger(__name__)


def _notice(err: TextIO) -> Callable[[str], None]:
    """Notes on stderr. One that cannot be written goes to the log: a note can come while a
    pass is being created (a retry's wait), and a broken stderr must not interrupt that."""

    def say(message: str) -> None:
        if not say_line(err, message):
            log.warning("not shown on stderr: %s", field(message))

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
    technician = _technician(services)
    check_readiness(services, user, policy, technician, say)
    issued = _issuer(services, technician).issue(graph, user, request, on_status=say)
    for warning in issued.warnings:
        say(warning)
    tap = issued.tap
    code = tap.code
    if code is None:  # Graph always returns it on create; a proxy that strips it would be odd
        say("Microsoft Graph did not return the pass value; revoke it and issue again.")
        return 1
    SHOWN_PASSES.remember(code)  # shown from here on: any later record quoting it loses it
    now = services.graph.server_clock.now()
    try:  # the whole output in one write, then flushed: it reaches the technician or fails here
        if args.json:
            data = {"userPrincipalName": user.user_principal_name, "userId": user.id}
            data.update(output.tap_json(tap, now))
            data["temporaryAccessPass"] = code.reveal()
            output.write_json(out, data)
        else:
            out.write(_issued_text(user, tap, code, now, qr=args.qr))
        out.flush()
    except (OSError, ValueError) as failure:  # closed, broken pipe, an encoding without "Ł"
        discard(out)
        return _not_shown(services, technician, user, tap, failure, err)
    return 0


def _issued_text(
    user: User, tap: TemporaryAccessPass, code: PassCode, now: datetime, *, qr: bool
) -> str:
    view = countdown(tap, now)
    text = (
        f"Temporary Access Pass for {field(user.display_name or user.user_principal_name)} "
        f"<{field(user.user_principal_name)}>\n\n"
        f"    {' '.join(code.grouped())}\n\n"
        f"  valid from   {output.local(tap.effective_start)}\n"
        f"  expires      {output.local(tap.expires)} ({view.text})\n"
        f"  use          {'one sign-in only' if tap.usable_once else 'reusable until it expires'}\n"
        f"  pass id      {tap.id}\n"
    )
    if qr:
        text += "\n" + output.terminal_qr(code.reveal())
    return text + "\nRead it out or show it once; it cannot be displayed again.\n"


def _not_shown(
    services: Services,
    technician: Technician,
    user: User,
    tap: TemporaryAccessPass,
    failure: Exception,
    err: TextIO,
) -> int:
    """The pass exists but its value never reached the technician: a credential nobody saw
    must not stay valid, so it is revoked through the issuer (its record follows the issue's),
    and this is said on stderr, and in the log, which is there when stderr is not."""
    upn = field(user.user_principal_name)
    why = _why_not_shown(failure)
    log.warning("pass %s for %s not shown (%s): revoking it", tap.id, upn, type(failure).__name__)
    try:
        warnings = _issuer(services, technician).revoke(
            services.graph, user, tap.id, detail=f"never shown: {why}"
        )
    except TapdeskError as refused:
        lines = [
            f"the pass for {upn} was created but not shown ({why}), and revoking it failed: "
            f"{refused.one_line()}",
            f"Revoke it now: tapdesk revoke {upn}",
        ]
    else:
        lines = [
            f"the pass for {upn} was created but not shown ({why}), so it was revoked "
            f"(id {tap.id}); nobody can sign in with it.",
            *warnings,
            "Fix the output (a file, a pipe, a console that reads UTF-8), then issue again.",
        ]
    for line in lines:
        log.warning("%s", field(line))  # a refusal quotes Graph's words
    if not all(say_line(err, line) for line in lines):  # all(): stops at the first refusal
        log.warning("stderr could not be written either; the log holds what happened")
    return int(ExitCode.ERROR)


def _why_not_shown(failure: Exception) -> str:
    if isinstance(failure, BrokenPipeError):
        return "the program reading the output closed it"
    if isinstance(failure, UnicodeEncodeError):
        return f"the output's encoding, {failure.encoding}, cannot hold every character"
    if isinstance(failure, ValueError):
        return "the output is closed"
    return f"writing the output failed: {type(failure).__name__}"


def _issuer(services: Services, technician: Technician) -> Issuer:
    required = not services.settings.allow_issue_without_trail
    return Issuer(technician.username, technician.roles, services.store, services.clock, required)


def reconcile_first(services: Services, err: TextIO) -> None:
    """What an interrupted run left open, settled against Graph and said before the command's
    own work; a pass that exists but was never shown is named with how to revoke it."""
    for settled in reconcile(services.graph, services.store, services.clock):
        err.write(f"tapdesk: {field(settled.sentence())}\n")
        if settled.pass_left:
            err.write(f"tapdesk: to revoke it: tapdesk revoke {field(settled.intent.target_upn)}\n")


def _technician(services: Services) -> Technician:
    """Who is acting: from the sign-in's ID token, or from Graph for a token handed in (an
    access token is Graph's to read, not ours); roles from Graph when the ID token has none."""
    if services.auth is None:
        me = services.graph.me()
        found = Technician(me.user_principal_name, me.display_name, object_id=me.id)
    else:
        account = services.auth.account or services.auth.sign_in_silent()
        if account is None:
            return Technician("", roles=Roles.unknown())
        found = Technician(account.username, account.name, account.roles, account.object_id)
    if not found.roles.known:
        found = replace(found, roles=services.graph.my_roles())
    return found


def check_readiness(
    services: Services,
    user: User,
    policy: TapPolicy,
    technician: Technician,
    say: Callable[[str], None],
) -> None:
    """The same verdict as the card and the roster: warnings and notes are said, and what
    blocks is refused with the rule's exit code before anything is sent to Graph."""
    facts = read_facts(services.graph, user, policy)
    found = assess(facts, technician, services.graph.server_clock.now())
    for finding in found:
        if not finding.blocks:
            label = "warning" if finding.severity is Severity.WARNING else "note"
            say(f"{label}: {finding.text} {finding.hint}".rstrip())
    refused = blocking(found)
    if refused is not None:
        for warning in _issuer(services, technician).record_refusal(
            user, refused.code, refused.text
        ):
            say(warning)
        raise refused.refusal(user.user_principal_name)


def cmd_revoke(services: Services, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    graph = services.graph
    user = graph.get_user(check_user_ref(args.user), on_status=_notice(err))
    revoked, issuer = [], _issuer(services, _technician(services))
    for tap in graph.list_taps(user.id):
        for warning in issuer.revoke(graph, user, tap.id):
            _notice(err)(warning)
        revoked.append(tap.id)
    if args.json:
        output.write_json(out, {"userPrincipalName": user.user_principal_name, "revoked": revoked})
    elif revoked:
        out.write(
            f"Revoked the pass of {field(user.user_principal_name)} (id {', '.join(revoked)}).\n"
        )
    else:
        out.write(f"{field(user.user_principal_name)} has no pass; nothing to revoke.\n")
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
