"""The audit trail's vocabulary: what kinds of event there are, and what one event records.

Every surface that acts (the issuer, a checklist) builds these; the store keeps them and the audit
view and export read them. No field can hold a pass value: the store takes any pass shown in this
run out of ``detail`` (:mod:`tapdesk.core.redaction`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class AuditKind(str, Enum):
    ISSUE = "issue"
    REVOKE = "revoke"
    REFUSE = "refuse"  # a pass asked for and not created: the rule, or Graph's code
    CONFIRM = "confirm"  # a manual step ticked, e.g. the identity check
    OVERRIDE = "override"
    SKIP = "skip"
    COMPLETE = "complete"
    ABANDON = "abandon"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One line of the audit trail. No field can hold a pass value (see the module's note)."""

    at: datetime
    kind: AuditKind
    technician: str
    target_upn: str
    target_id: str = ""
    session_id: str = ""
    flow_id: str = ""
    step_id: str = ""
    pass_id: str = ""
    lifetime_minutes: int | None = None
    usable_once: bool | None = None
    detail: str = ""
    tenant_id: str = ""
    replaces_pass_id: str = ""  # a replacement: the pass it took the place of
    error_code: str = ""  # a refusal: the readiness rule or Graph's error code
    request_id: str = ""  # Graph's request-id of the answer, for a support case


class IntentKind(str, Enum):
    ISSUE = "issue"
    REVOKE = "revoke"


class IntentState(str, Enum):
    OPEN = "open"  # committed before the request left; no answer recorded yet
    DONE = "done"  # the answer came and its audit record was written with it
    FAILED = "failed"  # Graph refused or could not be reached
    NOT_DONE = "not_done"  # after an interruption, Graph showed nothing happened
    RECONCILED = "reconciled"  # after an interruption, Graph showed it happened: recorded then


@dataclass(frozen=True, slots=True)
class Intent:
    """What tapdesk is about to ask Graph, committed before the request leaves: a crash at any
    moment after it leaves this to check against Graph on the next start. Never the pass."""

    id: str
    kind: IntentKind
    technician: str
    target_upn: str
    target_id: str
    requested_at: datetime
    tenant_id: str = ""
    lifetime_minutes: int | None = None
    usable_once: bool | None = None
    start_at: datetime | None = None
    client_request_id: str = ""
    session_id: str = ""
    flow_id: str = ""
    pass_id: str = ""  # revoke: the pass to delete; issue: the pass once Graph answered
    replaces_pass_id: str = ""
    state: IntentState = IntentState.OPEN
