"""Issuing and revoking a pass: the one route for the window, its checklists and the CLI.

Graph's refusals are put in the technician's terms, and every issue and revoke leaves exactly
one audit record (never the pass). Who writes it is decided here and nowhere else: a pass that
belongs to a checklist session is recorded by that session's checklist (saved with it, step and
all); any other pass by the issuer, straight into the store. An audit write that fails (disk
full, locked database) does not hide a pass that Graph already created: the technician still
gets it, with a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from tapdesk.core.audit import AuditEvent, AuditKind
from tapdesk.core.clock import Clock
from tapdesk.core.models import AuthMethod, TemporaryAccessPass, User
from tapdesk.core.passrules import IssueRequest
from tapdesk.core.roles import Roles
from tapdesk.errors import AdminTargetError, NotPermitted, StorageError

if TYPE_CHECKING:  # the window imports this module before httpx is loaded
    from tapdesk.graph.client import GraphClient


class AuditTrail(Protocol):
    def record_audit(self, *events: AuditEvent) -> None: ...


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
    """Who acts, and where the record goes."""

    technician: str
    roles: Roles
    audit: AuditTrail | None
    clock: Clock

    def _record(self, event: AuditEvent) -> tuple[str, ...]:
        if self.audit is None:
            return ()
        try:
            self.audit.record_audit(event)
        except StorageError as exc:
            return (f"The audit record could not be saved: {exc.message} {exc.hint}".strip(),)
        return ()

    def issue(
        self,
        graph: GraphClient,
        user: User,
        request: IssueRequest,
        *,
        session: ForSession | None = None,
        on_status: Callable[[str], None] | None = None,
    ) -> Issued:
        """Create the pass. Graph's 403 does not say why; the technician's roles usually do.

        For a session the methods are read first: without them an Authenticator the user
        already had would look new, so a failure there stops before any pass exists.
        """
        who = user.user_principal_name or user.id
        baseline: tuple[AuthMethod, ...] = ()
        if session is not None and not session.replacing:
            known = session.known_methods
            baseline = known if known is not None else tuple(graph.list_methods(user.id))
        try:
            tap = graph.create_tap(user.id, request, on_status=on_status, who=who)
        except NotPermitted as refused:
            if (
                self.roles.known
                and self.roles.can_issue_to_members
                and not self.roles.can_issue_to_admins
            ):
                raise AdminTargetError(
                    f"{who} holds an administrator role, so only a Privileged Authentication "
                    "Administrator can issue them a pass.",
                    hint="Ask a colleague who holds that role, or activate it in PIM and sign in again.",
                    request_id=refused.request_id,
                    status=refused.status,
                    code=refused.code,
                ) from None
            raise
        if session is not None:  # the session's checklist records it, with the session
            return Issued(tap, (), baseline)
        event = self._event(
            AuditKind.ISSUE,
            user,
            tap.id,
            lifetime_minutes=tap.lifetime_minutes,
            usable_once=tap.usable_once,
        )
        return Issued(tap, self._record(event))

    def revoke(
        self, graph: GraphClient, user: User, tap_id: str, *, session_id: str = ""
    ) -> tuple[str, ...]:
        """Delete the pass (already gone counts as revoked); returns warnings (an audit record
        that could not be saved). A session's pass is recorded by the session's checklist."""
        graph.delete_tap(user.id, tap_id, who=user.user_principal_name)
        if session_id:
            return ()
        return self._record(self._event(AuditKind.REVOKE, user, tap_id))

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
