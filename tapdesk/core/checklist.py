"""One onboarding session: a flow's steps, their states and timestamps, and the audit trail.

The active step is the first one not yet finished. Steps finish as

- ``done``: ticked by the technician (manual), confirmed by Graph (verify, or an action's
  check), or performed by tapdesk (an action without a check), or a timer that ran out;
- ``overridden``: the technician marked it done against what Graph shows, with a reason;
- ``skipped``: an optional step the technician left out, or a timer that does not apply.

Everything here is plain data and an injected clock. :meth:`Checklist.snapshot` is what the
store keeps; :meth:`Checklist.restore` resumes it after a restart. The pass value never enters
this module: a pass is reduced to :class:`PassFacts` on the way in, and a reason loses any pass
shown in this run (:mod:`tapdesk.core.redaction`) before it is kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from tapdesk.core.audit import AuditEvent, AuditKind
from tapdesk.core.clock import SYSTEM_CLOCK, Clock
from tapdesk.core.flows import Action, Check, Flow, Step, StepKind, TimerStart
from tapdesk.core.models import AuthMethod, TemporaryAccessPass
from tapdesk.core.redaction import SHOWN_PASSES, ShownPasses
from tapdesk.core.verify import (
    READS_FOR_CHECK,
    WAITING_FOR,
    Baseline,
    CheckResult,
    GraphRead,
    Observation,
    already_met,
    evaluate,
    first_use_seen,
    observable,
)
from tapdesk.errors import UsageError

SYSTEM_ACTOR = "tapdesk"
MAX_REASON = 500


class ChecklistError(UsageError):
    title = "Cannot do that step now"


class StepState(str, Enum):
    PENDING = "pending"
    ACTIVE = "active"
    DONE = "done"
    OVERRIDDEN = "overridden"
    SKIPPED = "skipped"

    @property
    def finished(self) -> bool:
        return self in (StepState.DONE, StepState.OVERRIDDEN, StepState.SKIPPED)


class Outcome(str, Enum):
    COMPLETED = "completed"
    ABANDONED = "abandoned"


@dataclass(frozen=True, slots=True)
class StepRecord:
    step_id: str
    state: StepState = StepState.PENDING
    activated_at: datetime | None = None
    finished_at: datetime | None = None
    actor: str = ""  # who finished it: a technician, or "tapdesk" for Graph and timers
    reason: str = ""  # override and skip reasons
    evidence: str = ""  # what Graph showed
    action_done_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PassFacts:
    """A pass without its value: what the store, the audit and the panel may keep."""

    id: str
    created: datetime
    start: datetime | None
    lifetime_minutes: int
    usable_once: bool

    @classmethod
    def from_tap(cls, tap: TemporaryAccessPass) -> PassFacts:
        return cls(tap.id, tap.created, tap.start, tap.lifetime_minutes, tap.usable_once)

    @property
    def effective_start(self) -> datetime:
        return self.start or self.created

    @property
    def expires(self) -> datetime:
        return self.effective_start + timedelta(minutes=self.lifetime_minutes)


@dataclass(frozen=True, slots=True)
class ChecklistSnapshot:
    session_id: str
    flow_id: str
    user_id: str
    upn: str
    display_name: str
    technician: str
    opened_at: datetime
    steps: tuple[StepRecord, ...]
    pass_facts: PassFacts | None = None
    baseline: Baseline | None = None
    pass_first_used_at: datetime | None = None
    revoked_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: Outcome | None = None


@dataclass(frozen=True, slots=True)
class TimerView:
    label: str
    seconds: int
    started_at: datetime | None
    ends_at: datetime | None
    seconds_left: float | None
    text: str

    @property
    def running(self) -> bool:
        return self.seconds_left is not None and self.seconds_left > 0

    @property
    def ran_out(self) -> bool:
        return self.seconds_left is not None and self.seconds_left <= 0


def _clock_text(seconds: float) -> str:
    whole = max(0, int(seconds + 0.999))
    return f"{whole // 60}:{whole % 60:02d}"


class Checklist:
    """The state machine of one session. Methods raise :class:`ChecklistError` on misuse."""

    def __init__(
        self,
        flow: Flow,
        snapshot: ChecklistSnapshot,
        *,
        clock: Clock = SYSTEM_CLOCK,
        shown: ShownPasses = SHOWN_PASSES,
    ) -> None:
        if snapshot.flow_id != flow.id:
            raise ValueError(f"snapshot is for flow {snapshot.flow_id!r}, not {flow.id!r}")
        self.flow = flow
        self._clock = clock
        self._shown = shown
        self._s = snapshot
        known = {r.step_id: r for r in snapshot.steps}
        # A flow file edited since the session started: keep what matches, add new steps.
        self._records = {s.id: known.get(s.id, StepRecord(s.id)) for s in flow.steps}
        self._results: dict[str, CheckResult] = {}
        self._events: list[AuditEvent] = []
        self.restored = False
        self._settle(snapshot.opened_at)

    # --- construction ------------------------------------------------------------------------
    @classmethod
    def start(
        cls,
        flow: Flow,
        *,
        user_id: str,
        upn: str,
        technician: str,
        display_name: str = "",
        session_id: str | None = None,
        clock: Clock = SYSTEM_CLOCK,
        shown: ShownPasses = SHOWN_PASSES,
    ) -> Checklist:
        snapshot = ChecklistSnapshot(
            session_id=session_id or uuid.uuid4().hex,
            flow_id=flow.id,
            user_id=user_id,
            upn=upn,
            display_name=display_name,
            technician=technician,
            opened_at=clock.now(),
            steps=tuple(StepRecord(s.id) for s in flow.steps),
        )
        return cls(flow, snapshot, clock=clock, shown=shown)

    @classmethod
    def restore(
        cls,
        flow: Flow,
        snapshot: ChecklistSnapshot,
        *,
        clock: Clock = SYSTEM_CLOCK,
        shown: ShownPasses = SHOWN_PASSES,
    ) -> Checklist:
        """Resume after a restart. The pass value is gone: the panel offers a replacement."""
        checklist = cls(flow, snapshot, clock=clock, shown=shown)
        checklist.restored = True
        return checklist

    # --- reading -----------------------------------------------------------------------------
    @property
    def session_id(self) -> str:
        return self._s.session_id

    @property
    def technician(self) -> str:
        return self._s.technician

    @property
    def upn(self) -> str:
        return self._s.upn

    @property
    def pass_facts(self) -> PassFacts | None:
        return self._s.pass_facts

    @property
    def baseline(self) -> Baseline | None:
        return self._s.baseline

    @property
    def pass_first_used_at(self) -> datetime | None:
        return self._s.pass_first_used_at

    @property
    def revoked(self) -> bool:
        return self._s.revoked_at is not None

    @property
    def closed(self) -> bool:
        return self._s.closed_at is not None

    @property
    def complete(self) -> bool:
        return self._s.outcome is Outcome.COMPLETED

    def record(self, step_id: str) -> StepRecord:
        return self._records[step_id]

    def records(self) -> list[tuple[Step, StepRecord]]:
        return [(s, self._records[s.id]) for s in self.flow.steps]

    @property
    def active_step(self) -> Step | None:
        if self.closed:
            return None
        return next((s for s in self.flow.steps if not self._records[s.id].state.finished), None)

    @property
    def waiting_for_pass_use(self) -> bool:
        """The new hire still needs the pass: it is issued and works, and the checklist is at a
        step between issuing and revoking it (masking it now would only get in their way)."""
        facts = self._s.pass_facts
        active = self.active_step
        if facts is None or active is None or self.revoked:
            return False
        if facts.usable_once and self._s.pass_first_used_at is not None:
            return False  # a one-time pass once used works no more
        steps = self.flow.steps
        issue = self.flow.action_step(Action.ISSUE_PASS)
        revoke = self.flow.action_step(Action.REVOKE_PASS)
        at = steps.index(active)
        after_issue = issue is None or at > steps.index(issue)
        return after_issue and (revoke is None or at < steps.index(revoke))

    def unfinished_before_issue(self) -> tuple[Step, ...]:
        """The required steps before the pass is issued that are not finished: the identity
        check above all. A pass is issued only once they are (no issue step: none)."""
        return tuple(
            step
            for step in self.flow.steps_before_issue()
            if not self._records[step.id].state.finished
        )

    def result(self, step_id: str) -> CheckResult | None:
        """The latest Graph evaluation of a step (for its "waiting for…" line)."""
        return self._results.get(step_id)

    def waiting_text(self, step_id: str) -> str:
        step = self.flow.step(step_id)
        check = self._live_check(step)
        if check is None:
            return ""
        if self._s.pass_facts and not observable(check, usable_once=self._s.pass_facts.usable_once):
            return "Graph shows no use of a reusable pass: tick this step when the sign-in worked"
        found = self._results.get(step_id)
        return found.text if found and not found.met else WAITING_FOR[check]

    def can_tick(self, step_id: str) -> bool:
        """Manual steps, and verify steps Graph can never confirm (use of a reusable pass)."""
        step = self.flow.step(step_id)
        if self.closed or self._records[step_id].state.finished:
            return False
        if step.kind is StepKind.MANUAL:
            return True
        if step.kind is StepKind.VERIFY and step.check is not None and self._s.pass_facts:
            return not observable(step.check, usable_once=self._s.pass_facts.usable_once)
        return False

    def timer(self, step_id: str) -> TimerView | None:
        """The step's timer, or None where it does not apply (first use of a reusable pass)."""
        step = self.flow.step(step_id)
        timer = step.timer
        if timer is None:
            return None
        started: datetime | None
        if timer.starts_at is TimerStart.PASS_FIRST_USE:
            facts = self._s.pass_facts
            if facts is not None and not facts.usable_once:
                return None
            started = self._s.pass_first_used_at
            waiting = f"{timer.label}: starts when the pass is first used"
        else:
            started = self._records[step_id].activated_at
            waiting = f"{timer.label}: starts with this step"
        if started is None:
            return TimerView(timer.label, timer.seconds, None, None, None, waiting)
        ends = started + timedelta(seconds=timer.seconds)
        left = (ends - self._clock.now()).total_seconds()
        text = (
            f"{timer.label}: {_clock_text(left)} left" if left > 0 else f"{timer.label}: time is up"
        )
        return TimerView(timer.label, timer.seconds, started, ends, left, text)

    def reads_needed(self) -> frozenset[GraphRead]:
        """The Graph lists the next poll should fetch; empty means: do not poll."""
        if self.closed or self._s.baseline is None or self._s.pass_facts is None:
            return frozenset()
        reads: set[GraphRead] = set()
        step = self.active_step
        check = self._live_check(step) if step else None
        if check is not None and observable(check, usable_once=self._s.pass_facts.usable_once):
            reads |= READS_FOR_CHECK[check]
        if self._awaiting_first_use():
            reads.add(GraphRead.PASS)
        return frozenset(reads)

    def snapshot(self) -> ChecklistSnapshot:
        return replace(self._s, steps=tuple(self._records[s.id] for s in self.flow.steps))

    def drain_events(self) -> list[AuditEvent]:
        """Audit events since the last call, to be stored with the snapshot."""
        events, self._events = self._events, []
        return events

    # --- the technician ----------------------------------------------------------------------
    def tick(self, step_id: str, *, by: str | None = None) -> None:
        self._open_step(step_id)
        if not self.can_tick(step_id):
            raise ChecklistError(
                f"'{self.flow.step(step_id).title}' is not ticked by hand.",
                hint="Wait for tapdesk to see it, or override it with a reason.",
            )
        now, actor = self._clock.now(), by or self.technician
        # A step the technician vouches for (the identity check above all) is an event too.
        self._audit(AuditKind.CONFIRM, now, actor, step_id=step_id)
        self._finish(step_id, StepState.DONE, now, actor=actor)

    def override(self, step_id: str, reason: str, *, by: str | None = None) -> None:
        self._open_step(step_id)
        reason = self._reason(reason, required=True)
        now = self._clock.now()
        actor = by or self.technician
        self._audit(AuditKind.OVERRIDE, now, actor, step_id=step_id, detail=reason)
        self._finish(step_id, StepState.OVERRIDDEN, now, actor=actor, reason=reason)

    def skip(self, step_id: str, reason: str = "", *, by: str | None = None) -> None:
        self._open_step(step_id)
        step = self.flow.step(step_id)
        if not step.optional:
            raise ChecklistError(
                f"'{step.title}' is required.",
                hint="Override it with a reason if it is really done.",
            )
        reason = self._reason(reason, required=False)
        now = self._clock.now()
        actor = by or self.technician
        self._audit(AuditKind.SKIP, now, actor, step_id=step_id, detail=reason)
        self._finish(step_id, StepState.SKIPPED, now, actor=actor, reason=reason)

    def abandon(self, reason: str, *, by: str | None = None) -> None:
        if self.closed:
            return
        reason = self._reason(reason, required=True)
        now = self._clock.now()
        actor = by or self.technician
        self._s = replace(self._s, closed_at=now, outcome=Outcome.ABANDONED)
        self._audit(AuditKind.ABANDON, now, actor, detail=reason)

    # --- tapdesk's actions -------------------------------------------------------------------
    def pass_issued(
        self, tap: TemporaryAccessPass, methods: Iterable[AuthMethod], *, by: str | None = None
    ) -> None:
        """The pass exists. ``methods`` are the user's methods just before it was issued."""
        if self.closed:
            raise ChecklistError("This session is closed.", hint="Start a new session.")
        if self._s.pass_facts is not None:
            self.pass_replaced(tap, by=by)
            return
        now = self._clock.now()
        methods = tuple(methods)
        facts = PassFacts.from_tap(tap)
        self._s = replace(self._s, pass_facts=facts, baseline=Baseline.capture(tap, methods, now))
        actor = by or self.technician
        step = self.flow.action_step(Action.ISSUE_PASS)
        self._audit(AuditKind.ISSUE, now, actor, step_id=step.id if step else "", detail="issued")
        if step is not None and not self._records[step.id].state.finished:
            self._records[step.id] = replace(self._records[step.id], action_done_at=now)
            self._finish(step.id, StepState.DONE, now, actor=actor, evidence="Pass issued")
        self._count_existing(methods, now)

    def pass_replaced(self, tap: TemporaryAccessPass, *, by: str | None = None) -> None:
        """A new pass for the same session (the old value was lost, or it ran out)."""
        old = self._s.pass_facts
        baseline = self._s.baseline
        if self.closed or old is None or baseline is None:
            raise ChecklistError("There is no pass to replace in this session.")
        revoke = self.flow.action_step(Action.REVOKE_PASS)
        if revoke is not None and self._records[revoke.id].state.finished:
            raise ChecklistError("The pass step is finished.", hint="Start a new session.")
        now = self._clock.now()
        facts = PassFacts.from_tap(tap)
        self._s = replace(
            self._s,
            pass_facts=facts,
            baseline=baseline.with_pass(tap.id),
            pass_first_used_at=None,
            revoked_at=None,
        )
        if revoke is not None and self._records[revoke.id].action_done_at is not None:
            self._records[revoke.id] = replace(self._records[revoke.id], action_done_at=None)
        issue = self.flow.action_step(Action.ISSUE_PASS)
        self._audit(
            AuditKind.ISSUE,
            now,
            by or self.technician,
            step_id=issue.id if issue else "",
            detail="replacement",
            replaces_pass_id=old.id,
        )

    def pass_revoked(self, *, by: str | None = None) -> None:
        """tapdesk deleted the pass (Graph answered 204, or 404: already gone)."""
        facts = self._s.pass_facts
        if facts is None:
            raise ChecklistError("No pass was issued in this session.")
        if self._s.revoked_at is not None:
            return
        now = self._clock.now()
        actor = by or self.technician
        self._s = replace(self._s, revoked_at=now)
        step = self.flow.action_step(Action.REVOKE_PASS)
        self._audit(AuditKind.REVOKE, now, actor, step_id=step.id if step else "")
        if step is not None and not self._records[step.id].state.finished:
            self._records[step.id] = replace(self._records[step.id], action_done_at=now)
            if step.check is None:
                self._finish(step.id, StepState.DONE, now, actor=actor, evidence="Pass revoked")

    # --- Graph and time ----------------------------------------------------------------------
    def observe(self, observation: Observation) -> list[str]:
        """Apply one poll. Returns the ids of the steps it finished (within this poll)."""
        baseline = self._s.baseline
        if self.closed or baseline is None:
            return []
        if self._s.pass_first_used_at is None and first_use_seen(baseline, observation):
            self._s = replace(self._s, pass_first_used_at=observation.at)
        finished: list[str] = []
        for step in self.flow.steps:
            record = self._records[step.id]
            check = self._live_check(step)
            if self.closed:
                break
            if record.state.finished or check is None:
                continue
            if not all(observation.has(read) for read in READS_FOR_CHECK[check]):
                continue  # this poll did not fetch what the step needs
            result = evaluate(check, baseline, observation)
            self._results[step.id] = result
            if result.met:
                when = max(observation.at, record.activated_at or observation.at)
                self._finish(
                    step.id, StepState.DONE, when, actor=SYSTEM_ACTOR, evidence=result.text
                )
                finished.append(step.id)
        finished += self.advance_timers()
        return finished

    def advance_timers(self) -> list[str]:
        """Finish the active timer step when its time is up (call it with the countdown)."""
        finished: list[str] = []
        while not self.closed:
            step = self.active_step
            if step is None or step.kind is not StepKind.TIMER:
                break
            view = self.timer(step.id)
            now = self._clock.now()
            if view is None:
                self._finish(
                    step.id,
                    StepState.SKIPPED,
                    now,
                    actor=SYSTEM_ACTOR,
                    reason="Not needed for a reusable pass",
                )
            elif view.ran_out and view.ends_at is not None:
                self._finish(
                    step.id, StepState.DONE, view.ends_at, actor=SYSTEM_ACTOR, evidence="Time is up"
                )
            else:
                break
            finished.append(step.id)
        return finished

    # --- internals ---------------------------------------------------------------------------
    def _count_existing(self, methods: tuple[AuthMethod, ...], at: datetime) -> None:
        """Finish the steps a method already on the account answers (``counts_existing``)."""
        for step in self.flow.steps:
            if not step.counts_existing or step.check is None or self.closed:
                continue
            found = already_met(step.check, methods)
            if found is not None and not self._records[step.id].state.finished:
                self._results[step.id] = found
                self._finish(step.id, StepState.DONE, at, actor=SYSTEM_ACTOR, evidence=found.text)

    def _live_check(self, step: Step) -> Check | None:
        """The check Graph should answer for ``step`` now (an action's check: after the action)."""
        if step.check is None:
            return None
        if step.kind is StepKind.VERIFY:
            return step.check
        if step.kind is StepKind.ACTION and self._records[step.id].action_done_at is not None:
            return step.check
        return None

    def _awaiting_first_use(self) -> bool:
        facts = self._s.pass_facts
        if facts is None or not facts.usable_once or self.revoked:
            return False
        if self._s.pass_first_used_at is not None:
            return False
        return any(
            s.timer is not None
            and s.timer.starts_at is TimerStart.PASS_FIRST_USE
            and not self._records[s.id].state.finished
            for s in self.flow.steps
        )

    def _open_step(self, step_id: str) -> None:
        if self.closed:
            raise ChecklistError("This session is closed.")
        if step_id not in self._records:
            raise ChecklistError(f"This flow has no step '{step_id}'.")
        if self._records[step_id].state.finished:
            raise ChecklistError(f"'{self.flow.step(step_id).title}' is already finished.")

    def _reason(self, text: str, *, required: bool) -> str:
        # Redacted here, not only by the store, so the row on screen and the snapshot in memory
        # hold no pass either; and before the cut, which could leave half a pass unrecognised.
        reason = self._shown.redact(" ".join((text or "").split()))
        if required and not reason:
            raise ChecklistError("Give a reason.", hint="The reason goes into the audit record.")
        return reason[:MAX_REASON]

    def _finish(
        self,
        step_id: str,
        state: StepState,
        at: datetime,
        *,
        actor: str,
        reason: str = "",
        evidence: str = "",
    ) -> None:
        record = self._records[step_id]
        self._records[step_id] = replace(
            record,
            state=state,
            activated_at=record.activated_at or at,
            finished_at=at,
            actor=actor,
            reason=reason,
            evidence=evidence,
        )
        self._settle(at)
        self._maybe_complete(at)

    def _settle(self, at: datetime) -> None:
        """Mark the first unfinished step active (once: its start time is kept)."""
        if self.closed:
            return
        step = self.active_step
        if step is None:
            return
        record = self._records[step.id]
        if record.state is StepState.PENDING:
            self._records[step.id] = replace(
                record, state=StepState.ACTIVE, activated_at=record.activated_at or at
            )

    def _maybe_complete(self, at: datetime) -> None:
        if self.closed or self.active_step is not None:
            return
        self._s = replace(self._s, closed_at=at, outcome=Outcome.COMPLETED)
        self._audit(AuditKind.COMPLETE, at, self.technician)

    def _audit(
        self,
        kind: AuditKind,
        at: datetime,
        actor: str,
        *,
        step_id: str = "",
        detail: str = "",
        replaces_pass_id: str = "",
    ) -> None:
        facts = self._s.pass_facts
        self._events.append(
            AuditEvent(
                at=at,
                kind=kind,
                technician=actor,
                target_upn=self._s.upn,
                target_id=self._s.user_id,
                session_id=self._s.session_id,
                flow_id=self.flow.id,
                step_id=step_id,
                pass_id=facts.id if facts else "",
                lifetime_minutes=facts.lifetime_minutes if facts else None,
                usable_once=facts.usable_once if facts else None,
                detail=detail,
                replaces_pass_id=replaces_pass_id,
            )
        )
