"""Response builders for both hosts: Graph's error envelope (§5.1) and Entra's OAuth errors."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

GRAPH_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;charset=utf-8"


class GraphProblem(Exception):
    """Raised anywhere inside a Graph handler; becomes the error envelope."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        inner: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.inner = inner or {}  # extra innerError fields (a 429 names its code and status)


def not_found(key: str) -> GraphProblem:
    return GraphProblem(
        404,
        "Request_ResourceNotFound",
        f"Resource '{key}' does not exist or one of its queried reference-property objects "
        "are not present.",
    )


def bad_request(message: str, code: str = "BadRequest") -> GraphProblem:
    return GraphProblem(400, code, message)


def access_denied() -> GraphProblem:
    return GraphProblem(403, "accessDenied", "Request Authorization failed")


def insufficient_privileges() -> GraphProblem:
    # Directory endpoints (users) word a missing scope this way.
    return GraphProblem(
        403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."
    )


class GraphReply:
    """Per-request ids: Graph answers with ``request-id`` and echoes ``client-request-id``."""

    def __init__(self, request: httpx.Request, now: datetime) -> None:
        self.request_id = str(uuid.uuid4())
        self.client_request_id = request.headers.get("client-request-id") or self.request_id
        self.now = now

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {
            "request-id": self.request_id,
            "client-request-id": self.client_request_id,
            **(extra or {}),
        }

    def json(self, body: Any, status: int = 200) -> httpx.Response:
        return httpx.Response(status, json=body, headers=self.headers({"content-type": GRAPH_JSON}))

    def empty(self, status: int = 204) -> httpx.Response:
        return httpx.Response(status, headers=self.headers())

    def error(self, problem: GraphProblem) -> httpx.Response:
        body = {
            "error": {
                "code": problem.code,
                "message": problem.message,
                "innerError": {
                    **problem.inner,
                    "date": self.now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                    "request-id": self.request_id,
                    "client-request-id": self.client_request_id,
                },
            }
        }
        headers = self.headers({"content-type": "application/json", **problem.headers})
        return httpx.Response(problem.status, json=body, headers=headers)


class OAuthProblem(Exception):
    """An Entra token-endpoint error: HTTP 400 ``{"error": ..., "error_description": ...}``."""

    def __init__(
        self,
        error: str,
        aadsts: int,
        text: str,
        *,
        status: int = 400,
        suberror: str | None = None,
    ) -> None:
        super().__init__(text)
        self.error = error
        self.aadsts = aadsts
        self.text = text
        self.status = status
        self.suberror = suberror

    def response(self, now: datetime, headers: dict[str, str] | None = None) -> httpx.Response:
        trace_id = str(uuid.uuid4())
        correlation_id = str(uuid.uuid4())
        stamp = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        body: dict[str, Any] = {
            "error": self.error,
            "error_description": (
                f"AADSTS{self.aadsts}: {self.text}\r\nTrace ID: {trace_id}\r\n"
                f"Correlation ID: {correlation_id}\r\nTimestamp: {stamp}"
            ),
            "error_codes": [self.aadsts],
            "timestamp": stamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": f"https://login.tapdesk-demo.test/error?code={self.aadsts}",
        }
        if self.suberror:
            body["suberror"] = self.suberror
        return httpx.Response(self.status, json=body, headers=headers)
