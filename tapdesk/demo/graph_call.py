"""One Graph request as the handlers see it: caller, state, clock and the reply's ids."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from tapdesk.demo.authz import Caller
from tapdesk.demo.model import DemoUser, TenantState
from tapdesk.demo.responses import GraphProblem, GraphReply, bad_request, not_found


@dataclass
class GraphCall:
    request: httpx.Request
    state: TenantState
    now: datetime
    caller: Caller
    reply: GraphReply
    replication_delay: float

    def visible(self, user: DemoUser) -> bool:
        """A user created moments ago is not there yet for a while (directory replication)."""
        if not user.replicating:
            return True
        return self.now >= self.state.seeded_at + timedelta(seconds=self.replication_delay)

    def target(self, key: str, quoted: bool) -> DemoUser:
        # Graph reads an unquoted leading "$" as a system segment; only users('$x@…') works.
        if key.startswith("$") and not quoted:
            raise bad_request(f"Resource not found for the segment '{key}'.")
        user = self.state.find_user(key)
        if user is None or not self.visible(user):
            raise not_found(key)
        return user

    def query(self, name: str) -> str | None:
        value: str | None = self.request.url.params.get(name)
        return value

    def option_names(self) -> set[str]:
        return {name for name in self.request.url.params if name.startswith("$")}

    def reject_query_options(self) -> None:
        """Authentication-method lists take no OData query options at all."""
        for name in sorted(self.option_names()):
            raise bad_request(f"Query option '{name}' is not supported on this resource.")

    def body(self) -> Any:
        try:
            return json.loads(self.request.content or b"{}")
        except ValueError:
            raise GraphProblem(400, "BadRequest", "Unable to read JSON request payload.") from None
