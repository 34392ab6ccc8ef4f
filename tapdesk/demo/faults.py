"""Scripted failures: throttling, outages, timeouts, a dropped connection after a create.

A fault fires on the next ``times`` requests that match its filters (``times=None``: until
:meth:`DemoTenant.clear_faults`). Filters: ``method`` (exact, case-insensitive) and
``path_contains`` (a substring of the decoded path and query).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

import httpx

THROTTLE = "throttle"
UNAVAILABLE = "unavailable"
TIMEOUT = "timeout"
OFFLINE = "offline"
DROP_AFTER_CREATE = "drop_after_create"
ACCEPTED = "accepted"
ERROR = "error"


@dataclass
class Fault:
    kind: str
    times: int | None = 1
    method: str | None = None
    path_contains: str | None = None
    status: int = 429
    retry_after: str | None = None
    code: str = ""  # ERROR: Graph's error.code and error.message, sent as given
    message: str = ""

    @classmethod
    def throttle(
        cls,
        retry_after: str | float | None = "1",
        *,
        times: int | None = 1,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> Fault:
        """429 ``TooManyRequests``; ``retry_after`` is sent verbatim (Graph sends "2.128")."""
        header = None if retry_after is None else str(retry_after)
        return cls(THROTTLE, times, method, path_contains, 429, header)

    @classmethod
    def unavailable(
        cls,
        status: int = 503,
        retry_after: str | float | None = None,
        *,
        times: int | None = 1,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> Fault:
        if status not in (503, 504):
            raise ValueError("unavailable faults are 503 or 504")
        header = None if retry_after is None else str(retry_after)
        return cls(UNAVAILABLE, times, method, path_contains, status, header)

    @classmethod
    def accepted(
        cls, *, times: int | None = 1, method: str | None = "GET", path_contains: str | None = None
    ) -> Fault:
        """202 Accepted with an empty body: a user GET "may answer 202 when the service needs
        more time" (Graph, Get user)."""
        return cls(ACCEPTED, times, method, path_contains, 202)

    @classmethod
    def error(
        cls,
        status: int,
        code: str,
        message: str,
        *,
        times: int | None = 1,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> Fault:
        """Graph's error envelope with this status, ``code`` and ``message``, whatever they hold
        (for what a proxy, a future Graph or a hostile server might send)."""
        return cls(ERROR, times, method, path_contains, status, None, code, message)

    @classmethod
    def timeout(
        cls, *, times: int | None = 1, method: str | None = None, path_contains: str | None = None
    ) -> Fault:
        """The request raises ``httpx.ReadTimeout`` (nothing reaches the tenant)."""
        return cls(TIMEOUT, times, method, path_contains)

    @classmethod
    def offline(
        cls, *, times: int | None = 1, method: str | None = None, path_contains: str | None = None
    ) -> Fault:
        """The request raises ``httpx.ConnectError`` (nothing reaches the tenant)."""
        return cls(OFFLINE, times, method, path_contains)

    @classmethod
    def drop_after_create(
        cls,
        *,
        times: int | None = 1,
        method: str | None = "POST",
        path_contains: str | None = "temporaryAccessPassMethods",
    ) -> Fault:
        """The tenant performs the request, then the connection drops before the answer."""
        return cls(DROP_AFTER_CREATE, times, method, path_contains)

    def matches(self, request: httpx.Request) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.method and self.method.upper() != request.method:
            return False
        target = unquote(request.url.raw_path.decode("ascii"))
        return not self.path_contains or self.path_contains in target

    def consume(self) -> None:
        if self.times is not None:
            self.times -= 1

    def raise_transport_error(self, request: httpx.Request) -> None:
        if self.kind == TIMEOUT:
            raise httpx.ReadTimeout("The read operation timed out (demo fault)", request=request)
        if self.kind == OFFLINE:
            raise httpx.ConnectError(
                "[Errno -3] Name resolution failed (demo fault)", request=request
            )
        if self.kind == DROP_AFTER_CREATE:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response (demo fault)", request=request
            )
