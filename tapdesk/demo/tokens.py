"""Just enough JWT for the demo: HS256 access tokens, unsigned (``alg: none``) ID tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from tapdesk.demo.constants import DEMO_SIGNING_KEY


class BadToken(ValueError):
    """Not a token this tenant issued (malformed or wrong signature)."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _part(obj: dict[str, Any]) -> str:
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def sign_access_token(claims: dict[str, Any]) -> str:
    head = _part({"typ": "JWT", "alg": "HS256", "kid": "tapdesk-demo"})
    body = f"{head}.{_part(claims)}"
    signature = hmac.new(DEMO_SIGNING_KEY, body.encode(), hashlib.sha256).digest()
    return f"{body}.{b64url(signature)}"


def unsigned_token(claims: dict[str, Any]) -> str:
    return f"{_part({'typ': 'JWT', 'alg': 'none'})}.{_part(claims)}."


def verify_access_token(token: str) -> dict[str, Any]:
    """Claims of a token signed with the demo key; no time checks (the caller has the clock)."""
    try:
        head, body, signature = token.split(".")
        expected = hmac.new(DEMO_SIGNING_KEY, f"{head}.{body}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, b64url_decode(signature)):
            raise BadToken("signature")
        header = json.loads(b64url_decode(head))
        claims = json.loads(b64url_decode(body))
    except (ValueError, UnicodeDecodeError) as exc:  # binascii.Error is a ValueError
        raise BadToken(str(exc)) from exc
    if header.get("alg") != "HS256" or not isinstance(claims, dict):
        raise BadToken("alg")
    return claims


def decode_claims(token: str) -> dict[str, Any]:
    """Claims of any JWT, unverified (for tests and the ID token)."""
    claims: dict[str, Any] = json.loads(b64url_decode(token.split(".")[1]))
    return claims


def client_info(user_id: str, tenant_id: str) -> str:
    # MSAL builds its Account from this; without it there is no silent sign-in.
    return b64url(json.dumps({"uid": user_id, "utid": tenant_id}).encode())
