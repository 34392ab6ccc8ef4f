"""The demo tenant's Graph behind a real loopback HTTP socket: "any server that speaks Graph"."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from tapdesk.demo import DEMO_GRAPH_URL, DemoTenant

_GRAPH_ROOT = DEMO_GRAPH_URL.rsplit("/v1.0", 1)[0]


@contextmanager
def serve_graph(tenant: DemoTenant) -> Iterator[str]:
    """Yield ``http://127.0.0.1:PORT/v1.0`` while a thread serves the tenant's Graph there."""

    class Handler(BaseHTTPRequestHandler):
        def _relay(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            request = httpx.Request(
                self.command, _GRAPH_ROOT + self.path, headers=headers, content=body
            )
            response = tenant.handler(request)
            response.read()
            self.send_response_only(response.status_code)  # the tenant stamps its own Date
            for key, value in response.headers.items():
                if key.lower() not in {"content-length", "transfer-encoding", "connection"}:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(response.content)))
            self.end_headers()
            self.wfile.write(response.content)

        do_GET = do_POST = do_DELETE = do_PATCH = _relay

        def log_message(self, format: str, *args: object) -> None:  # quiet test output
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1.0"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
