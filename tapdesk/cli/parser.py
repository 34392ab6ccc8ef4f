"""Command-line grammar. ``tapdesk`` alone opens the window; sub-commands run headless."""

from __future__ import annotations

import argparse
import re
from datetime import date, datetime

from tapdesk._version import __version__
from tapdesk.config import Cloud
from tapdesk.errors import UsageError

EPILOG = """exit codes:
  0 done  1 unexpected error  2 usage error  3 configuration error  4 sign-in needed
  5 not permitted  6 not found  7 outside the pass policy  8 throttled or offline (try again)"""


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors become UsageError (exit 2, one clear line on stderr)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message[:1].upper() + message[1:] + ".", hint=f"See '{self.prog} --help'.")


def _iso_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)  # Python 3.11 reads a trailing Z as UTC
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not an ISO 8601 time such as 2030-01-06T08:00:00+01:00"
        ) from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"'{text}' needs a time zone, for example ...Z or ...+01:00"
        )
    return value


def _day(text: str) -> date:
    """A calendar day as YYYY-MM-DD only (``fromisoformat`` would also take 20300106 or a week)."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"'{text}' is not a date such as 2030-01-06 (YYYY-MM-DD)")


def _minutes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of minutes") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("the lifetime must be a positive number of minutes")
    return value


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """What ``argv`` asks for. Options alone (the window) are read without building the nine
    commands' parsers, some milliseconds of the window's start; a command, ``--help`` or a
    mistake gets the whole grammar, its help and its messages."""
    if not {"-h", "--help"} & set(argv):
        args, rest = build_parser(commands=False).parse_known_args(argv)
        if not rest:
            return args
    return build_parser().parse_args(argv)


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The grammar; ``commands`` False: the top level only (no command given)."""
    parser = _Parser(
        prog="tapdesk",
        description="Issue Microsoft Entra Temporary Access Passes and walk new hires to a passkey.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tapdesk {__version__}")
    parser.add_argument("--demo", action="store_true", help="use the built-in demo tenant")
    parser.add_argument("--tenant", metavar="ID", help="tenant id or domain (overrides config)")
    parser.add_argument("--client-id", metavar="GUID", help="app registration's client id")
    parser.add_argument("--cloud", choices=[c.value for c in Cloud], help="national cloud")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    parser.add_argument(
        "--screenshots", metavar="DIR", help="write PNGs of the main window states and exit"
    )
    parser.add_argument(
        "--demo-process",
        action="store_true",
        help="run the demo tenant in a separate process (benchmarks)",
    )
    parser.add_argument("--self-test", action="store_true", help=argparse.SUPPRESS)
    if not commands:
        parser.set_defaults(command=None)
        return parser
    # "tapdesk doctor --demo" reads as naturally as "tapdesk --demo doctor": accept both.
    # SUPPRESS keeps a sub-command's default from overwriting the global flag.
    common = _Parser(add_help=False)
    common.add_argument(
        "--demo", action="store_true", default=argparse.SUPPRESS, help="use the demo tenant"
    )
    common.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="debug log on stderr",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help)

    def signs_in(parser: argparse.ArgumentParser) -> None:
        # Without a keyring, login's sign-in ends with its process: a script signs in here.
        parser.add_argument(
            "--device-code",
            action="store_true",
            help="if nobody is signed in, first sign in with a code on another device "
            "(automatic on a terminal)",
        )

    issue = command("issue", help="issue a pass and print it once")
    issue.add_argument("user", help="UPN or object id")
    issue.add_argument(
        "--lifetime", type=_minutes, metavar="MIN", help="minutes (policy default if omitted)"
    )
    once = issue.add_mutually_exclusive_group()
    once.add_argument(
        "--once", dest="usable_once", action="store_true", default=None, help="one sign-in only"
    )
    once.add_argument(
        "--reusable", dest="usable_once", action="store_false", help="reusable within its lifetime"
    )
    issue.add_argument(
        "--start", type=_iso_time, metavar="ISO8601", help="when the pass becomes valid"
    )
    issue.add_argument("--qr", action="store_true", help="also print a QR code of the pass")
    issue.add_argument("--json", action="store_true", help="machine-readable output")
    signs_in(issue)

    revoke = command("revoke", help="delete the user's pass")
    revoke.add_argument("user", help="UPN or object id")
    revoke.add_argument("--json", action="store_true")
    signs_in(revoke)

    status = command("status", help="the user, their pass (never its value) and methods")
    status.add_argument("user", help="UPN or object id")
    status.add_argument("--json", action="store_true")
    signs_in(status)

    policy = command("policy", help="the tenant's pass policy")
    policy.add_argument("--json", action="store_true")
    signs_in(policy)

    doctor = command("doctor", help="check configuration, keyring, endpoints, clock and proxy")
    doctor.add_argument("--json", action="store_true")

    login = command("login", help="sign in the technician")
    login.add_argument("--device-code", action="store_true", help="sign in on another device")
    login.add_argument("--account", metavar="UPN", help="sign in as this account")

    command("logout", help="sign out and wipe the token cache")

    whoami = command("whoami", help="the signed-in technician, roles and token cache")
    whoami.add_argument("--json", action="store_true")
    _audit(command("audit", help="the audit trail from this computer's database (no sign-in)"))
    return parser


def _audit(audit: argparse.ArgumentParser) -> None:
    audit.add_argument(
        "--from", dest="first", type=_day, metavar="DATE", help="first local day (YYYY-MM-DD)"
    )
    audit.add_argument(
        "--to", dest="last", type=_day, metavar="DATE", help="last local day (default: today)"
    )
    # Its own dest: the global --tenant (which tenant to sign in to) must not be overwritten.
    audit.add_argument(
        "--tenant",
        dest="audit_tenant",
        metavar="ID",
        help="this tenant's records, or 'all' (default: the configured tenant's)",
    )
    form = audit.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="the CSV's columns as JSON objects")
    form.add_argument("--csv", action="store_true", help="CSV, as the window exports it")
    audit.epilog = "Without --from: the 7 days that end on --to (today and the 6 before it)."
