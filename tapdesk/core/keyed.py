"""Keyed digests of secrets (a pass, the clipboard's copy): compared later without keeping them.

``hmac`` loads OpenSSL's binding, some 3 ms of every start of the window; nothing needs it
before the first pass is shown, so it is imported then, here and nowhere else.
"""

from __future__ import annotations

import os


def new_key() -> bytes:
    """A key for this run only (what ``secrets.token_bytes`` reads)."""
    return os.urandom(32)


def digest(key: bytes, text: str) -> bytes:
    """HMAC-SHA-256 of ``text`` under ``key``."""
    import hmac

    return hmac.digest(key, text.encode("utf-8"), "sha256")


def same(a: bytes, b: bytes) -> bool:
    """Constant-time equality of two digests."""
    import hmac

    return hmac.compare_digest(a, b)
