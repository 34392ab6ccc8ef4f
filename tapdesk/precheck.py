"""Pre-checking a new-hire-day roster against Microsoft Graph, one person at a time.

Before the first new hire walks in, every row of the roster is checked: does the account exist,
is it enabled, is it inside the pass policy's groups, is it a guest or an administrator, which
methods does it already have, does it already hold a pass. The answer is a :class:`Precheck`
per row with its :class:`Finding` s; a ``problem`` finding means Entra will refuse the pass or
the pass could never be used, so the queue shows the person as "problem".

Nothing here raises for one person: an error from Graph (throttled, offline, not permitted)
becomes a finding on that row with the error's own message, so one bad row never stops the
batch. The window runs :func:`check_person` on workers, a few at a time (see
``tapdesk.ui.roster.prechecker``); the CLI or a script may call it in a loop.

No Qt here (layering): this is a service over a :class:`~tapdesk.graph.client.GraphClient`.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from tapdesk.core import roles as core_roles
from tapdesk.core.clock import SYSTEM_CLOCK, Clock
from tapdesk.core.lifecycle import pass_state
from tapdesk.core.models import AuthMethod, MethodKind, TapPolicy, TemporaryAccessPass, User
from tapdesk.core.roster import MAX_BYTES, Roster, RosterError, parse_roster
from tapdesk.errors import AuthError, NotFound, SignInRequired, TapdeskError

if TYPE_CHECKING:  # the window imports this module before httpx is loaded
    from tapdesk.graph.client import GraphClient

log = logging.getLogger(__name__)
T = TypeVar("T")

# Methods that mean "this person can already sign in without a password".
_STRONG = (MethodKind.AUTHENTICATOR, MethodKind.FIDO2, MethodKind.WINDOWS_HELLO)
_NOT_A_METHOD = (MethodKind.PASSWORD, MethodKind.TAP)
# Graph calls one :func:`check_person` makes for a user that exists (the benchmark's budget):
# the user, policy-group membership, directory roles, methods, passes.
REQUESTS_PER_PERSON = 5


class Severity(str, Enum):
    PROBLEM = "problem"  # Entra will refuse the pass, or it could never be used
    WARNING = "warning"  # worth a look before the person arrives
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    text: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class Precheck:
    """What Graph showed about one roster row. ``None`` fields could not be read."""

    upn: str
    user: User | None = None
    in_scope: bool | None = None
    target_is_admin: bool | None = None
    methods: tuple[AuthMethod, ...] | None = None
    existing_pass: TemporaryAccessPass | None = None
    findings: tuple[Finding, ...] = field(default=())
    needs_sign_in: bool = False  # the technician's sign-in ran out: later rows will fail too

    @property
    def problem(self) -> bool:
        return any(f.severity is Severity.PROBLEM for f in self.findings)

    @property
    def worst(self) -> Severity | None:
        return worst(self.findings)

    @property
    def summary(self) -> str:
        """One line for the queue: the findings, most serious first, or "Ready"."""
        return summary(self.findings)

    def about_own_pass(self, pass_id: str) -> tuple[Finding, ...]:
        """The findings without "already holds a pass" when that pass is ``pass_id`` (the
        session's own, issued after the pre-check ran)."""
        if self.existing_pass is None or self.existing_pass.id != pass_id:
            return self.findings
        return tuple(f for f in self.findings if f.code != "existing-pass")


def worst(findings: tuple[Finding, ...]) -> Severity | None:
    for severity in Severity:
        if any(f.severity is severity for f in findings):
            return severity
    return None


def summary(findings: tuple[Finding, ...]) -> str:
    if not findings:
        return "Ready"
    ordered = sorted(findings, key=lambda f: list(Severity).index(f.severity))
    return "; ".join(f.text for f in ordered)


def read_roster(path: Path) -> Roster:
    """Read and parse a roster file (on a worker: a file may sit on a slow share)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise RosterError(
                f"{path.name} is larger than {MAX_BYTES // 1_000_000} MB.",
                hint="Is it the right file?",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise RosterError(
            f"Cannot read {path.name}: {exc.strerror or type(exc).__name__}.",
            hint="Check that the file exists and is not open in another program.",
        ) from None
    return parse_roster(data)


class _Checker:
    """One row's checks; each Graph call's failure becomes a finding and the rest go on."""

    def __init__(self, upn: str) -> None:
        self.upn = upn
        self.findings: list[Finding] = []
        self.needs_sign_in = False

    def add(self, code: str, severity: Severity, text: str, hint: str = "") -> None:
        self.findings.append(Finding(code, severity, text, hint))

    def attempt(self, what: str, call: Callable[[], T]) -> tuple[bool, T | None]:
        """(True, result), or (False, None) with a problem finding that says what failed."""
        if self.needs_sign_in:  # every further call would fail the same way
            return False, None
        try:
            return True, call()
        except Exception as exc:  # a failure is this row's finding, never the batch's
            self.failed(what, exc)
        return False, None

    def failed(self, what: str, exc: Exception) -> None:
        if isinstance(exc, TapdeskError):
            self.needs_sign_in = self.needs_sign_in or isinstance(exc, SignInRequired | AuthError)
            text = f"Could not check {what}: {exc.title}. {exc.message}"
            if exc.request_id:
                text += f" (request-id {exc.request_id})"
            self.add("error", Severity.PROBLEM, text, exc.hint)
            return
        # A bug must not stop the other rows. Type and frames only: a foreign exception's text
        # may quote a response body.
        frames = "".join(traceback.format_tb(exc.__traceback__)) if exc.__traceback__ else ""
        log.error("unexpected %s while pre-checking\n%s", type(exc).__name__, frames)
        self.add(
            "error",
            Severity.PROBLEM,
            f"Could not check {what}: an unexpected problem ({type(exc).__name__}).",
            "Check again. If it keeps happening, send the log file to your IT team.",
        )


def check_person(
    graph: GraphClient,
    upn: str,
    policy: TapPolicy | None,
    *,
    clock: Clock = SYSTEM_CLOCK,
    roles: core_roles.Roles | None = None,
) -> Precheck:
    """Every check for one roster row. Never raises: failures are the row's findings.

    ``policy`` is the tenant's TAP policy read once for the batch (None: it could not be read,
    so policy scope is not checked); ``roles`` are the technician's (an administrator target is
    only a warning when they cannot be read or do not cover it). A missing account is not waited for: the roster is
    checked ahead of time, and "check again" later is cheaper than holding a worker.
    """
    run = _Checker(upn)
    try:
        user = graph.get_user(upn, replication_wait=0)
    except NotFound:
        run.add(
            "not-found",
            Severity.PROBLEM,
            "No such account in the directory.",
            "Check the spelling with HR. A brand-new account can take a few minutes to "
            "appear: check again later.",
        )
        return Precheck(upn, findings=tuple(run.findings))
    except Exception as exc:  # the row's finding, never the batch's
        run.failed("the account", exc)
        return Precheck(upn, findings=tuple(run.findings), needs_sign_in=run.needs_sign_in)
    _account(run, user)
    in_scope = _scope(run, graph, user, policy)
    ok, role_ids = run.attempt("directory roles", lambda: graph.directory_roles(user.id))
    is_admin = core_roles.target_is_admin(role_ids) if ok else None
    if is_admin and roles is not None and roles.can_issue_to_admins:
        run.add("admin-target-ok", Severity.INFO, "Holds an administrator role; yours covers it.")
    elif is_admin:
        run.add(
            "admin-target",
            Severity.WARNING,
            "Holds an administrator role: only a Privileged Authentication Administrator "
            "can issue the pass.",
        )
    ok, methods = run.attempt("sign-in methods", lambda: graph.list_methods(user.id))
    if ok and methods is not None:
        _methods(run, methods)
    ok, taps = run.attempt("existing passes", lambda: graph.list_taps(user.id))
    tap = taps[0] if ok and taps else None
    if tap is not None:
        _existing_pass(run, tap, clock)
    return Precheck(
        upn,
        user=user,
        in_scope=in_scope,
        target_is_admin=is_admin,
        methods=tuple(methods) if methods is not None else None,
        existing_pass=tap.without_code() if tap else None,
        findings=tuple(run.findings),
        needs_sign_in=run.needs_sign_in,
    )


def _account(run: _Checker, user: User) -> None:
    if user.account_enabled is False:
        run.add(
            "disabled",
            Severity.PROBLEM,
            "The account is disabled.",
            "Ask HR or a User Administrator to enable it before the person arrives.",
        )
    if user.is_guest:
        if "#ext#" in user.user_principal_name.lower():
            run.add(
                "external-guest",
                Severity.PROBLEM,
                "External guest: Entra does not give passes to external guests.",
                "They sign in with their own organisation's account.",
            )
        else:
            run.add("guest", Severity.WARNING, "Guest account: check it is an internal guest.")


def _scope(run: _Checker, graph: GraphClient, user: User, policy: TapPolicy | None) -> bool | None:
    if policy is None:
        return None
    if policy.known and not policy.enabled:
        run.add(
            "policy-disabled",
            Severity.PROBLEM,
            "The tenant's Temporary Access Pass method is switched off.",
            "Ask an Authentication Policy Administrator to enable it.",
        )
        return None
    ok, in_scope = run.attempt(
        "the pass policy's groups", lambda: graph.user_in_policy_scope(user.id, policy)
    )
    if ok and in_scope is False:
        run.add(
            "out-of-scope",
            Severity.PROBLEM,
            "Outside the groups the pass policy targets: Entra will refuse the pass.",
            "Ask an Authentication Policy Administrator to add the person to a targeted group.",
        )
    elif ok and in_scope is None and policy.known and not policy.all_users_in_scope:
        run.add(
            "scope-unknown", Severity.INFO, "Could not tell whether the pass policy covers them."
        )
    return in_scope if ok else None


def _methods(run: _Checker, methods: list[AuthMethod]) -> None:
    strong = sorted({m.kind.label for m in methods if m.kind in _STRONG})
    other = sorted({m.kind.label for m in methods if m.kind not in (*_STRONG, *_NOT_A_METHOD)})
    if strong:
        run.add(
            "has-methods",
            Severity.INFO,
            f"Already has {', '.join(strong)}.",
            "Maybe a recovery rather than a first sign-in.",
        )
    elif other:
        run.add("other-methods", Severity.INFO, f"Has {', '.join(other)}.")


def _existing_pass(run: _Checker, tap: TemporaryAccessPass, clock: Clock) -> None:
    state = pass_state(tap, clock.now())
    if state.final:
        run.add("old-pass", Severity.INFO, f"An old pass ({state.value}) is still listed.")
        return
    run.add(
        "existing-pass",
        Severity.WARNING,
        "Already holds a pass that still works; a new one replaces it.",
        "Was it issued by a colleague? Ask before replacing it.",
    )
