"""Technician account commands: login, logout, whoami."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, TextIO

from tapdesk.app.services import Services
from tapdesk.cli import output, signin
from tapdesk.cli.terminal import field
from tapdesk.core.readiness import technician_findings
from tapdesk.errors import UsageError

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


def cmd_login(services: Services, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    auth = _auth(services)
    account = None
    if not args.device_code and not args.account:
        account = auth.sign_in_silent()
    if account is None and args.device_code:
        account = signin.device_code(services, auth, err)
    elif account is None:
        account = auth.sign_in_interactive(
            login_hint=args.account, select_account=bool(args.account)
        )
    if args.account and account.username.lower() != args.account.lower():
        err.write(f"tapdesk: signed in as {field(account.username)}, not {field(args.account)}.\n")
    out.write(f"Signed in as {signin.describe(account)}.\n")
    signin.tell_kept(auth, err)
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
        raise signin.nobody_signed_in(auth, here=False)
    return 0
