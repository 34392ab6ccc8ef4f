"""Every onboarding session of the window: start, resume, poll, save, issue and revoke.

Sessions change only here, on the GUI thread; Graph and the store are reached only through
named operations (:mod:`tapdesk.ui.operations`). One :class:`SessionPoller` per open session polls what
its current step needs: in the foreground while its user is on screen, in the background
otherwise, and never again once the flow is complete. Signals tell the panels, and the roster
window, what changed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from tapdesk.core.checklist import ChecklistError
from tapdesk.core.clock import Clock
from tapdesk.core.flows import Flow, FlowError, Step, load_flows
from tapdesk.core.models import AuthMethod, User
from tapdesk.core.polling import PollPhase, Visibility
from tapdesk.core.verify import GraphRead, Observation
from tapdesk.errors import StorageError, TapdeskError
from tapdesk.runtime.resources import flows_dir
from tapdesk.ui.onboarding.poller import SessionPoller
from tapdesk.ui.operations import Operations
from tapdesk.ui.turns import next_turn
from tapdesk.workflows.issuing import ForSession, Issued
from tapdesk.workflows.onboarding import (
    OnboardingSession,
    ProblemKind,
    Resumed,
    SaveBatch,
    SessionSummary,
)

log = logging.getLogger(__name__)
SAVE_RETRY_SECONDS = 30.0
POLLS_PER_TURN = 4  # due polls started in one event-loop turn (the runner has four workers)


@dataclass(frozen=True, slots=True)
class IssuePlan:
    """A pass for a checklist: an open session's (maybe a replacement) or a new one's."""

    flow: Flow
    session_id: str
    replacing: bool
    # A new session's first save: stored on the worker before the create request leaves, so a
    # crash at any moment leaves a session to resume (None: the session was saved before).
    first_save: SaveBatch | None = None

    def for_session(self, known_methods: tuple[AuthMethod, ...] | None) -> ForSession:
        return ForSession(self.session_id, self.flow.id, self.replacing, known_methods)


@dataclass(frozen=True, slots=True)
class ConfirmFirst:
    """No pass yet: the session's steps before the pass (the identity check) come first."""

    session_id: str
    steps: tuple[Step, ...]  # unfinished, in order (never empty)


class Onboarding(QObject):
    sessions_changed = Signal()  # added, closed, a status or problem changed, or saved
    session_changed = Signal(str)  # session id: redraw its checklist
    step_finished = Signal(str, str)  # session id, step id finished by Graph or a timer
    pass_observed = Signal(str, object)  # user id, TemporaryAccessPass | None: a poll read it
    failed = Signal(object)  # TapdeskError from a technician's action (tick, override…)
    notice = Signal(str, str)  # title, text: tell the technician once
    service_notice = Signal(str)  # from building the services (database set aside…): keep it
    resumed = Signal(int)  # sessions resumed after a restart

    def __init__(
        self,
        ops: Operations,
        clock: Clock,
        parent: QObject | None = None,
        *,
        flows: list[Flow] | None = None,
        technician: Callable[[], str] = lambda: "",
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._clock = clock
        self._technician = technician
        self.flow_problems: list[FlowError] = []
        if flows is None:
            flows, self.flow_problems = load_flows(flows_dir())
        self.flows = list(flows)
        self._sessions: dict[str, OnboardingSession] = {}
        self._pollers: dict[str, SessionPoller] = {}
        self._summaries: dict[str, SessionSummary] = {}
        self._save_retry_at: dict[str, float] = {}
        self._shown_user: str | None = None
        self._chosen: dict[str, str] = {}  # user id -> session id picked in the list
        self._stored: set[int] = set()  # ids of batches a worker saved (read when closing)
        self._due: list[str] = []  # sessions whose poll is due, waiting for their turn
        self._started = 0  # polls started in this event-loop turn
        self._turn_ending = False  # the count starts again on the next turn
        self.resume_done = False
        self._resume_asked = False
        # Signed out: the sessions stay here (their saves finish) but nothing polls Graph and
        # no reader sees them, until a technician of this tenant signs in again.
        self.locked = True

    # -- reading --------------------------------------------------------------------------------
    def flow(self, flow_id: str | None) -> Flow | None:
        return next((f for f in self.flows if f.id == flow_id), None)

    def get(self, session_id: str) -> OnboardingSession | None:
        return self._sessions.get(session_id)

    def sessions(self) -> list[OnboardingSession]:
        return list(self._sessions.values())

    def summaries(self) -> list[SessionSummary]:
        if self.locked:
            return []
        return [s.summary() for s in self._sessions.values()]

    def poller(self, session_id: str) -> SessionPoller | None:
        return self._pollers.get(session_id)

    def open_for(self, user_id: str) -> OnboardingSession | None:
        """The user's newest session still in progress."""
        found = [s for s in self._sessions.values() if s.user_id == user_id and not s.closed]
        return found[-1] if found else None

    def for_user(self, user_id: str) -> OnboardingSession | None:
        """The session to show for the user: one picked in the list, else the newest open one,
        else the newest finished one."""
        chosen = self._sessions.get(self._chosen.get(user_id, ""))
        if chosen is not None:
            return chosen
        found = [s for s in self._sessions.values() if s.user_id == user_id]
        return self.open_for(user_id) or (found[-1] if found else None)

    def poll_text(self, session_id: str) -> str:
        poller = self._pollers.get(session_id)
        return poller.status_text if poller is not None else ""

    # -- start and resume -----------------------------------------------------------------------
    def read_notices(self) -> None:
        """After start-up: the services' notices (sessions wait for a sign-in: :meth:`unlock`)."""
        self._ops.notices(self._on_notices, lambda _error: None)

    def unlock(self) -> None:
        """A technician signed in: this tenant's open sessions (read from the store once a run)
        show and poll again."""
        self.locked = False
        if not self._resume_asked:
            self._resume_asked = True
            self._ops.resume_sessions(list(self.flows), self._on_resumed, self._on_resume_failed)
        for poller in self._pollers.values():
            poller.poll_soon()
        self.sessions_changed.emit()

    def lock(self) -> None:
        """Signed out: no session is listed or polled; saves in flight still finish."""
        self.locked = True
        self._shown_user = None
        self._chosen.clear()
        self.sessions_changed.emit()  # polls wait: _start_poll does nothing while locked

    def _on_notices(self, notices: list[str]) -> None:
        for text in notices:
            self.service_notice.emit(text)

    def _on_resumed(self, found: Resumed) -> None:
        self.resume_done = True
        for text in found.problems:
            self.notice.emit("Session not resumed", text)
        added = [s for s in found.sessions if s.session_id not in self._sessions]
        for session in added:
            self._add(session)
            self._summaries[session.session_id] = session.summary()
            self.session_changed.emit(session.session_id)
        if added:
            # Once for them all: the session list and the roster read them once, not per session.
            self.sessions_changed.emit()
            self.resumed.emit(len(added))

    def _on_resume_failed(self, error: TapdeskError) -> None:
        self.resume_done = True
        if isinstance(error, StorageError):
            text = f"Open sessions could not be read: {error.message} {error.hint}".strip()
            self.notice.emit("Session not resumed", text)
        else:  # the services could not be built: sign-in reports the same error
            log.info("sessions not resumed: %s", error.title)

    def start(self, flow: Flow, user: User) -> OnboardingSession:
        """A checklist before any pass (it begins with the identity check)."""
        session = OnboardingSession.start(
            flow, user, technician=self._technician(), clock=self._clock
        )
        self._add(session)
        self._changed(session)
        return session

    def _add(self, session: OnboardingSession) -> None:
        sid = session.session_id
        self._sessions[sid] = session
        self._chosen.pop(session.user_id, None)  # show the newest
        visible = session.user_id == self._shown_user
        poller = SessionPoller(
            self._clock,
            self,
            visibility=Visibility.FOREGROUND if visible else Visibility.BACKGROUND,
        )
        poller.due.connect(lambda: self._poll(sid))
        self._pollers[sid] = poller
        poller.follow(session.checklist)

    # -- showing --------------------------------------------------------------------------------
    def show_user(self, user_id: str | None) -> None:
        """The window shows this user (None: nobody): their sessions poll in the foreground."""
        self._shown_user = user_id
        for sid, poller in self._pollers.items():
            session = self._sessions[sid]
            visible = user_id is not None and session.user_id == user_id
            poller.set_visibility(Visibility.FOREGROUND if visible else Visibility.BACKGROUND)

    def choose(self, session_id: str) -> OnboardingSession | None:
        session = self._sessions.get(session_id)
        if session is not None:
            self._chosen[session.user_id] = session_id
        return session

    # -- the technician -------------------------------------------------------------------------
    def tick(self, session_id: str, step_id: str) -> bool:
        return self._act(session_id, lambda s: s.tick(step_id, by=self._by()))

    def override(self, session_id: str, step_id: str, reason: str) -> bool:
        """The checklist takes any pass shown in this run out of ``reason``."""
        return self._act(session_id, lambda s: s.override(step_id, reason, by=self._by()))

    def skip(self, session_id: str, step_id: str, reason: str = "") -> bool:
        return self._act(session_id, lambda s: s.skip(step_id, reason, by=self._by()))

    def abandon(self, session_id: str, reason: str) -> bool:
        return self._act(session_id, lambda s: s.abandon(reason, by=self._by()))

    def check_again(self, session_id: str) -> None:
        poller = self._pollers.get(session_id)
        if poller is None:
            return
        if poller.phase is PollPhase.BLOCKED:
            poller.unblock()
        else:
            poller.poll_soon()
        poller.check()

    def signed_in_again(self) -> None:
        """Checks stopped for want of a sign-in carry on by themselves."""
        for sid, session in self._sessions.items():
            problem = session.poll_problem
            poller = self._pollers.get(sid)
            if problem is not None and problem.kind is ProblemKind.SIGN_IN and poller is not None:
                poller.unblock()

    def save_again(self, session_id: str) -> None:
        session = self._sessions.get(session_id)
        if session is not None:
            self._save(session)

    def _by(self) -> str | None:
        return self._technician() or None

    def _act(self, session_id: str, change: Callable[[OnboardingSession], None]) -> bool:
        session = self._sessions.get(session_id)
        if session is None:
            return False
        try:
            change(session)
        except ChecklistError as error:
            self.failed.emit(error)
            return False
        self._changed(session)
        return True

    # -- the heartbeat --------------------------------------------------------------------------
    def heartbeat(self) -> None:
        """Every second (and from tests after moving the clock): timers, due polls, saves."""
        now = self._clock.monotonic()
        for sid, session in list(self._sessions.items()):
            if session.closed:
                continue
            finished = session.advance_timers()
            if finished:
                self._changed(session, finished)
            retry = self._save_retry_at.get(sid)
            if session.save_warning and not session.saving and retry is not None and now >= retry:
                self._save(session)
            poller = self._pollers.get(sid)
            if poller is not None:
                poller.check()

    # -- polling --------------------------------------------------------------------------------
    def _poll(self, session_id: str) -> None:
        """A poll is due: started now, or on a later turn once this one has started a few.
        Sessions resumed at start are all due at once, and 20 requests started in one turn
        stall it."""
        if session_id not in self._due:
            self._due.append(session_id)
        self._start_due()

    def _start_due(self) -> None:
        while self._due and self._started < POLLS_PER_TURN:
            self._started += 1
            self._start_poll(self._due.pop(0))
        if self._started and not self._turn_ending:
            self._turn_ending = True
            next_turn(self, self._next_turn)

    def _next_turn(self) -> None:
        self._started, self._turn_ending = 0, False
        self._start_due()

    def _start_poll(self, session_id: str) -> None:
        session = self._sessions.get(session_id)
        poller = self._pollers.get(session_id)
        # Locked (signed out): the poll waits for the next technician of this tenant.
        if self.locked or session is None or poller is None or session.closed:
            return
        if not poller.core.due():
            return
        reads = poller.begin()
        self._ops.read_lists(
            session.user_id,
            reads,
            lambda found: self._on_polled(session_id, found),
            lambda error: self._on_poll_failed(session_id, error),
            name="checklist poll",
        )

    def _on_polled(self, session_id: str, observation: Observation) -> None:
        session = self._sessions.get(session_id)
        poller = self._pollers.get(session_id)
        if session is None or poller is None:
            return
        poller.succeeded()
        if GraphRead.PASS in observation.reads:  # the pass on screen need not be read again
            self.pass_observed.emit(session.user_id, observation.tap)
        finished = session.apply(observation)
        self._changed(session, finished)  # saves only when something changed

    def _on_poll_failed(self, session_id: str, error: TapdeskError) -> None:
        session = self._sessions.get(session_id)
        poller = self._pollers.get(session_id)
        if session is None or poller is None:
            return
        problem = session.poll_failed(error)
        if problem.kind is ProblemKind.THROTTLED:
            poller.throttled(problem.retry_after)
        else:
            poller.failed(retryable=not problem.blocking)
        log.info("checklist poll failed: %s (request-id %s)", error.title, error.request_id or "-")
        self._changed(session, save=False)

    # -- issuing and revoking -------------------------------------------------------------------
    def steps_first(self, user: User, flow_id: str | None) -> bool:
        """Whether Issue would start (or show) a checklist at its steps before the pass rather
        than issue: what :meth:`plan_issue` decides, without starting anything."""
        session = self.open_for(user.id)
        if session is not None:
            return bool(_before_pass(session))
        flow = self.flow(flow_id)
        return flow is not None and bool(flow.steps_before_issue())

    def plan_issue(self, user: User, flow_id: str | None) -> IssuePlan | ConfirmFirst | None:
        """None: a pass without a checklist (the form's "pass only"). ConfirmFirst: the chosen
        checklist starts (or the open one stays) at its steps before the pass, and no pass is
        issued: whoever issues from the form walks the same order as from the checklist."""
        session = self.open_for(user.id)
        if session is not None:
            waiting = _before_pass(session)
            if waiting:
                return ConfirmFirst(session.session_id, waiting)
            replacing = session.pass_facts is not None
            return IssuePlan(session.flow, session.session_id, replacing)
        flow = self.flow(flow_id)
        if flow is None:
            return None
        session = OnboardingSession.start(
            flow,
            user,
            technician=self._technician(),
            clock=self._clock,
            session_id=uuid.uuid4().hex,
        )
        waiting = _before_pass(session)
        self._add(session)
        if waiting:  # saved as any checklist started by hand; Graph is not asked anything
            self._changed(session)
            return ConfirmFirst(session.session_id, waiting)
        plan = IssuePlan(flow, session.session_id, False, session.begin_save())
        self._changed(session, save=False)  # shown now; the issue request saves it first
        return plan

    def first_saved(self, plan: IssuePlan) -> None:
        """The issue request stored the new session before asking Graph."""
        if plan.first_save is not None:
            self._on_saved(plan.session_id, plan.first_save)

    def first_save_failed(self, plan: IssuePlan, error: TapdeskError) -> None:
        """Nothing was asked of Graph: the session stays, unsaved, and says so."""
        if plan.first_save is not None:
            self._on_save_failed(plan.session_id, plan.first_save, error)

    def record_issued(self, plan: IssuePlan, user: User, issued: Issued) -> None:
        """The pass of ``plan`` exists: its session (new or open) records it and its audit."""
        session = self._sessions.get(plan.session_id)
        if session is None:
            session = OnboardingSession.start(
                plan.flow,
                user,
                technician=self._technician(),
                clock=self._clock,
                session_id=plan.session_id,
            )
            self._add(session)
        try:
            session.pass_issued(issued.tap, issued.baseline, by=self._by())
        except ChecklistError as error:  # closed meanwhile: the pass exists all the same
            self.notice.emit(
                "Pass issued outside the checklist",
                f"{error.message} The pass was issued and is shown; the checklist did not "
                "record it.",
            )
        # The checklist redraw is the bigger job: on the next turn, so the pass shows first.
        self._changed(session, redraw_later=True)

    def session_with_pass(
        self, user_id: str, pass_id: str | None = None
    ) -> OnboardingSession | None:
        """The user's open session holding a pass (``pass_id``: that one), if any."""
        session = self.open_for(user_id)
        facts = session.pass_facts if session is not None else None
        if session is None or facts is None:
            return None
        return session if pass_id is None or facts.id == pass_id else None

    def record_revoked(self, session_id: str) -> None:
        """The session's pass was deleted in Graph: its checklist records it and its audit."""
        session = self._sessions.get(session_id)
        if session is None:
            return
        try:
            session.pass_revoked(by=self._by())
        except ChecklistError as error:
            log.info("revoke not recorded in the checklist: %s", error.message)
        self._changed(session)

    # -- saving ---------------------------------------------------------------------------------
    def _save(self, session: OnboardingSession) -> None:
        batch = session.begin_save()
        if batch is None:
            return
        sid = session.session_id
        self._ops.save_session(
            batch,
            lambda _none: self._on_saved(sid, batch),
            lambda error: self._on_save_failed(sid, batch, error),
            self._stored,
        )

    def _on_saved(self, session_id: str, batch: SaveBatch) -> None:
        session = self._sessions.get(session_id)
        if session is None:
            return
        had_warning = bool(session.save_warning)
        self._save_retry_at.pop(session_id, None)
        self._stored.discard(id(batch))
        if session.saved(batch):
            self._save(session)
        if had_warning:
            self._emit(session)
        self.sessions_changed.emit()  # readers of the store (the roster) now see the change

    def _on_save_failed(self, session_id: str, batch: SaveBatch, error: TapdeskError) -> None:
        session = self._sessions.get(session_id)
        if session is None:
            return
        first = not session.save_warning
        session.save_failed(batch, error)
        self._save_retry_at[session_id] = self._clock.monotonic() + SAVE_RETRY_SECONDS
        log.warning("session not saved: %s", error.title)
        if first:
            self.notice.emit("Session not saved", session.save_warning)
        self._emit(session)

    # -- telling --------------------------------------------------------------------------------
    def _changed(
        self,
        session: OnboardingSession,
        finished: list[str] | None = None,
        *,
        save: bool = True,
        redraw_later: bool = False,
    ) -> None:
        if save:
            self._save(session)
        poller = self._pollers.get(session.session_id)
        if poller is not None:
            poller.follow(session.checklist)
        if redraw_later:
            next_turn(self, lambda: self._emit(session))
        else:
            self._emit(session)
        for step_id in finished or ():
            self.step_finished.emit(session.session_id, step_id)

    def _emit(self, session: OnboardingSession) -> None:
        sid = session.session_id
        self.session_changed.emit(sid)
        summary = session.summary()
        if self._summaries.get(sid) != summary:
            self._summaries[sid] = summary
            self.sessions_changed.emit()

    def shutdown(self) -> None:
        """The window closes: no more polls."""
        for poller in self._pollers.values():
            poller.stop()

    def flush(self) -> None:
        """After the task runner has stopped: store what no save carried yet, right here.

        A save whose answer the closing runner dropped is settled first from what its worker
        recorded, so no audit event is stored twice and none is left out.
        """
        for session in self._sessions.values():
            batch = session.in_flight
            if batch is not None:
                if id(batch) in self._stored:
                    session.saved(batch)
                else:
                    session.save_failed(batch, TapdeskError("The save did not finish."))
            final = session.begin_save()
            if final is None:
                continue
            try:
                self._ops.save_now(final)
            except TapdeskError as error:
                log.error("session not saved on exit: %s", error.title)


def _before_pass(session: OnboardingSession) -> tuple[Step, ...]:
    """The steps still to do before the session's first pass (none once it has one)."""
    if session.pass_facts is not None:
        return ()
    return session.checklist.unfinished_before_issue()
