"""What the demo tenant's own process (:mod:`tapdesk.demo.serve`) and its relay
(:mod:`tapdesk.demo.relay`) agree on: the first line the server prints, and its extra headers."""

from __future__ import annotations

import re

HELLO = "tapdesk-demo-serve"
# Every request carries it: the loopback port is open to every local user, the secret is not.
SECRET_HEADER = "X-Tapdesk-Demo-Secret"
# The tenant raised an httpx transport error (an unknown host, say): its class name, so the
# relay raises the same error the tenant would have raised in process.
TRANSPORT_ERROR_HEADER = "X-Tapdesk-Demo-Transport-Error"
CONTROL_PATH = "/_demo/control"
MAX_BODY = 1 << 20  # nothing the app sends comes near; a bigger request is refused unread

_HELLO_LINE = re.compile(rf"{HELLO} ([0-9]{{1,5}}) ([A-Za-z0-9_-]{{32,}})")


def hello(port: int, secret: str) -> str:
    return f"{HELLO} {port} {secret}"


def read_hello(line: str) -> tuple[int, str] | None:
    """(port, secret) from the server's first line; None for anything else."""
    found = _HELLO_LINE.fullmatch(line.strip())
    if found is None or not 0 < int(found.group(1)) < 65536:
        return None
    return int(found.group(1)), found.group(2)
