"""Read the ID token's claims without verifying them: for display and the roles preflight only.

The ID token is ours to read (MSAL hands its claims over, and keeps it in the cache); the
access token is Graph's, and Microsoft says clients must treat it as opaque, so tapdesk never
reads it. tapdesk never decides access from these claims; Graph does. So no signature check
is needed, and anything unreadable simply yields "unknown".
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from tapdesk.core.roles import Roles


def jwt_payload(token: str) -> dict[str, Any] | None:
    """The payload of a JWS compact token, or None for anything else (opaque, JWE, damaged)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    body = parts[1]
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        return None
    return data if isinstance(data, dict) else None


def roles_from_id_claims(claims: Mapping[str, Any]) -> Roles:
    """Directory roles from the ID token's ``wids`` claim; unknown when it is absent (Entra
    may leave it out), so that the caller asks Graph instead."""
    wids = claims.get("wids")
    if not isinstance(wids, list):
        return Roles.unknown()
    return Roles.from_wids(str(w) for w in wids)
