"""The demo tenant in a child process: start it, relay requests to it, stop it.

    with DemoServer.start(state_path) as server:
        http = httpx.Client(transport=server.transport())

The app keeps its https URLs (MSAL refuses an http:// authority); :class:`LoopbackTransport`
sends each request to the child's port on 127.0.0.1 with its headers, Host included, and the
child answers as the tenant would in process. A :class:`DemoTenant` on the same state file still
works in the parent (the simulated phone, screenshots): the file is locked per transaction.

The child stops when its stdin ends: :meth:`DemoServer.close`, or the parent's death, which
closes the pipe on Windows as on POSIX. A frozen build (PyInstaller) has no Python to start
``-m tapdesk.demo.serve`` with, so :meth:`DemoServer.start` refuses there.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import sysconfig
import threading
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import httpx

from tapdesk.demo.wire import (
    CONTROL_PATH,
    SECRET_HEADER,
    TRANSPORT_ERROR_HEADER,
    read_hello,
)
from tapdesk.errors import TapdeskError

log = logging.getLogger(__name__)

START_SECONDS = 20.0  # a cold start on a loaded machine; a normal one takes 0.2 s
STOP_SECONDS = 5.0
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding"}


class DemoServerError(TapdeskError):
    title = "The demo tenant did not start"


class LoopbackTransport(httpx.BaseTransport):
    """Each request to the demo server on ``127.0.0.1:port``, as the app's client made it."""

    def __init__(self, port: int, secret: str) -> None:
        self._port = port
        self._secret = secret
        self._http = httpx.HTTPTransport()  # never a proxy: the server is on this machine

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        headers = httpx.Headers(request.headers)
        if headers.pop("transfer-encoding", None) is not None:
            headers["content-length"] = str(len(body))
        headers[SECRET_HEADER] = self._secret
        relayed = httpx.Request(
            request.method,
            request.url.copy_with(scheme="http", host="127.0.0.1", port=self._port),
            headers=headers,  # Host stays the tenant's: the server rebuilds the https URL
            content=body,
            extensions={k: v for k, v in request.extensions.items() if k == "timeout"},
        )
        answer = self._http.handle_request(relayed)
        try:
            content = answer.read()
        finally:
            answer.close()
        failed = answer.headers.get(TRANSPORT_ERROR_HEADER)
        if failed is not None:
            raise _transport_error(failed, content.decode("utf-8", "replace"), request)
        kept = [(k, v) for k, v in answer.headers.multi_items() if k.lower() not in _HOP_BY_HOP]
        return httpx.Response(answer.status_code, headers=kept, content=content, request=request)

    def close(self) -> None:
        self._http.close()


def _transport_error(name: str, message: str, request: httpx.Request) -> httpx.TransportError:
    """The httpx error the tenant raised in the child, raised again here."""
    kind = getattr(httpx, name, None)
    if not (isinstance(kind, type) and issubclass(kind, httpx.TransportError)):
        kind = httpx.TransportError
    error: httpx.TransportError = kind(message, request=request)
    return error


class DemoServer:
    """A running ``python -m tapdesk.demo.serve``: its port, its transport, its knobs."""

    def __init__(self, process: subprocess.Popen[str], port: int, secret: str) -> None:
        self.process = process
        self.port = port
        self._secret = secret
        self.stray_output = ""  # anything it printed after its first line (tests read it)
        self._closed = False

    @classmethod
    def start(
        cls,
        state_path: Path,
        *,
        latency: float = 0.0,
        stderr: int | IO[Any] | None = None,
        timeout: float = START_SECONDS,
    ) -> DemoServer:
        """Start the server on ``state_path`` and wait until it listens. ``stderr``: where its
        warnings go (ours by default)."""
        if getattr(sys, "frozen", False):
            raise DemoServerError(
                "The packaged app cannot start the demo tenant in a process of its own.",
                hint="Run the demo tenant in process, or tapdesk from Python (python -m tapdesk).",
            )
        command = [sys.executable, "-m", "tapdesk.demo.serve", "--state", str(state_path)]
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [*command, "--latency", repr(float(latency))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            encoding="utf-8",
            env=_child_env(),
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),  # no console flashes up
        )
        line = _first_line(process, timeout)
        found = read_hello(line) if line is not None else None
        if found is None:
            process.kill()
            process.wait()
            _close_pipes(process)
            raise DemoServerError(_why_not(process, line, timeout), hint=_HINT)
        return cls(process, *found)

    def transport(self) -> LoopbackTransport:
        """A new transport (its own connection pool) to this server."""
        return LoopbackTransport(self.port, self._secret)

    def set_latency(self, seconds: float) -> None:
        self._control({"latency": seconds})

    def request_count(self) -> int:
        """Requests the tenant has served (Graph and sign-in), as ``len(tenant.requests)``."""
        return int(self._control({})["requests"])

    def _control(self, asked: dict[str, Any]) -> dict[str, Any]:
        response = httpx.post(
            f"http://127.0.0.1:{self.port}{CONTROL_PATH}",
            json=asked,
            headers={SECRET_HEADER: self._secret},
            trust_env=False,
            timeout=10.0,
        )
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer

    def close(self) -> None:
        """End its stdin and wait for it to exit; kill it if it does not within seconds."""
        if self._closed:
            return
        self._closed = True
        process = self.process
        if process.stdin is not None and not process.stdin.closed:
            with contextlib.suppress(OSError):  # it is gone already: the pipe is broken
                process.stdin.close()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            log.warning("the demo tenant's process did not stop; killing it")
            process.kill()
            process.wait()
        if process.stdout is not None:
            self.stray_output = process.stdout.read()
        _close_pipes(process)

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


_HINT = "Its error output, above or in the terminal, says why; or run the demo tenant in process."


def _child_env() -> dict[str, str]:
    """Our environment, with tapdesk importable however this process found it (a source tree
    on sys.path or the current folder), unless it is installed where any Python looks."""
    # Never a token handed to the app: the child mints its own, and needs none of ours.
    env = {k: v for k, v in os.environ.items() if k != "TAPDESK_ACCESS_TOKEN"}
    root = str(Path(__file__).resolve().parents[2])
    installed = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    if root not in installed:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def _first_line(process: subprocess.Popen[str], timeout: float) -> str | None:
    """Its first stdout line, or None when none came in time (a pipe has no timeout of its
    own on Windows: a thread reads it)."""
    lines: list[str] = []
    assert process.stdout is not None
    stdout = process.stdout
    reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return lines[0] if lines else None


def _why_not(process: subprocess.Popen[str], line: str | None, timeout: float) -> str:
    # The line itself is never repeated: a half-right one may hold the secret.
    if line is None:
        return f"The demo tenant's process did not answer within {timeout:g} seconds."
    if line == "":
        return (
            f"The demo tenant's process ended (exit code {process.returncode}) before it listened."
        )
    return "The demo tenant's process answered with an unexpected first line."


def _close_pipes(process: subprocess.Popen[str]) -> None:
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()
