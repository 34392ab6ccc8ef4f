"""Issuing and revoking a pass: the one route for the window, its checklists and the CLI.

Graph's refusals are put in the technician's terms, and every issue, revoke and refusal leaves
exactly one audit record (never the pass). Before a request leaves, an *intent* is committed
(who, for whom, what was asked); the answer completes it, with its record, in one transaction.
A crash in between leaves the intent open, and :mod:`tapdesk.workflows.reconcile` settles it
against Graph on the next start. If the intent cannot be committed (locked, read-only, full or
missing database), no pass is issued: the trail fails closed, unless the site file allows
issuing without it (then every issue says the trail is off).

Who writes the record of an answer is decided here and nowhere else: a pass that belongs to a
checklist session is recorded by that session's checklist (saved with it, step and all; the
save closes the intent); any other pass by the issuer. A write that fails *after* Graph
created the pass (disk full) does not hide the pass: the technician still gets it, with a
warning, and the open intent is settled on the next start.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tapdesk.core.audit import AuditEvent, AuditKind, Intent, IntentKind, IntentState
from tapdesk.core.clock import Clock
from tapdesk.core.models import AuthMethod, TemporaryAccessPass, User
from tapdesk.core.passrules import IssueRequest
from tapdesk.core.roles import Roles
from tapdesk.errors import (
    AdminTargetError,
    NotPermitted,
    StorageError,
    TapdeskError,
    TrailUnavailable,
)

if TYPE_CHECKING:  # the window imports this module before httpx is loaded
    from tapdesk.graph.client import GraphClient
    from tapdesk.store import Store

TRAIL_OFF = "The audit trail is off on this bench: this pass is not recorded durably."
NOT_RECORDED = "The pass was revoked, but the audit trail could not record it (see the notice)."


@dataclass(frozen=True)
class ForSession:
    """A pass for a checklist session: its checklist records it and measures "new" against
    the methods the user had before it (``known_methods``: read with the user card already)."""

    session_id: str
    flow_id: str
    replacing: bool = False  # a replacement keeps the session's first baseline
    known_methods: tuple[AuthMethod, ...] | None = None


@dataclass(frozen=True)
class Issued:
    tap: TemporaryAccessPass
    warnings: tuple[str, ...] = ()
    baseline: tuple[AuthMethod, ...] = ()  # for a session: the methods before the pass


@dataclass(frozen=True)
class Issuer:
    """Who acts, and where the record goes. ``trail_required``: False only when the site file
    allows issuing without a durable trail."""

    technician: str
    roles: Roles
    audit: Store | None  # the trail (tests may pass a stand-in with the same methods)
    clock: Clock
    trail_required: bool = True

    # -- the trail ------------------------------------------------------------------------------
    def _begin(self, intent: Intent) -> tuple[str, ...]:
        """Commit the intent before anything is asked of Graph; fail closed without a trail.

        Only for issuing: a revoke goes ahead without one (taking a credential away is never
        the risk), with a warning that it is not recorded."""
        problem = self._write_intent(intent)
        if problem is None:
            return ()
        if intent.kind is IntentKind.REVOKE:
            return (NOT_RECORDED,)
        if not self.trail_required:
            return (TRAIL_OFF,)
        raise TrailUnavailable(
            f"No pass was issued: the audit trail cannot be written. {problem.message}",
            hint=problem.hint or "Free the database (close other tapdesk windows), then retry.",
        )

    def _write_intent(self, intent: Intent) -> StorageError | None:
        if self.audit is None or not self.audit.persistent:
            return StorageError(
                "tapdesk's database is not available, so nothing done now would be recorded.",
                hint="See the notice shown at start (another tapdesk may hold the database); "
                "close it or restart tapdesk, then try again.",
            )
        try:
            self.audit.begin_intent(intent)
        except StorageError as exc:
            return exc
        return None

    def _finish(
        self, intent: Intent, state: IntentState, *events: AuditEvent, **how: str
    ) -> tuple[str, ...]:
        if self.audit is None or not self.audit.persistent:
            return ()
        try:
            self.audit.finish_intent(intent.id, state, at=self.clock.now(), events=events, **how)
        except StorageError as exc:
            return (
                f"The audit record could not be saved: {exc.message} It is completed the next "
                "time tapdesk starts.",
            )
        return ()

    def _intent(self, kind: IntentKind, user: User, **details: Any) -> Intent:
        return Intent(
            id=str(uuid.uuid4()),
            kind=kind,
            technician=self.technician,
            target_upn=user.user_principal_name,
            target_id=user.id,
            requested_at=self.clock.now(),
            client_request_id=str(uuid.uuid4()),
            **details,
        )

    # -- acts -----------------------------------------------------------------------------------
    def issue(
        self,
        graph: GraphClient,
        user: User,
        request: IssueRequest,
        *,
        session: ForSession | None = None,
        replaces: str = "",
        on_status: Callable[[str], None] | None = None,
    ) -> Issued:
        """Create the pass. Graph's 403 does not say why; the technician's roles usually do.

        For a session the methods are read first: without them an Authenticator the user
        already had would look new, so a failure there stops before any pass exists.
        ``replaces``: the id of the pass this one takes the place of (linked in the record).
        """
        who = user.user_principal_name or user.id
        intent = self._intent(
            IntentKind.ISSUE,
            user,
            lifetime_minutes=request.lifetime_minutes,
            usable_once=request.usable_once,
            start_at=request.start,
            session_id=session.session_id if session else "",
            flow_id=session.flow_id if session else "",
            replaces_pass_id=replaces,
        )
        warnings = self._begin(intent)
        try:  # a refusal of the methods read (an admin target's 403) is the pass's refusal too
            baseline = self._baseline(graph, user, session)
            tap = graph.create_tap(
                user.id,
                request,
                on_status=on_status,
                who=who,
                client_request_id=intent.client_request_id,
            )
        except TapdeskError as refused:
            error = self._explained(refused, who)
            self._finish(
                intent,
                IntentState.FAILED,
                self.refusal(
                    user,
                    error.code or type(error).__name__,
                    error.request_id or "",
                    session_id=intent.session_id,
                    flow_id=intent.flow_id,
                ),
                error_code=error.code or type(error).__name__,
                request_id=error.request_id or "",
            )
            if error is refused:
                raise
            raise error from None
        if session is not None:  # the session's checklist records it; its save closes the intent
            return Issued(tap, warnings, baseline)
        event = self._event(
            AuditKind.ISSUE,
            user,
            tap.id,
            lifetime_minutes=tap.lifetime_minutes,
            usable_once=tap.usable_once,
            replaces_pass_id=replaces,
        )
        warnings += self._finish(intent, IntentState.DONE, event, pass_id=tap.id)
        return Issued(tap, warnings)

    @staticmethod
    def _baseline(
        graph: GraphClient, user: User, session: ForSession | None
    ) -> tuple[AuthMethod, ...]:
        """A new session's methods before its pass (the card's, else read now)."""
        if session is None or session.replacing:
            return ()
        known = session.known_methods
        return known if known is not None else tuple(graph.list_methods(user.id))

    def _explained(self, refused: TapdeskError, who: str) -> TapdeskError:
        """A 403 for a technician who may issue to members only: the target is an admin."""
        if not (
            isinstance(refused, NotPermitted)
            and self.roles.known
            and self.roles.can_issue_to_members
            and not self.roles.can_issue_to_admins
        ):
            return refused
        return AdminTargetError(
            f"{who} holds an administrator role, so only a Privileged Authentication "
            "Administrator can issue them a pass.",
            hint="Ask a colleague who holds that role, or activate it in PIM and sign in again.",
            request_id=refused.request_id,
            status=refused.status,
            code=refused.code,
        )

    def refusal(
        self, user: User, code: str, request_id: str = "", detail: str = "", **where: str
    ) -> AuditEvent:
        """The record of a pass asked for and not created: the rule or Graph's code.
        ``where``: the checklist's session_id and flow_id, when it was a checklist's pass."""
        return self._event(
            AuditKind.REFUSE,
            user,
            "",
            error_code=code,
            request_id=request_id,
            detail=detail,
            **where,
        )

    def record_refusal(self, user: User, code: str, detail: str) -> tuple[str, ...]:
        """A pass refused before anything was sent (a readiness rule): recorded, never lost
        silently; a failed write is a warning, since nothing was issued."""
        if self.audit is None or not self.audit.persistent:
            return ()
        try:
            self.audit.record_audit(self.refusal(user, code, detail=detail))
        except StorageError as exc:
            return (f"The refusal could not be recorded: {exc.message}",)
        return ()

    def revoke(
        self,
        graph: GraphClient,
        user: User,
        tap_id: str,
        *,
        session_id: str = "",
        detail: str = "",
    ) -> tuple[str, ...]:
        """Delete the pass (already gone counts as revoked); returns warnings (an audit record
        that could not be saved). A session's pass is recorded by the session's checklist.
        ``detail``: why, for the audit record (say, the pass was never shown)."""
        intent = self._intent(IntentKind.REVOKE, user, pass_id=tap_id, session_id=session_id)
        warnings = self._begin(intent)
        try:
            graph.delete_tap(user.id, tap_id, who=user.user_principal_name)
        except TapdeskError as failed:
            self._finish(
                intent,
                IntentState.FAILED,
                error_code=failed.code or type(failed).__name__,
                request_id=failed.request_id or "",
            )
            raise
        if session_id:
            return warnings
        event = self._event(AuditKind.REVOKE, user, tap_id, detail=detail)
        return warnings + self._finish(intent, IntentState.DONE, event)

    def _event(self, kind: AuditKind, user: User, pass_id: str, **details: Any) -> AuditEvent:
        return AuditEvent(
            at=self.clock.now(),
            kind=kind,
            technician=self.technician,
            target_upn=user.user_principal_name,
            target_id=user.id,
            pass_id=pass_id,
            **details,
        )
