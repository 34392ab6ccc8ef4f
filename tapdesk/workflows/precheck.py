"""Pre-checking a new-hire-day roster against Microsoft Graph, one person at a time.

Before the first new hire walks in, every row of the roster is read the way the user card reads
a person (:mod:`tapdesk.workflows.target`) and judged by the same rules
(:func:`tapdesk.core.readiness.assess`): the answer is a :class:`Precheck` per row with its
findings, and a finding that blocks makes the queue show the person as "problem".

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
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from tapdesk.core.bounded import NotRegularFile, TooLarge, read_bounded
from tapdesk.core.clock import SYSTEM_CLOCK, Clock
from tapdesk.core.models import TapPolicy, User
from tapdesk.core.readiness import Finding, Severity, TargetFacts, assess, summary, worst
from tapdesk.core.roles import Technician
from tapdesk.core.roster import MAX_BYTES, Roster, RosterError, parse_roster
from tapdesk.errors import AuthError, NotFound, SignInRequired, TapdeskError
from tapdesk.workflows.target import read_facts

if TYPE_CHECKING:  # the window imports this module before httpx is loaded
    from tapdesk.graph.client import GraphClient

log = logging.getLogger(__name__)
T = TypeVar("T")

# Graph calls one :func:`check_person` makes for a user that exists (the benchmark's budget):
# the user, policy targets, groups and roles, owned groups, methods, passes.
REQUESTS_PER_PERSON = 6


@dataclass(frozen=True, slots=True)
class Precheck:
    """What Graph showed about one roster row. ``facts`` is None when the account was not read."""

    upn: str
    facts: TargetFacts | None = None
    findings: tuple[Finding, ...] = field(default=())
    needs_sign_in: bool = False  # the technician's sign-in ran out: later rows will fail too

    @property
    def user(self) -> User | None:
        return self.facts.user if self.facts is not None else None

    @property
    def problem(self) -> bool:
        return any(f.blocks for f in self.findings)

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
        tap = self.facts.tap if self.facts is not None else None
        if tap is None or tap.id != pass_id:
            return self.findings
        return tuple(f for f in self.findings if f.code != "existing-pass")


def read_roster(path: Path) -> Roster:
    """Read and parse a roster file (on a worker: a file may sit on a slow share)."""
    try:
        data = read_bounded(path, MAX_BYTES)
    except TooLarge as exc:
        raise RosterError(f"{path.name} {exc}.", hint="Is it the right file?") from None
    except NotRegularFile as exc:
        raise RosterError(
            f"{path.name} {exc}.", hint="Choose the roster itself: a CSV file saved from Excel."
        ) from None
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

    def add(self, code: str, text: str, hint: str = "") -> None:
        """A finding about the check itself (the person could not be read): a problem."""
        self.findings.append(Finding(code, Severity.BLOCKS, text, hint))

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
            self.add("error", text, exc.hint)
            return
        # A bug must not stop the other rows. Type and frames only: a foreign exception's text
        # may quote a response body.
        frames = "".join(traceback.format_tb(exc.__traceback__)) if exc.__traceback__ else ""
        log.error("unexpected %s while pre-checking\n%s", type(exc).__name__, frames)
        self.add(
            "error",
            f"Could not check {what}: an unexpected problem ({type(exc).__name__}).",
            "Check again. If it keeps happening, send the log file to your IT team.",
        )


def check_person(
    graph: GraphClient,
    upn: str,
    policy: TapPolicy | None,
    *,
    clock: Clock = SYSTEM_CLOCK,
    technician: Technician | None = None,
) -> Precheck:
    """Every check for one roster row. Never raises: failures are the row's findings.

    ``policy`` is the tenant's TAP policy read once for the batch (None: it could not be read,
    so policy targets are not checked); ``technician`` is whoever is signed in (their roles and
    their own account count, as on the card). A missing account is not waited for: the roster is
    checked ahead of time, and "check again" later is cheaper than holding a worker.
    """
    run = _Checker(upn)
    try:
        user = graph.get_user(upn, replication_wait=0)
    except NotFound:
        run.add(
            "not-found",
            "No such account in the directory.",
            "Check the spelling with HR. A brand-new account can take a few minutes to "
            "appear: check again later.",
        )
        return Precheck(upn, findings=tuple(run.findings))
    except Exception as exc:  # the row's finding, never the batch's
        run.failed("the account", exc)
        return Precheck(upn, findings=tuple(run.findings), needs_sign_in=run.needs_sign_in)
    facts = read_facts(graph, user, policy, run.attempt)
    verdict = assess(facts, technician, clock.now())
    return Precheck(
        upn,
        facts=facts,
        findings=(*run.findings, *verdict),
        needs_sign_in=run.needs_sign_in,
    )
