"""Graph JSON -> core records. Tolerant of missing and unknown fields (Graph adds fields)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from tapdesk.core.models import (
    AuthMethod,
    MethodKind,
    PassCode,
    TapPolicy,
    TemporaryAccessPass,
    UsabilityReason,
    User,
)
from tapdesk.errors import GraphError

_FRACTION = re.compile(r"\.(\d+)")


def parse_time(value: object) -> datetime | None:
    """ISO 8601 from Graph (up to 7 fraction digits, 'Z'); None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), value.strip(), count=1)
    text = text.replace("Z", "+00:00").replace("z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _bool(data: Mapping[str, Any], key: str) -> bool | None:
    value = data.get(key)
    return value if isinstance(value, bool) else None


def _int(data: Mapping[str, Any], key: str, default: int) -> int:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _require(data: object, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping) or not isinstance(data.get("id"), str):
        raise GraphError(
            f"Microsoft Graph sent an unreadable {what}.",
            hint="Try again; if it persists, report it.",
        )
    return data


def user(data: object) -> User:
    d = _require(data, "user")
    return User(
        id=d["id"],
        user_principal_name=_str(d, "userPrincipalName") or "",
        display_name=_str(d, "displayName") or "",
        account_enabled=_bool(d, "accountEnabled"),
        user_type=_str(d, "userType"),
        on_premises_sync_enabled=_bool(d, "onPremisesSyncEnabled"),
        job_title=_str(d, "jobTitle"),
        department=_str(d, "department"),
        employee_hire_date=parse_time(d.get("employeeHireDate")),
        mail=_str(d, "mail"),
        created_date_time=parse_time(d.get("createdDateTime")),
    )


def policy(data: object) -> TapPolicy:
    if not isinstance(data, Mapping):
        raise GraphError("Microsoft Graph sent an unreadable pass policy.")
    defaults = TapPolicy()

    def targets(key: str, kind: str) -> tuple[str, ...]:
        """Ids of ``key``'s targets of ``kind``; a target without a type counts as a group."""
        items = data.get(key)
        if not isinstance(items, list):
            return ()
        return tuple(
            t["id"]
            for t in items
            if isinstance(t, Mapping)
            and isinstance(t.get("id"), str)
            and str(t.get("targetType") or "group").lower() == kind
        )

    return TapPolicy(
        enabled=str(data.get("state", "enabled")).lower() == "enabled",
        default_lifetime_minutes=_int(
            data, "defaultLifetimeInMinutes", defaults.default_lifetime_minutes
        ),
        minimum_lifetime_minutes=_int(
            data, "minimumLifetimeInMinutes", defaults.minimum_lifetime_minutes
        ),
        maximum_lifetime_minutes=_int(
            data, "maximumLifetimeInMinutes", defaults.maximum_lifetime_minutes
        ),
        default_length=_int(data, "defaultLength", defaults.default_length),
        one_time_forced=bool(_bool(data, "isUsableOnce")),
        include_group_ids=targets("includeTargets", "group"),
        exclude_group_ids=targets("excludeTargets", "group"),
        include_user_ids=targets("includeTargets", "user"),
        exclude_user_ids=targets("excludeTargets", "user"),
        known=True,
    )


def temporary_access_pass(data: object) -> TemporaryAccessPass:
    d = _require(data, "pass")
    created = parse_time(d.get("createdDateTime"))
    if created is None:
        raise GraphError("Microsoft Graph sent a pass without its creation time.")
    value = d.get("temporaryAccessPass")
    return TemporaryAccessPass(
        id=d["id"],
        created=created,
        start=parse_time(d.get("startDateTime")),
        lifetime_minutes=_int(d, "lifetimeInMinutes", 60),
        usable_once=bool(_bool(d, "isUsableOnce")),
        is_usable=_bool(d, "isUsable"),
        usability_reason=UsabilityReason.parse(d.get("methodUsabilityReason")),
        code=PassCode(value) if isinstance(value, str) and value else None,
    )


def method(data: object) -> AuthMethod | None:
    if not isinstance(data, Mapping) or not isinstance(data.get("id"), str):
        return None
    odata_type = _str(data, "@odata.type")
    # The docs' examples spell fido2's timestamp creationDateTime; the schema says createdDateTime.
    created = parse_time(data.get("createdDateTime") or data.get("creationDateTime"))
    return AuthMethod(
        id=data["id"],
        kind=MethodKind.from_odata_type(odata_type),
        display_name=_str(data, "displayName"),
        created=created,
        aaguid=(_str(data, "aaGuid") or None),
        model=_str(data, "model"),
        odata_type=odata_type,
    )


def collection(data: object) -> list[Any]:
    if isinstance(data, Mapping) and isinstance(data.get("value"), list):
        return list(data["value"])
    raise GraphError("Microsoft Graph sent an unreadable list.")
