"""The audit trail's vocabulary: what kinds of event there are, and what one event records.

Every surface that acts (the issuer, a checklist) builds these; the store keeps them and the audit
view and export read them. No field can hold a pass value: free text passes through
:func:`tapdesk.core.checklist.redact_pass` first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class AuditKind(str, Enum):
    ISSUE = "issue"
    REVOKE = "revoke"
    OVERRIDE = "override"
    SKIP = "skip"
    COMPLETE = "complete"
    ABANDON = "abandon"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One line of the audit trail. No field can hold a pass value (see :func:`redact_pass`)."""

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
