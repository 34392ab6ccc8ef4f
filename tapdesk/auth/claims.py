"""Read claims from a token without verifying it: for display and the roles preflight only.

tapdesk never decides access from these claims; Graph does. So no signature check is needed,
and an opaque or encrypted token simply yields "unknown".
"""

from __future__ import annotations

import base64
import json
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


def roles_from_access_token(token: str) -> Roles:
    """Directory roles from the ``wids`` claim.

    Entra emits a claim only when it has a value, so a readable token without ``wids`` means
    "no tenant-wide role"; an unreadable token means "unknown".
    """
    claims = jwt_payload(token)
    if claims is None:
        return Roles.unknown()
    wids = claims.get("wids", [])
    if not isinstance(wids, list):
        return Roles.unknown()
    return Roles.from_wids(str(w) for w in wids)
