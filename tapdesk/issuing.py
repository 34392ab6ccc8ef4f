"""Issuing a pass, shared by the window and the CLI: Graph's refusal put in the technician's terms."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tapdesk.core.models import TemporaryAccessPass, User
from tapdesk.core.passrules import IssueRequest
from tapdesk.core.roles import Roles
from tapdesk.errors import AdminTargetError, NotPermitted

if TYPE_CHECKING:  # the window imports this module before httpx is loaded
    from tapdesk.graph.client import GraphClient


def issue_pass(
    graph: GraphClient,
    user: User,
    request: IssueRequest,
    roles: Roles,
    *,
    on_status: Callable[[str], None] | None = None,
) -> TemporaryAccessPass:
    """Create the pass. Graph's 403 does not say why; the technician's roles usually do."""
    who = user.user_principal_name or user.id
    try:
        return graph.create_tap(user.id, request, on_status=on_status, who=who)
    except NotPermitted as refused:
        if roles.known and roles.can_issue_to_members and not roles.can_issue_to_admins:
            raise AdminTargetError(
                f"{who} holds an administrator role, so only a Privileged Authentication "
                "Administrator can issue them a pass.",
                hint="Ask a colleague who holds that role, or activate it in PIM and sign in again.",
                request_id=refused.request_id,
                status=refused.status,
                code=refused.code,
            ) from None
        raise
