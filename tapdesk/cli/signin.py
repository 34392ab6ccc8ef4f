"""Signing in from the command line, and what a sign-in leaves for the next command.

The one owner of both for every command. ``login`` signs in on purpose; ``issue``, ``revoke``,
``status`` and ``policy`` need a token and sign in by themselves when nobody is (:func:`ensure`).
Without a usable keyring the token cache lives in memory, so a sign-in ends with the process
that made it: on such a machine ``login`` cannot carry over, and each command must be able to
sign in on its own, or say plainly how to make that possible.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from tapdesk.app.services import Services
from tapdesk.auth.cache import (
    KEYRING_FIX,
    LOCKED_NOTICE,
    NO_KEYRING_NOTICE,
    PLAINTEXT_NOTICE,
    CacheProtection,
)
from tapdesk.cli.terminal import field, say_line
from tapdesk.core.bench import last_to_sign_in
from tapdesk.errors import SignInRequired

if TYPE_CHECKING:
    from tapdesk.auth import Account, Authenticator, SavedSignIn

NEEDS_SIGN_IN = "issue, revoke, status, policy"


def on_terminal(stdin: TextIO | None, err: TextIO) -> bool:
    """Someone is at a terminal to read a device code and approve it: stdin and stderr are
    one. A script's pipes are not, and a sign-in there would wait up to 15 minutes unasked."""
    try:
        return stdin is not None and stdin.isatty() and err.isatty()
    except (OSError, ValueError):  # closed streams
        return False


def describe(account: Account) -> str:
    return f"{field(account.username)} ({account.roles.describe()})"


def device_code(services: Services, auth: Authenticator, err: TextIO) -> Account:
    """Show where to go and the code on ``err``, then wait until it is used."""
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
    return auth.finish_device_flow(flow)


def ensure(
    services: Services,
    args: argparse.Namespace,
    err: TextIO,
    *,
    terminal: bool,
    answer: Callable[[], str] = lambda: "",
) -> None:
    """Before a command that needs a token: nobody signed in is settled here, by a device code
    with ``--device-code`` or on a terminal, else by a refusal that names the fix. Without
    this the command's first Graph call would say "sign in", which ``login`` cannot do for a
    process of its own when the token cache lives in memory.

    On a shared bench a saved sign-in is used only once the person at the terminal says it is
    theirs (``answer`` reads their reply), as the window asks "Continue as …?".
    """
    auth = services.auth
    if auth is None or auth.sign_in_silent() is not None:  # a token from the environment
        return
    saved = auth.saved_sign_in() if auth.shared_bench and not args.device_code else None
    if saved is not None:
        if not terminal:
            raise _bench_refusal(saved)
        err.write(f"tapdesk: {last_to_sign_in(saved.account.name, saved.account.username)} ")
        err.write("Continue as them? [y/N] ")
        err.flush()
        if answer().strip().lower() in ("y", "yes"):
            account = auth.continue_as(saved.account.username)
            say_line(err, f"signed in as {describe(account)}.")
            return
        auth.sign_out()  # not theirs: the last technician's sign-in goes before anyone signs in
    if not (args.device_code or terminal):
        raise nobody_signed_in(auth, here=True)
    account = device_code(services, auth, err)
    say_line(err, f"signed in as {describe(account)}.")
    tell_kept(auth, err)


def _bench_refusal(saved: SavedSignIn) -> SignInRequired:
    account = saved.account
    return SignInRequired(
        f"{last_to_sign_in(account.name, account.username)} On a shared bench tapdesk uses a "
        "saved sign-in only when the person at the keyboard confirms it is theirs.",
        hint="Run the command in a terminal to answer, or add --device-code to sign in as it runs.",
    )


def tell_kept(auth: Authenticator, err: TextIO) -> None:
    """Right after a sign-in: the sign-in's notices, then whether the next command will find it
    (the CLI's words replace the window's "next time tapdesk starts")."""
    said = {NO_KEYRING_NOTICE, LOCKED_NOTICE, PLAINTEXT_NOTICE.format(path=auth.cache_path)}
    for notice in auth.notices:
        if notice not in said:
            say_line(err, notice)
    say_line(err, kept(auth))


def kept(auth: Authenticator) -> str:
    """What this sign-in leaves for the next tapdesk command, in one sentence or two."""
    protection = auth.cache_protection
    if protection is CacheProtection.KEYRING:
        return (
            "This sign-in is saved for the next tapdesk commands, encrypted, with its key in the "
            "system keyring."
        )
    if protection is CacheProtection.PLAINTEXT_BY_POLICY:
        return (
            f"This sign-in is saved for the next tapdesk commands without encryption, in "
            f"{auth.cache_path}, as your administrator's site file allows when no keyring is "
            "available."
        )
    notices = auth.notices
    if LOCKED_NOTICE in notices:
        why, fix = "The system keyring is locked or refused access", True
    elif NO_KEYRING_NOTICE in notices:
        why, fix = "No system keyring is available", True
    else:  # it could not be written: the notice before this one says why
        why, fix = "The sign-in could not be saved", False
    return (
        f"{why}, so this sign-in is kept only for this command: every other tapdesk command "
        "will sign you in again (on a terminal it shows a code by itself; in a script add "
        "--device-code to it)." + (f" To stay signed in, {KEYRING_FIX}." if fix else "")
    )


def nobody_signed_in(auth: Authenticator, *, here: bool) -> SignInRequired:
    """The refusal when nobody is signed in and no sign-in may start. ``here``: the command
    could have signed in itself with --device-code (whoami cannot)."""
    if auth.cache_protection is CacheProtection.MEMORY:
        where = "this command" if here else f"the command that needs it ({NEEDS_SIGN_IN})"
        return SignInRequired(
            "Nobody is signed in, and without a usable keyring a sign-in lasts only for the "
            "command that made it.",
            hint=f"Add --device-code to {where} to sign in as it runs, or {KEYRING_FIX} so "
            "that 'tapdesk login' is kept.",
        )
    login = "Run 'tapdesk login' (add --demo for the demo tenant)"
    if not here:
        return SignInRequired("Nobody is signed in.", hint=f"{login}.")
    return SignInRequired(
        "Nobody is signed in.",
        hint=f"{login}, or add --device-code to sign in as this command runs.",
    )
