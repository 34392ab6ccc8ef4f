"""Checks on what a technician types as a user: a UPN (name@domain) or an object id."""

from __future__ import annotations

import re

from tapdesk.errors import UsageError

_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
# Entra UPN rules: ASCII letters, digits and ' . - _ ! # ^ ~ before the @ (and a leading $ is
# legal but needs special addressing); 64 characters before the @, 113 in all.
_LOCAL = re.compile(r"^[A-Za-z0-9'._!#^~$-]+$")
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_EXAMPLE = "Type the sign-in name, for example ava.newhire@contoso.com, or the object id."


def is_object_id(text: str) -> bool:
    return bool(_GUID.match(text.strip()))


def check_user_ref(text: str) -> str:
    """Return the trimmed UPN or object id, or raise UsageError naming the problem and the fix."""
    value = (text or "").strip()
    if not value:
        raise UsageError("No user given.", hint=_EXAMPLE)
    if is_object_id(value):
        return value.lower()
    return check_upn(value)


def check_upn(text: str) -> str:
    value = (text or "").strip()
    shown = value if len(value) <= 60 else value[:57] + "..."
    if not value:
        raise UsageError("No sign-in name given.", hint=_EXAMPLE)
    if any(ch.isspace() for ch in value):
        raise UsageError(f"'{shown}' contains a space.", hint="Remove the spaces; " + _EXAMPLE)
    if "@" not in value:
        raise UsageError(f"'{shown}' has no @domain part.", hint=_EXAMPLE)
    if value.count("@") > 1:
        raise UsageError(f"'{shown}' has more than one @.", hint=_EXAMPLE)
    local, domain = value.split("@")
    if not local:
        raise UsageError(f"'{shown}' has nothing before the @.", hint=_EXAMPLE)
    if len(local) > 64 or len(value) > 113:
        raise UsageError(
            "That sign-in name is too long (64 characters before the @, 113 in all).",
            hint="Check for a pasted extra text; " + _EXAMPLE,
        )
    if not _LOCAL.match(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        bad = sorted({ch for ch in local if not _LOCAL.match(ch)})
        what = f"the character(s) {' '.join(bad)}" if bad else "a misplaced dot"
        raise UsageError(f"'{shown}' has {what} before the @.", hint=_EXAMPLE)
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise UsageError(
            f"'{domain[:40]}' is not a valid domain.",
            hint="Use the tenant's domain, for example contoso.com or contoso.onmicrosoft.com.",
        )
    return value
