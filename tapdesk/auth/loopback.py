"""A one-shot loopback listener for the browser sign-in's redirect (RFC 8252, section 7.3).

It binds 127.0.0.1 on a port the OS picks as soon as it is created, so the port can go into
the redirect URI before the browser opens. ``wait`` serves until a request carries ``code`` or
``error`` (a ``form_post`` body to any path, or a query string), answers it with a fixed page
and returns its parameters. Anything else (``/favicon.ico``, a probe, a response for another
sign-in) is answered and ignored. Standard library only.
"""

from __future__ import annotations

import logging
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)

LOOPBACK_HOST = "127.0.0.1"  # never all interfaces: the code must not be reachable from the LAN
MAX_BODY = 64 * 1024  # a form_post answer is a few kilobytes
_MAX_FIELDS = 64
_DRAIN_LIMIT = 1024 * 1024  # read this much of a refused body, so the browser sees the 413
_REQUEST_TIMEOUT = 10.0  # per connection; browsers open idle sockets ahead of time
_POLL_INTERVAL = 0.05  # how soon ``close`` stops the serving thread
_FORM = "application/x-www-form-urlencoded"
_REDIRECT_KEYS = frozenset({"code", "error"})

# Fixed text: the parameters are secrets and untrusted, so none of them goes into the page.
FINISHED_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>tapdesk sign-in</title></head>"
    "<body><p>The sign-in has finished. You can close this window and return to tapdesk.</p>"
    "</body></html>"
)

Fields = dict[str, str]


def parse_fields(text: str) -> Fields | None:
    """``a=1&b=2`` as a dict (first value of each key); None when it is not a form."""
    try:
        parsed = parse_qs(text, keep_blank_values=True, max_num_fields=_MAX_FIELDS)
    except ValueError:
        return None
    return {key: values[0] for key, values in parsed.items()}


class LoopbackListener:
    """Waits, once, for the authorization response on ``http://127.0.0.1:<port>``.

    Use as a context manager: the socket is closed on exit. ``cancel`` may be called from any
    thread; it makes ``wait`` return None at once.
    """

    def __init__(self, *, max_body: int = MAX_BODY) -> None:
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._state: str | None = None
        self._result: Fields | None = None
        self._cancelled = False
        self._thread: threading.Thread | None = None
        self._server = _Server(self, max_body)  # bound and listening from here on

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def wait(self, timeout: float, *, state: str | None = None) -> Fields | None:
        """The redirect's parameters; None on timeout or cancel.

        With ``state``, a response carrying another state (a forged or stale one) is refused
        and the wait goes on. Requests that came in before this call are served now.
        """
        with self._lock:
            if self._thread is not None:
                raise RuntimeError("a loopback listener waits only once")
            self._state = state
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": _POLL_INTERVAL},
                name="tapdesk-loopback",
                daemon=True,
            )
            self._thread.start()
        self._done.wait(timeout)
        with self._lock:
            return None if self._cancelled else self._result

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
        self._done.set()

    def accepts(self, fields: Fields) -> bool:
        with self._lock:
            return self._state is None or fields.get("state") == self._state

    def deliver(self, fields: Fields) -> None:
        with self._lock:
            if self._result is None:  # the first answer wins
                self._result = fields
        self._done.set()

    def close(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._server.shutdown()
            thread.join()
        self._server.server_close()

    def __enter__(self) -> LoopbackListener:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a stalled browser connection must not hold up close()
    allow_reuse_address = False  # on Windows it would let another process share the port

    def __init__(self, listener: LoopbackListener, max_body: int) -> None:
        self.listener = listener
        self.max_body = max_body
        super().__init__((LOOPBACK_HOST, 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The default prints a traceback to stderr; one broken request must not end the wait.
        log.debug("loopback listener: a request failed")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = _REQUEST_TIMEOUT
    server_version = "tapdesk"
    sys_version = ""

    def do_GET(self) -> None:
        self._take(urlsplit(self.path).query)

    def do_POST(self) -> None:
        body = self._read_form()
        if body is not None:
            self._take(body)

    def _read_form(self) -> str | None:
        kind = self.headers.get("Content-Type", "").partition(";")[0].strip().lower()
        if kind != _FORM:
            self._answer(HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
            return None
        length = _content_length(self.headers.get("Content-Length"))
        if length is None:
            self._answer(HTTPStatus.BAD_REQUEST)
            return None
        if length > self.server.max_body:
            self._discard(min(length, _DRAIN_LIMIT))
            self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return None
        try:
            return self.rfile.read(length).decode("utf-8")
        except UnicodeDecodeError:
            self._answer(HTTPStatus.BAD_REQUEST)
            return None

    def _take(self, query: str) -> None:
        fields = parse_fields(query)
        if fields is None or not _REDIRECT_KEYS & fields.keys():
            self._answer(HTTPStatus.NOT_FOUND)  # favicon, probes: the wait goes on
            return
        if not self.server.listener.accepts(fields):
            self._answer(HTTPStatus.BAD_REQUEST)  # another sign-in's answer, or a forged one
            return
        try:
            self._answer(HTTPStatus.OK, FINISHED_PAGE)  # first, so the browser gets the page
        finally:
            self.server.listener.deliver(fields)  # even if the browser went away meanwhile

    def _discard(self, length: int) -> None:
        while length > 0:
            chunk = self.rfile.read(min(length, MAX_BODY))
            if not chunk:
                return
            length -= len(chunk)

    def _answer(self, status: HTTPStatus, page: str | None = None) -> None:
        body = (page or f"{status.value} {status.phrase}").encode("utf-8")
        self.send_response(status)
        kind = "text/html" if page else "text/plain"
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # The stdlib's error page quotes parts of the request back; ours says nothing.
        self._answer(HTTPStatus(code))

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Method and status only: the request line of a GET redirect carries the code.
        log.debug("loopback listener: %s answered %s", self.command, code)

    def log_message(self, format: str, *args: Any) -> None:
        # The stdlib passes the raw request line here too; it is dropped, never logged.
        return


def _content_length(value: str | None) -> int | None:
    if value is None:
        return 0
    try:
        length = int(value)
    except ValueError:
        return None
    return length if length >= 0 else None
