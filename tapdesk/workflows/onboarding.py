"""Onboarding sessions: a checklist tied to Graph reads, the store and the pass actions.

No Qt here. The window (:mod:`tapdesk.ui.onboarding`) owns the threads: it changes an
:class:`OnboardingSession` on the GUI thread (tick, override, apply a poll: pure and quick) and
runs the I/O helpers of this module on workers:

- :func:`read` fetches exactly the lists :meth:`Checklist.reads_needed` asks for, through a
  client without in-call retries (:func:`poll_client`), so the poller's own backoff decides
  when to ask again;
- a session's pass is issued and revoked through the one route for every pass,
  :class:`~tapdesk.workflows.issuing.Issuer` (with a :class:`~tapdesk.workflows.issuing.ForSession`):
  it reads the baseline "new" is measured against, and leaves the audit record to the checklist;
- :func:`save` stores the snapshot with its audit events; :func:`resume` rebuilds the open
  sessions after a restart.

Saving: every change queues the checklist's audit events. :meth:`OnboardingSession.begin_save`
hands out the latest snapshot with every unsaved event, and only one save per session is in
flight, so an older snapshot never overwrites a newer one. A failed save (disk full, database
locked) keeps the events and the state in memory and sets :attr:`OnboardingSession.save_warning`;
the next save carries them again.

The pass value never enters this module: the checklist keeps :class:`PassFacts` only, and takes
any pass shown in this run out of a reason (:mod:`tapdesk.core.redaction`); the store does the
same to every free-text column it writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from tapdesk.core.audit import AuditEvent
from tapdesk.core.checklist import (
    Checklist,
    ChecklistSnapshot,
    PassFacts,
    StepRecord,
)
from tapdesk.core.clock import SYSTEM_CLOCK, Clock
from tapdesk.core.flows import Flow, Step
from tapdesk.core.models import AuthMethod, TemporaryAccessPass, User
from tapdesk.core.verify import GraphRead, Observation
from tapdesk.errors import (
    NotFound,
    NotPermitted,
    SignInRequired,
    TapdeskError,
    TemporaryFailure,
    Throttled,
)

if TYPE_CHECKING:  # the window imports this module before httpx is loaded
    from tapdesk.core.roster import RosterStatus
    from tapdesk.graph.client import GraphClient, MethodFilter


class SessionStore(Protocol):
    def save_session(
        self, snapshot: ChecklistSnapshot, events: Sequence[AuditEvent] = ()
    ) -> None: ...

    def open_sessions(self) -> list[ChecklistSnapshot]: ...


@dataclass(frozen=True, slots=True)
class SaveBatch:
    """One save: the session as it is now and every audit event not yet stored."""

    snapshot: ChecklistSnapshot
    events: tuple[AuditEvent, ...]


class ProblemKind(str, Enum):
    THROTTLED = "throttled"
    USER_GONE = "user gone"
    NOT_PERMITTED = "not permitted"
    SIGN_IN = "sign in"
    UNREACHABLE = "unreachable"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class PollProblem:
    """Why the last poll failed, in the technician's words; ``blocking``: waiting won't fix it."""

    kind: ProblemKind
    title: str
    message: str
    hint: str = ""
    blocking: bool = False
    retry_after: float | None = None
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One line of a session list or the new-hire-day queue."""

    session_id: str
    user_id: str
    upn: str
    display_name: str
    flow_id: str
    flow_title: str
    status: RosterStatus
    active_step: str  # title of the step in progress, "" when closed
    problem: str  # poll or save trouble, "" when none
    opened_at: datetime
    closed: bool
    complete: bool
    technician: str = ""  # who started it: sessions belong to the tenant, not to one person


@dataclass(frozen=True, slots=True)
class Resumed:
    sessions: tuple[OnboardingSession, ...]
    problems: tuple[str, ...]  # sessions that could not be resumed, in words


class OnboardingSession:
    """A :class:`Checklist` and the bookkeeping around it. Use from one thread (the GUI's)."""

    def __init__(self, checklist: Checklist, *, value_here: bool = False) -> None:
        self.checklist = checklist
        self.save_warning = ""
        self.poll_problem: PollProblem | None = None
        self._pending: list[AuditEvent] = []
        self._saving: SaveBatch | None = None
        self._dirty = True
        self._value_here = value_here  # this process showed the current pass's value
        self._collect()

    @classmethod
    def start(
        cls,
        flow: Flow,
        user: User,
        *,
        technician: str,
        clock: Clock = SYSTEM_CLOCK,
        session_id: str | None = None,
    ) -> OnboardingSession:
        checklist = Checklist.start(
            flow,
            user_id=user.id,
            upn=user.user_principal_name,
            display_name=user.display_name,
            technician=technician,
            session_id=session_id,
            clock=clock,
        )
        return cls(checklist)

    @classmethod
    def restore(
        cls, flow: Flow, snapshot: ChecklistSnapshot, *, clock: Clock = SYSTEM_CLOCK
    ) -> OnboardingSession:
        session = cls(Checklist.restore(flow, snapshot, clock=clock))
        session._dirty = False  # exactly what the store holds
        return session

    # --- reading -----------------------------------------------------------------------------
    @property
    def session_id(self) -> str:
        return self.checklist.session_id

    @property
    def flow(self) -> Flow:
        return self.checklist.flow

    @property
    def user(self) -> User:
        snap = self.checklist.snapshot()
        return User(snap.user_id, snap.upn, snap.display_name)

    @property
    def user_id(self) -> str:
        return self.checklist.snapshot().user_id

    @property
    def upn(self) -> str:
        return self.checklist.upn

    @property
    def name(self) -> str:
        snap = self.checklist.snapshot()
        return snap.display_name or snap.upn

    @property
    def pass_facts(self) -> PassFacts | None:
        return self.checklist.pass_facts

    @property
    def closed(self) -> bool:
        return self.checklist.closed

    @property
    def complete(self) -> bool:
        return self.checklist.complete

    @property
    def restored(self) -> bool:
        return self.checklist.restored

    @property
    def pass_value_lost(self) -> bool:
        """A live pass whose value this tapdesk never held (resumed after a restart)."""
        return (
            self.pass_facts is not None
            and not self.checklist.revoked
            and not self.closed
            and not self._value_here
        )

    def records(self) -> list[tuple[Step, StepRecord]]:
        return self.checklist.records()

    def reads_needed(self) -> frozenset[GraphRead]:
        return self.checklist.reads_needed()

    @property
    def status(self) -> RosterStatus:
        from tapdesk.core.roster import queue_status  # (CSV parsing: not needed at start-up)

        return queue_status(self.checklist.snapshot(), self.flow, problem=self.problem_text() != "")

    def problem_text(self) -> str:
        if self.poll_problem is not None and self.poll_problem.blocking:
            return self.poll_problem.title
        return "Not saved" if self.save_warning else ""

    def summary(self) -> SessionSummary:
        snap = self.checklist.snapshot()
        step = self.checklist.active_step
        return SessionSummary(
            session_id=snap.session_id,
            user_id=snap.user_id,
            upn=snap.upn,
            display_name=snap.display_name,
            flow_id=self.flow.id,
            flow_title=self.flow.title,
            status=self.status,
            active_step=step.title if step else "",
            problem=self.problem_text(),
            opened_at=snap.opened_at,
            closed=self.closed,
            complete=self.complete,
            technician=snap.technician,
        )

    # --- changes (GUI thread) ----------------------------------------------------------------
    def tick(self, step_id: str, *, by: str | None = None) -> None:
        self.checklist.tick(step_id, by=by)
        self._collect()

    def override(self, step_id: str, reason: str, *, by: str | None = None) -> None:
        """The checklist takes any pass shown in this run out of ``reason``."""
        self.checklist.override(step_id, reason, by=by)
        self._collect()

    def skip(self, step_id: str, reason: str = "", *, by: str | None = None) -> None:
        self.checklist.skip(step_id, reason, by=by)
        self._collect()

    def abandon(self, reason: str, *, by: str | None = None) -> None:
        self.checklist.abandon(reason, by=by)
        self._collect()

    def pass_issued(
        self, tap: TemporaryAccessPass, methods: Iterable[AuthMethod], *, by: str | None = None
    ) -> None:
        """A new pass (or a replacement) exists; its value is on this tapdesk's screen."""
        self.checklist.pass_issued(tap, methods, by=by)
        self._value_here = True
        self._collect()

    def pass_revoked(self, *, by: str | None = None) -> None:
        self.checklist.pass_revoked(by=by)
        self._collect()

    def apply(self, observation: Observation) -> list[str]:
        """One successful poll; returns the steps it finished."""
        self.poll_problem = None
        before = self.checklist.snapshot()
        finished = self.checklist.observe(observation)
        if finished or self.checklist.snapshot() != before:
            self._collect()  # most polls change nothing: nothing to save
        return finished

    def advance_timers(self) -> list[str]:
        finished = self.checklist.advance_timers()
        if finished:
            self._collect()
        return finished

    def poll_failed(self, error: TapdeskError) -> PollProblem:
        self.poll_problem = describe_poll_failure(error, self.name, self.upn)
        return self.poll_problem

    # --- saving ------------------------------------------------------------------------------
    @property
    def saving(self) -> bool:
        return self._saving is not None

    @property
    def in_flight(self) -> SaveBatch | None:
        """The save handed out and not yet answered."""
        return self._saving

    @property
    def unsaved(self) -> bool:
        return self._dirty or self._saving is not None

    def begin_save(self) -> SaveBatch | None:
        """The next save, or None when nothing changed or a save is still in flight."""
        if self._saving is not None or not self._dirty:
            return None
        batch = SaveBatch(self.checklist.snapshot(), tuple(self._pending))
        self._saving = batch
        self._dirty = False
        return batch

    def saved(self, batch: SaveBatch) -> bool:
        """The store has ``batch``. Returns True when newer changes wait for their own save."""
        del self._pending[: len(batch.events)]  # the batch took the oldest events, in order
        self._saving = None
        self.save_warning = ""
        return self._dirty

    def save_failed(self, batch: SaveBatch, error: TapdeskError) -> None:
        """Nothing of ``batch`` was stored (one transaction): keep it all for the next save."""
        self._saving = None
        self._dirty = True
        self.save_warning = " ".join(
            part
            for part in (
                f"This session could not be saved ({error.title}). {error.message}",
                error.hint,
                "Everything stays on screen and is saved with the next change, or press "
                "Save again.",
            )
            if part
        )

    def _collect(self) -> None:
        self._pending.extend(self.checklist.drain_events())
        self._dirty = True


# --- I/O, on workers --------------------------------------------------------------------------
_FILTERS: dict[GraphRead, MethodFilter] = {
    GraphRead.AUTHENTICATOR: "authenticator",
    GraphRead.FIDO2: "fido2",
    GraphRead.WINDOWS_HELLO: "windowsHello",
    GraphRead.ALL_METHODS: "all",
}


def poll_client(graph: GraphClient) -> GraphClient:
    """The Graph client pollers use: one attempt per call, so :class:`Poller` decides waits."""
    from tapdesk.graph.retry import NO_RETRY  # on the worker: the window starts without it

    return graph.with_retry(NO_RETRY)


def read(
    graph: GraphClient, user_id: str, reads: Iterable[GraphRead], clock: Clock = SYSTEM_CLOCK
) -> Observation:
    """Fetch exactly ``reads`` for the user (one list call each)."""
    wanted = frozenset(reads)
    methods: dict[str, AuthMethod] = {}
    tap: TemporaryAccessPass | None = None
    for item in sorted(wanted, key=lambda r: r.value):
        if item is GraphRead.PASS:
            taps = graph.list_taps(user_id)
            tap = taps[0] if taps else None
        else:
            for method in graph.list_methods(user_id, _FILTERS[item]):
                methods.setdefault(method.id, method)
    return Observation(clock.now(), wanted, tuple(methods.values()), tap)


def save(store: SessionStore | None, batch: SaveBatch) -> None:
    """Store one batch; raises :class:`~tapdesk.errors.StorageError`. No store: nothing kept."""
    if store is not None:
        store.save_session(batch.snapshot, batch.events)


def resume(
    store: SessionStore | None, flows: Iterable[Flow], clock: Clock = SYSTEM_CLOCK
) -> Resumed:
    """The open sessions in the store, ready to continue (their pass values are gone)."""
    if store is None:
        return Resumed((), ())
    by_id = {flow.id: flow for flow in flows}
    sessions: list[OnboardingSession] = []
    problems: list[str] = []
    for snapshot in store.open_sessions():
        flow = by_id.get(snapshot.flow_id)
        if flow is None:
            problems.append(
                f"The open session for {snapshot.upn} follows the flow '{snapshot.flow_id}', "
                "which is no longer installed. It stays in the database, untouched."
            )
            continue
        sessions.append(OnboardingSession.restore(flow, snapshot, clock=clock))
    return Resumed(tuple(sessions), tuple(problems))


def describe_poll_failure(error: TapdeskError, name: str, upn: str) -> PollProblem:
    """What the checklist says when a poll fails, and whether waiting can cure it."""
    rid = error.request_id
    if isinstance(error, Throttled):
        return PollProblem(
            ProblemKind.THROTTLED,
            "Microsoft Graph asked tapdesk to slow down",
            "Checking pauses for as long as Graph asked, then carries on by itself.",
            retry_after=error.retry_after,
            request_id=rid,
        )
    if isinstance(error, NotFound):
        return PollProblem(
            ProblemKind.USER_GONE,
            "User not found",
            f"{name} ({upn}) is no longer in the directory: the account may have been deleted "
            "while this session was open. Checking has stopped; the session and its record stay.",
            "Check the account in the Entra admin center. If it comes back, press Check again; "
            "otherwise close the session with a reason.",
            blocking=True,
            request_id=rid,
        )
    if isinstance(error, SignInRequired):
        return PollProblem(
            ProblemKind.SIGN_IN,
            "Sign-in needed",
            "Your sign-in ended, so tapdesk cannot check this user's methods.",
            "Sign in again, then press Check again.",
            blocking=True,
            request_id=rid,
        )
    if isinstance(error, NotPermitted):
        return PollProblem(
            ProblemKind.NOT_PERMITTED,
            "Not permitted to check",
            f"Microsoft Graph refused to show the sign-in methods of {upn}.",
            error.hint or "Check your roles, then press Check again.",
            blocking=True,
            request_id=rid,
        )
    if isinstance(error, TemporaryFailure):
        return PollProblem(
            ProblemKind.UNREACHABLE,
            error.title,
            "tapdesk keeps trying, waiting a little longer each time.",
            request_id=rid,
        )
    return PollProblem(
        ProblemKind.OTHER,
        error.title,
        f"{error.message} tapdesk keeps trying, waiting a little longer each time.",
        error.hint,
        request_id=rid,
    )
