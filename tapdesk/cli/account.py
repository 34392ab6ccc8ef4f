"""Technician account commands: login, logout, whoami."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, TextIO

from tapdesk.app.services import Services
from tapdesk.cli import output
from tapdesk.cli.terminal import field
from tapdesk.core.readiness import technician_findings
from tapdesk.errors import SignInRequired, UsageError

if TYPE_CHECKING:
    from tapdesk.auth import Account, Authenticator


def _auth(services: Services) -> Authenticator:
    if services.auth is None:
        raise UsageError(
            "TAPDESK_ACCESS_TOKEN is set, so tapdesk uses that token and does not sign in.",
            hint="Unset TAPDESK_ACCESS_TOKEN to sign in interactively.",
        )
    return services.auth


def _notices(auth: Authenticator, err: TextIO) -> None:
    for notice in auth.notices:
        err.write(f"tapdesk: {notice}\n")


def _describe(account: Account) -> str:
    roles = account.roles.describe()
    return f"{field(account.username)} ({roles})"


def cmd_login(services: Services, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    auth = _auth(services)
    account = None
    if not args.device_code and not args.account:
        account = auth.sign_in_silent()
    if account is None and args.device_code:
        flow = auth.start_device_flow()
        err.write(
            f"To sign in, open {flow.verification_uri} on any device and enter the code\n\n"
            f"    {flow.user_code}\n\n"
        )
        if services.demo is not None:
            err.write(
                "(Demo tenant: the code approves itself for the training technician in a few seconds.)\n"
            )
        err.flush()
        account = auth.finish_device_flow(flow)
    elif account is None:
        account = auth.sign_in_interactive(
            login_hint=args.account, select_account=bool(args.account)
        )
    if args.account and account.username.lower() != args.account.lower():
        err.write(f"tapdesk: signed in as {field(account.username)}, not {field(args.account)}.\n")
    _notices(auth, err)
    out.write(f"Signed in as {_describe(account)}.\n")
    for finding in technician_findings(account.roles):
        err.write(f"tapdesk: {finding.text} {finding.hint}".rstrip() + "\n")
    return 0


def cmd_logout(services: Services, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    auth = _auth(services)
    auth.sign_out()
    out.write(f"Signed out; the token cache was wiped ({auth.cache_path}).\n")
    return 0


def whoami_json(auth: Authenticator, account: Account | None) -> dict[str, Any]:
    return {
        "signedIn": account is not None,
        "account": account.username if account else None,
        "name": account.name if account else None,
        "tenantId": account.tenant_id if account else None,
        "objectId": account.object_id if account else None,
        "roles": account.roles.names() if account else [],
        "tokenCache": {
            "path": str(auth.cache_path),
            "protection": auth.cache_protection.value,
            "keyring": auth.keyring_name,
        },
    }


def cmd_whoami(services: Services, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    auth = _auth(services)
    account = auth.sign_in_silent()
    _notices(auth, err)
    if args.json:
        output.write_json(out, whoami_json(auth, account))
    elif account:
        out.write(
            f"{field(account.name or account.username)} <{field(account.username)}>\n"
            f"  tenant       {account.tenant_id}\n"
            f"  roles        {account.roles.describe()}\n"
            f"  token cache  {auth.cache_protection.value} ({auth.cache_path})\n"
            f"  keyring      {auth.keyring_name}\n"
        )
    if account is None:
        raise SignInRequired(
            "Nobody is signed in.", hint="Run 'tapdesk login' (add --demo for the demo tenant)."
        )
    return 0
