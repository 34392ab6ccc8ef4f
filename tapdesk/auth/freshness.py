"""How recent a technician's last interactive sign-in is, read from Entra's own ``auth_time``.

On a shared bench a saved sign-in may belong to whoever used the bench before. tapdesk does not
time people itself: it asks Entra with ``max_age`` (OpenID Connect Core 3.1.2.1, sent by MSAL,
which then checks ``auth_time`` on the browser path) and reads the ``auth_time`` claim Entra puts
in the ID token ("Time when the user last authenticated", Entra's optional-claims reference; an
ID token asked for with max_age must carry it). No ``auth_time`` means "unknown", never "fresh".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

# MSAL Python allows this much clock skew in its own auth_time check (oidc.py); so do we.
SKEW_SECONDS = 120
# MSAL Python's RuntimeError for a stale or missing auth_time starts with this (oidc.py).
MSAL_MAX_AGE_FAILURE = "13. "


def authenticated_at(claims: Mapping[str, Any]) -> datetime | None:
    """The ``auth_time`` of ID-token claims, or None when Entra did not send one."""
    value = claims.get("auth_time")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def is_fresh(at: datetime | None, max_age_seconds: int, now: datetime, *, skew: int = 0) -> bool:
    """Whether a sign-in at ``at`` is recent enough; an unknown time never is. ``skew``: the
    clock difference to forgive (a token Entra just issued); none when deciding for ourselves."""
    if at is None:
        return False
    return (now - at).total_seconds() <= max_age_seconds + skew
