"""What the browser gets back from the loopback listener (headers, refusals) and what it logs."""

from __future__ import annotations

import http.client
import logging
import socket
import threading
from urllib.parse import urlencode

import pytest

from tapdesk.auth.loopback import FINISHED_PAGE, MAX_BODY, LoopbackListener
from tests.unit.test_auth_loopback import FORM, Answer, meanwhile, post, send

FIELDS = {"code": "c-1", "state": "s-1"}
Headers = dict[str, str | None]
SHOWN = ("Content-Type", "Content-Length", "Cache-Control", "Connection")


def headers_of(port: int, method: str, path: str = "/", body: bytes | None = None) -> Headers:
    """The status line and the headers a browser reads, by name."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=FORM)
        response = conn.getresponse()
        response.read()
        return {"status": str(response.status)} | {n: response.getheader(n) for n in SHOWN}
    finally:
        conn.close()


def send_and_close(port: int, request: bytes) -> Answer:
    """A raw request whose sender then stops writing, as a client that sent all it had."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    return 0, reply.decode("utf-8", "replace")


def test_the_finished_page_and_a_refusal_carry_their_type_size_and_no_caching() -> None:
    # The page is HTML the browser renders; a refusal is plain text; neither may be cached.
    with LoopbackListener() as listener:
        port = listener.port
        thread, answers = meanwhile(
            lambda: (0, str(headers_of(port, "GET", "/favicon.ico"))),
            lambda: (0, str(headers_of(port, "POST", "/", urlencode(FIELDS).encode()))),
        )
        assert listener.wait(10, state="s-1") == FIELDS
        thread.join(10)
    refusal, page = (answer for _, answer in answers)
    assert refusal == str(
        {
            "status": "404",
            "Content-Type": "text/plain; charset=utf-8",
            "Content-Length": str(len("404 Not Found")),
            "Cache-Control": "no-store",
            "Connection": "close",
        }
    )
    assert page == str(
        {
            "status": "200",
            "Content-Type": "text/html; charset=utf-8",
            "Content-Length": str(len(FINISHED_PAGE.encode())),
            "Cache-Control": "no-store",
            "Connection": "close",
        }
    )


def test_a_refusal_says_its_status_in_plain_words() -> None:
    with LoopbackListener() as listener:
        thread, answers = meanwhile(
            lambda: send(listener.port, "GET", "/favicon.ico"),
            lambda: post(listener.port, FIELDS),
        )
        listener.wait(10, state="s-1")
        thread.join(10)
    assert answers[0] == (404, "404 Not Found")


def test_a_form_of_64_fields_is_read_and_one_of_65_is_refused() -> None:
    # parse_qs's field limit keeps a hostile page from making the listener build a huge dict.
    def form(count: int) -> dict[str, str]:
        return FIELDS | {f"f{i}": "1" for i in range(count - len(FIELDS))}

    with LoopbackListener() as listener:
        port = listener.port
        thread, answers = meanwhile(lambda: post(port, form(65)), lambda: post(port, form(64)))
        assert listener.wait(10, state="s-1") == form(64)
        thread.join(10)
    assert [status for status, _ in answers] == [404, 200]


def test_blank_values_reach_msal_as_blank_fields() -> None:
    # Entra sends session_state and error_description even when empty; MSAL gets them as sent.
    fields = {"code": "c-1", "state": "s-1", "session_state": ""}
    with LoopbackListener() as listener:
        thread, _ = meanwhile(lambda: post(listener.port, fields))
        assert listener.wait(10, state="s-1") == fields
        thread.join(10)


def test_a_negative_content_length_is_a_bad_request() -> None:
    body = urlencode(FIELDS).encode()
    request = (
        b"POST / HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: -5\r\n\r\n" + body
    )
    with LoopbackListener() as listener:
        port = listener.port
        thread, answers = meanwhile(
            lambda: send_and_close(port, request), lambda: post(port, FIELDS)
        )
        assert listener.wait(10, state="s-1") == FIELDS
        thread.join(10)
    assert answers[0][1].split("\r\n", 1)[0] == "HTTP/1.0 400 Bad Request"
    assert answers[1][0] == 200


def upload(port: int, body: bytes) -> Answer:
    """A form upload through a small send buffer, as a browser's: it finishes only if the
    listener reads the body; a reset on the way is returned as the answer."""
    head = (
        "POST / HTTP/1.1\r\nHost: localhost\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    reply = b""
    try:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
            sock.settimeout(10)
            sock.connect(("127.0.0.1", port))
            sock.sendall(head.encode() + body)
            while chunk := sock.recv(4096):
                reply += chunk
    except OSError as exc:
        return 0, f"{type(exc).__name__} after {reply!r}"
    return 0, reply.decode("utf-8", "replace").split("\r\n", 1)[0]


@pytest.mark.parametrize("size", [MAX_BODY + 1, 1024 * 1024])
def test_the_browser_sees_the_413_of_an_oversized_body_without_a_reset(size: int) -> None:
    # The refused body is read (up to a megabyte, to its last byte) before the answer, so the
    # browser's upload ends cleanly and it shows the 413 instead of "connection reset".
    big = urlencode({"code": "x" * (size - 15), "state": "s-1"}).encode()
    assert len(big) == size
    with LoopbackListener() as listener:
        port = listener.port
        thread, answers = meanwhile(lambda: upload(port, big), lambda: post(port, FIELDS))
        assert listener.wait(10, state="s-1") == FIELDS
        thread.join(10)
    assert answers == [(0, "HTTP/1.0 413 Request Entity Too Large"), (200, FINISHED_PAGE)]


def test_a_second_wait_is_a_programming_error() -> None:
    with LoopbackListener() as listener:
        assert listener.wait(0) is None
        with pytest.raises(RuntimeError, match=r"^a loopback listener waits only once$"):
            listener.wait(0)


def test_the_listener_thread_never_keeps_tapdesk_from_exiting() -> None:
    # A sign-in abandoned without close() must not hold the process open at exit.
    def blocking_threads() -> set[threading.Thread]:
        return {t for t in threading.enumerate() if not t.daemon}

    before = blocking_threads()
    seen: list[set[threading.Thread]] = []

    def look() -> Answer:
        seen.append(blocking_threads())
        return 0, ""

    with LoopbackListener() as listener:
        port = listener.port
        # The probe is answered only once the listener serves: look after it.
        thread, _ = meanwhile(
            lambda: send(port, "GET", "/favicon.ico"), look, lambda: post(port, FIELDS)
        )
        assert listener.wait(10, state="s-1") == FIELDS
        thread.join(10)
    assert seen == [before]


def test_the_log_names_the_method_and_status_but_never_the_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="tapdesk.auth.loopback")
    with LoopbackListener() as listener:
        port = listener.port
        thread, _ = meanwhile(
            lambda: send(port, "GET", "/?code=secret-code-1&state=other"),
            lambda: post(port, FIELDS),
        )
        assert listener.wait(10, state="s-1") == FIELDS
        thread.join(10)
    lines = [r.getMessage() for r in caplog.records if r.name == "tapdesk.auth.loopback"]
    assert lines == ["loopback listener: GET answered 400", "loopback listener: POST answered 200"]
