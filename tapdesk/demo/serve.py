"""``python -m tapdesk.demo.serve --state FILE``: the demo tenant in a process of its own.

In process, the tenant's handler runs on the app's worker threads and takes the GIL from the GUI
thread (with a state file, every request loads and saves it), a cost no real tenant imposes.
Here it answers on loopback HTTP instead; :class:`tapdesk.demo.relay.DemoServer` starts it and
relays the app's requests, Host header and all, so the tenant sees the https URLs it knows.

Once listening it prints one line, ``tapdesk-demo-serve PORT SECRET``, and nothing more on
stdout; it stops when its stdin ends, which is also what happens when its parent dies. It never
logs a request or a response body: they hold passes and tokens.
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import secrets
import signal
import socketserver
import sys
import threading
import traceback
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import httpx

from tapdesk.demo.tenant import DemoTenant
from tapdesk.demo.wire import (
    CONTROL_PATH,
    MAX_BODY,
    SECRET_HEADER,
    TRANSPORT_ERROR_HEADER,
    hello,
)

log = logging.getLogger("tapdesk.demo.serve")

# Hop-by-hop or recomputed here: the body is written whole, already decoded.
_NOT_FORWARDED = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
}


class DemoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # an idle keep-alive connection never holds up the exit

    def __init__(self, tenant: DemoTenant, secret: str) -> None:
        self.tenant = tenant
        self.secret = secret
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:
        # HTTPServer's own looks the address up in DNS (getfqdn), which can take seconds.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the relay's connection pool reuses connections
    # Headers and body leave in two writes: Nagle would hold the body for the client's delayed
    # ACK, 40 ms a request on Linux.
    disable_nagle_algorithm = True
    server: DemoHTTPServer

    def do_GET(self) -> None:
        self._answer()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _answer(self) -> None:
        given = self.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.server.secret.encode()):
            self._reply(403, b"", close=True)
            return
        if self.headers.get("Transfer-Encoding"):
            self._reply(411, b"", close=True)  # the relay always sends a Content-Length
            return
        length = _length(self.headers.get("Content-Length"))
        if length is None:
            self._reply(413, b"", close=True)
            return
        body = self.rfile.read(length)
        if urlsplit(self.path).path == CONTROL_PATH:
            self._control(body)
            return
        request = self._rebuilt(body)
        if request is None:
            self._reply(400, b"", close=True)
            return
        self._send(request)

    def _rebuilt(self, body: bytes) -> httpx.Request | None:
        """The request as the app's client made it: https, its own Host, its own headers."""
        host = self.headers.get("Host", "")
        if not host or not self.path.startswith("/"):
            return None
        # Raw bytes both ways (http.server decoded them as latin-1): nothing is re-encoded.
        headers = [
            (name.encode("latin-1"), value.encode("latin-1"))
            for name, value in self.headers.items()
            if name.lower() != SECRET_HEADER.lower()
        ]
        try:
            return httpx.Request(
                self.command, f"https://{host}{self.path}", headers=headers, content=body
            )
        except httpx.InvalidURL:
            return None

    def _send(self, request: httpx.Request) -> None:
        try:
            response = self.server.tenant.handler(request)
            content = response.read()
        except httpx.TransportError as exc:  # what the tenant raises for an unknown host
            extra = [(TRANSPORT_ERROR_HEADER, type(exc).__name__)]
            self._reply(502, str(exc).encode("utf-8", "replace"), extra)
            return
        except Exception as exc:  # a bug in the tenant: its place, never its values
            where = "".join(traceback.format_tb(exc.__traceback__))
            log.error("the demo tenant failed with %s:\n%s", type(exc).__name__, where)
            self._reply(500, b"", close=True)
            return
        kept = [
            (k, v) for k, v in response.headers.multi_items() if k.lower() not in _NOT_FORWARDED
        ]
        self._reply(response.status_code, content, kept)

    def _control(self, body: bytes) -> None:
        """Knobs a benchmark turns from the parent: latency, and how many requests were served."""
        tenant = self.server.tenant
        try:
            asked: Any = json.loads(body or b"{}")
            if "latency" in asked:
                latency = float(asked["latency"])
                if not 0 <= latency <= 600:
                    raise ValueError("latency")
                tenant.latency = latency
        except (TypeError, ValueError):  # json's errors are ValueErrors
            self._reply(400, b"", close=True)
            return
        answer = {
            "requests": len(tenant.requests),
            "tokenRequests": tenant.token_requests,
            "latency": tenant.latency,
        }
        self._reply(200, json.dumps(answer).encode(), [("Content-Type", "application/json")])

    def _reply(
        self,
        status: int,
        content: bytes,
        headers: Sequence[tuple[str, str]] = (),
        *,
        close: bool = False,
    ) -> None:
        # send_response_only: no Server header, and the tenant stamps its own Date.
        self.send_response_only(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        if close:  # a refused request may have left its body unread
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: every request would otherwise print a line. Only http.server's own errors
        (a malformed request line) come here through log_error, and those are worth a line."""

    def log_error(self, format: str, *args: Any) -> None:
        log.warning(format, *args)


def _length(header: str | None) -> int | None:
    """The body's length, or None for one that is not a number or too big to read."""
    try:
        length = int(header or 0)
    except ValueError:
        return None
    return length if 0 <= length <= MAX_BODY else None


def serve(state: Path, latency: float, stdin: TextIO, stdout: TextIO) -> None:
    tenant = DemoTenant(state_path=state, latency=latency)
    server = DemoHTTPServer(tenant, secrets.token_urlsafe(32))
    threading.Thread(target=server.serve_forever, name="demo-serve", daemon=True).start()
    stdout.write(hello(server.port, server.secret) + "\n")
    stdout.flush()
    for _line in stdin:  # until the parent closes it, or dies
        pass
    # No shutdown(): it waits out serve_forever's half-second poll, and would not wait for a
    # request in flight either (the parent closed its client first; a state file is replaced
    # atomically). Exiting ends the daemon threads and closes the socket.


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tapdesk.demo.serve",
        description="Serve the demo tenant on 127.0.0.1 until stdin ends.",
    )
    parser.add_argument("--state", type=Path, required=True, help="the tenant's state file")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, format="tapdesk-demo-serve: %(message)s")
    # Ctrl+C in the terminal reaches the whole process group: the parent decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(args.state, args.latency, sys.stdin, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
