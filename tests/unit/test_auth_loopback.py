"""The browser sign-in's loopback listener, and the rule that tapdesk uses only public MSAL."""

from __future__ import annotations

import ast
import http.client
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tapdesk.auth.loopback import FINISHED_PAGE, MAX_BODY, LoopbackListener

ROOT = Path(__file__).resolve().parents[2]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
Answer = tuple[int, str]


def send(
    port: int, method: str, path: str = "/", body: bytes | None = None, *, form: bool = True
) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=FORM if form else {})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def post(port: int, fields: dict[str, str], path: str = "/") -> Answer:
    return send(port, "POST", path, urlencode(fields).encode())


def send_raw(port: int, request: bytes) -> Answer:
    """A request http.client would refuse to send; the whole reply comes back, status 0."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    return 0, reply.decode("utf-8", "replace")


def meanwhile(*steps: Callable[[], Answer]) -> tuple[threading.Thread, list[Answer]]:
    """Runs ``steps`` in order on another thread, as a browser would while ``wait`` serves."""
    answers: list[Answer] = []

    def run() -> None:
        for step in steps:
            answers.append(step())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, answers


def test_form_post_fields_come_back_and_the_browser_gets_the_page() -> None:
    fields = {"code": "c-1", "state": "s-1", "session_state": "x"}
    with LoopbackListener() as listener:
        thread, answers = meanwhile(lambda: post(listener.port, fields))
        assert listener.wait(10, state="s-1") == fields
        thread.join(10)
    assert answers == [(200, FINISHED_PAGE)]


def test_query_string_fields_come_back() -> None:
    with LoopbackListener() as listener:
        thread, answers = meanwhile(lambda: send(listener.port, "GET", "/?code=c-2&state=s-1"))
        assert listener.wait(10, state="s-1") == {"code": "c-2", "state": "s-1"}
        thread.join(10)
    assert answers[0][0] == 200


def test_error_answers_end_the_wait_too() -> None:
    fields = {"error": "access_denied", "state": "s-1"}
    with LoopbackListener() as listener:
        thread, _ = meanwhile(lambda: post(listener.port, fields, "/any/path"))
        assert listener.wait(10, state="s-1") == fields
        thread.join(10)


def test_favicon_probes_and_other_sign_ins_do_not_end_the_wait() -> None:
    good = {"code": "c-3", "state": "s-1"}
    with LoopbackListener() as listener:
        port = listener.port
        thread, answers = meanwhile(
            lambda: send(port, "GET", "/favicon.ico"),
            lambda: send(port, "GET", "/"),
            lambda: post(port, {"unrelated": "1"}),
            lambda: send(port, "POST", "/", b'{"code": "c"}', form=False),
            lambda: post(port, {"code": "forged", "state": "other"}),
            lambda: post(port, good),
        )
        assert listener.wait(10, state="s-1") == good
        thread.join(10)
    assert [status for status, _ in answers] == [404, 404, 404, 415, 400, 200]


def test_times_out() -> None:
    with LoopbackListener() as listener:
        started = time.monotonic()
        assert listener.wait(0.3) is None
        assert 0.3 <= time.monotonic() - started < 2


def test_cancelled_from_another_thread() -> None:
    with LoopbackListener() as listener:
        timer = threading.Timer(0.2, listener.cancel)
        timer.start()
        started = time.monotonic()
        assert listener.wait(30) is None
        assert time.monotonic() - started < 2
        timer.join()


def test_cancelled_before_the_wait_returns_at_once() -> None:
    with LoopbackListener() as listener:
        listener.cancel()
        started = time.monotonic()
        assert listener.wait(30) is None
        assert time.monotonic() - started < 1


def test_oversized_body_is_refused_and_the_wait_goes_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    big = urlencode({"code": "x" * (MAX_BODY + 1), "state": "s-1"}).encode()
    with LoopbackListener() as listener:
        port = listener.port
        thread, answers = meanwhile(
            lambda: send(port, "POST", "/", big),
            lambda: post(port, {"code": "c-4", "state": "s-1"}),
        )
        assert listener.wait(10, state="s-1") == {"code": "c-4", "state": "s-1"}
        thread.join(10)
    assert [status for status, _ in answers] == [413, 200]
    assert capsys.readouterr().err == ""  # no traceback from the server thread


def test_posted_values_are_never_echoed_into_the_answer() -> None:
    marker = "<script>alert('marker-7f3a')</script>"
    with LoopbackListener() as listener:
        port = listener.port
        thread, answers = meanwhile(
            lambda: post(port, {"code": marker, "state": "wrong", "error_description": marker}),
            lambda: send(port, "GET", "/?" + urlencode({"error": marker, "state": "wrong"})),
            lambda: send_raw(port, b"GET / <script>marker-7f3a</script>\r\n\r\n"),
            lambda: post(port, {"error": "x", "error_description": marker, "state": "s-1"}),
        )
        assert listener.wait(10, state="s-1") is not None
        thread.join(10)
    assert len(answers) == 4
    for _, page in answers:
        assert "marker-7f3a" not in page and "<script>" not in page


def test_the_socket_is_closed_on_exit() -> None:
    with LoopbackListener() as listener:
        port = listener.port
        assert listener.wait(0.05) is None
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_the_socket_is_closed_even_without_a_wait() -> None:
    with LoopbackListener() as listener:
        port = listener.port
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


# --- only public MSAL ---------------------------------------------------------------------


def private_msal_imports(source: str) -> list[str]:
    """Modules under ``msal.`` that ``source`` imports; only ``import msal`` and
    ``from msal import X`` use the public package."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("msal.")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [node.module] if node.module.startswith("msal.") else []
    return found


def test_the_private_import_check_catches_what_it_should() -> None:
    source = "\n".join(
        [
            "import msal",
            "import msal_extensions",
            "from msal import PublicClientApplication",
            "from msal.oauth2cli.authcode import AuthCodeReceiver",
            "import msal.token_cache",
            "import os, msal.oauth2cli as oauth",
            "def f():\n    from msal.application import ClientApplication",
        ]
    )
    assert private_msal_imports(source) == [
        "msal.oauth2cli.authcode",
        "msal.token_cache",
        "msal.oauth2cli",
        "msal.application",
    ]


@pytest.mark.slow
def test_tapdesk_imports_no_private_msal_module() -> None:
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in sorted((ROOT / "tapdesk").rglob("*.py"))
        if (found := private_msal_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
