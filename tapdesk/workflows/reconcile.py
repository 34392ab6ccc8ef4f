"""Settling what an interruption left open: each intent checked against Graph on every start.

An intent still open means tapdesk stopped (a crash, ``kill -9``, a power cut) after it
committed what it was about to do and before the answer was recorded. Graph says what happened:

- an issue intent whose pass exists (created in the intent's window, with its settings) is
  recorded as issued, "reconciled after an interruption", and the technician is told: the pass
  works but its value is gone, so revoke or replace it;
- an issue intent with no such pass closes as not issued;
- a revoke intent whose pass is gone is recorded as revoked; one whose pass is still there
  closes as not revoked (the pass is shown on the user's card as usual).

An intent Graph cannot be asked about now (offline, throttled) stays open for the next start.
Reconciling never blocks start-up: callers run it on a worker or after the command's own work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from tapdesk.core.audit import AuditEvent, AuditKind, Intent, IntentKind, IntentState
from tapdesk.core.clock import Clock
from tapdesk.core.models import TemporaryAccessPass
from tapdesk.errors import NotFound, StorageError, TapdeskError

if TYPE_CHECKING:
    from tapdesk.graph.client import GraphClient
    from tapdesk.store import Store

# A pass created this long around the moment the request left is the intent's: clocks differ
# (as in GraphClient's lost-create check), and Graph creates within seconds of the request.
SKEW = timedelta(minutes=5)
RECONCILED = "reconciled after an interruption"


@dataclass(frozen=True)
class Settled:
    intent: Intent
    state: IntentState  # RECONCILED, NOT_DONE, or OPEN when Graph could not be asked
    tap: TemporaryAccessPass | None = None

    @property
    def pass_left(self) -> bool:
        """A pass exists whose value nobody has: the technician should revoke or replace it."""
        return self.intent.kind is IntentKind.ISSUE and self.state is IntentState.RECONCILED

    def sentence(self) -> str:
        who = self.intent.target_upn or self.intent.target_id
        when = self.intent.requested_at.astimezone().strftime("%d %b %H:%M")
        if self.state is IntentState.OPEN:
            return (
                f"Could not check the interrupted {self.intent.kind.value} for {who} ({when}) yet."
            )
        if self.intent.kind is IntentKind.ISSUE:
            if self.pass_left:
                return (
                    f"A pass for {who} was issued at {when} when tapdesk was interrupted; it is "
                    "recorded now. Its value is gone: revoke it, or replace it if still needed."
                )
            return f"The pass asked for {who} at {when} was never created; nothing to do."
        if self.state is IntentState.RECONCILED:
            return f"The pass of {who} was revoked at {when}; it is recorded now."
        return f"The pass of {who} was not revoked at {when}: it still works."


def _matches(intent: Intent, tap: TemporaryAccessPass) -> bool:
    if not intent.requested_at - SKEW <= tap.created <= intent.requested_at + SKEW:
        return False
    if intent.lifetime_minutes is not None and tap.lifetime_minutes != intent.lifetime_minutes:
        return False
    return intent.usable_once is None or tap.usable_once == intent.usable_once


def _passes(graph: GraphClient, intent: Intent) -> list[TemporaryAccessPass]:
    try:
        return graph.list_taps(intent.target_id)
    except NotFound:
        return []  # the account is gone, and every pass with it


def _event(intent: Intent, kind: AuditKind, tap_id: str, clock: Clock) -> AuditEvent:
    return AuditEvent(
        at=clock.now(),
        kind=kind,
        technician=intent.technician,
        target_upn=intent.target_upn,
        target_id=intent.target_id,
        session_id=intent.session_id,
        flow_id=intent.flow_id,
        pass_id=tap_id,
        lifetime_minutes=intent.lifetime_minutes if kind is AuditKind.ISSUE else None,
        usable_once=intent.usable_once if kind is AuditKind.ISSUE else None,
        replaces_pass_id=intent.replaces_pass_id,
        detail=RECONCILED,
        tenant_id=intent.tenant_id,
    )


def settle(graph: GraphClient, store: Store, intent: Intent, clock: Clock) -> Settled:
    try:
        taps = _passes(graph, intent)
    except TapdeskError:
        return Settled(intent, IntentState.OPEN)
    if intent.kind is IntentKind.ISSUE:
        found = next((t for t in taps if _matches(intent, t)), None)
        if found is None:
            store.finish_intent(intent.id, IntentState.NOT_DONE, at=clock.now())
            return Settled(intent, IntentState.NOT_DONE)
        event = _event(intent, AuditKind.ISSUE, found.id, clock)
        store.finish_intent(
            intent.id, IntentState.RECONCILED, at=clock.now(), pass_id=found.id, events=(event,)
        )
        return Settled(intent, IntentState.RECONCILED, found)
    if any(t.id == intent.pass_id for t in taps):
        store.finish_intent(intent.id, IntentState.NOT_DONE, at=clock.now())
        return Settled(intent, IntentState.NOT_DONE)
    event = _event(intent, AuditKind.REVOKE, intent.pass_id, clock)
    store.finish_intent(intent.id, IntentState.RECONCILED, at=clock.now(), events=(event,))
    return Settled(intent, IntentState.RECONCILED)


def reconcile(graph: GraphClient, store: Store | None, clock: Clock) -> list[Settled]:
    """Settle every open intent of this tenant; what happened, one entry per intent."""
    if store is None or not store.persistent:
        return []
    try:
        intents = store.open_intents()
    except StorageError:
        return []
    settled = []
    for intent in intents:
        try:
            settled.append(settle(graph, store, intent, clock))
        except StorageError:
            settled.append(Settled(intent, IntentState.OPEN))
    return settled
