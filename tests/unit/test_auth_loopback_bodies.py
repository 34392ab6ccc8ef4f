"""Which form bodies the loopback listener reads: charset, boundary sizes, empty bodies."""

from __future__ import annotations

from urllib.parse import urlencode

from tapdesk.auth.loopback import LoopbackListener
from tests.unit.test_auth_loopback import Answer, meanwhile, post, send_raw

FIELDS = {"code": "c-1", "state": "s-1"}
BODY = urlencode(FIELDS).encode()


def raw_post(port: int, headers: str, body: bytes = b"") -> Answer:
    request = f"POST / HTTP/1.1\r\nHost: localhost\r\n{headers}Connection: close\r\n\r\n"
    return send_raw(port, request.encode() + body)


def test_a_form_that_names_its_charset_is_read() -> None:
    headers = (
        "Content-Type: application/x-www-form-urlencoded; charset=UTF-8\r\n"
        f"Content-Length: {len(BODY)}\r\n"
    )
    with LoopbackListener() as listener:
        thread, _ = meanwhile(lambda: raw_post(listener.port, headers, BODY))
        assert listener.wait(10, state="s-1") == FIELDS
        thread.join(10)


def test_a_body_of_exactly_the_limit_is_read() -> None:
    with LoopbackListener(max_body=len(BODY)) as listener:
        thread, answers = meanwhile(lambda: post(listener.port, FIELDS))
        assert listener.wait(10, state="s-1") == FIELDS
        thread.join(10)
    assert answers[0][0] == 200


def test_an_empty_or_unsized_form_is_not_found_and_the_wait_goes_on() -> None:
    # An empty body carries no code: answered like a probe (404), not as a bad request (400).
    form = "Content-Type: application/x-www-form-urlencoded\r\n"
    with LoopbackListener() as listener:
        thread, answers = meanwhile(
            lambda: raw_post(listener.port, form + "Content-Length: 0\r\n"),
            lambda: raw_post(listener.port, form),
            lambda: post(listener.port, FIELDS),
        )
        assert listener.wait(10, state="s-1") == FIELDS
        thread.join(10)
    assert [answer[1].split("\r\n", 1)[0] for answer in answers[:2]] == [
        "HTTP/1.0 404 Not Found",
        "HTTP/1.0 404 Not Found",
    ]


def test_a_cancel_wins_over_an_answer_that_came_just_before() -> None:
    with LoopbackListener() as listener:
        listener.deliver(dict(FIELDS))
        listener.cancel()
        assert listener.wait(0) is None
