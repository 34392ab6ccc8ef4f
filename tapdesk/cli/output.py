"""Rendering command results for a terminal or as JSON."""

from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Any, TextIO

import qrcode

from tapdesk.cli.terminal import field
from tapdesk.core.aaguid import authenticator_name
from tapdesk.core.lifecycle import countdown
from tapdesk.core.models import (
    AuthMethod,
    MethodKind,
    TapPolicy,
    TemporaryAccessPass,
    User,
    UserStatus,
)


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def local(value: datetime) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M %Z")


def write_json(out: TextIO, data: Any) -> None:
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "userPrincipalName": user.user_principal_name,
        "displayName": user.display_name,
        "accountEnabled": user.account_enabled,
        "userType": user.user_type,
        "onPremisesSyncEnabled": user.on_premises_sync_enabled,
        "jobTitle": user.job_title,
        "department": user.department,
        "employeeHireDate": iso(user.employee_hire_date),
    }


def tap_json(tap: TemporaryAccessPass, now: datetime) -> dict[str, Any]:
    """Everything about a pass except its value (added only by ``issue``)."""
    return {
        "id": tap.id,
        "createdDateTime": iso(tap.created),
        "startDateTime": iso(tap.effective_start),
        "expiresDateTime": iso(tap.expires),
        "lifetimeInMinutes": tap.lifetime_minutes,
        "isUsableOnce": tap.usable_once,
        "isUsable": tap.is_usable,
        "methodUsabilityReason": tap.usability_reason.value,
        "state": countdown(tap, now).state.value,
    }


def method_label(method: AuthMethod) -> str:
    if method.kind is MethodKind.FIDO2:
        return f"Passkey: {authenticator_name(method.aaguid, method.model)}"
    name = method.kind.label
    return f"{name} ({method.display_name})" if method.display_name else name


def method_json(method: AuthMethod) -> dict[str, Any]:
    return {
        "id": method.id,
        "type": method.kind.value,
        "label": method_label(method),
        "displayName": method.display_name,
        "createdDateTime": iso(method.created),
        "aaGuid": method.aaguid,
    }


def policy_json(policy: TapPolicy) -> dict[str, Any]:
    return {
        "known": policy.known,
        "state": "enabled" if policy.enabled else "disabled",
        "defaultLifetimeInMinutes": policy.default_lifetime_minutes,
        "minimumLifetimeInMinutes": policy.minimum_lifetime_minutes,
        "maximumLifetimeInMinutes": policy.maximum_lifetime_minutes,
        "defaultLength": policy.default_length,
        "isUsableOnce": policy.one_time_forced,
        "includeTargets": _targets(policy.include_group_ids, policy.include_user_ids),
        "excludeTargets": _targets(policy.exclude_group_ids, policy.exclude_user_ids),
    }


def status_json(status: UserStatus, now: datetime) -> dict[str, Any]:
    return {
        "user": user_json(status.user),
        "temporaryAccessPass": tap_json(status.tap, now) if status.tap else None,
        "methods": [method_json(m) for m in status.methods],
    }


def yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def status_text(status: UserStatus, now: datetime) -> str:
    user = status.user
    lines = [
        f"{field(user.display_name or user.user_principal_name)} <{field(user.user_principal_name)}>",
        f"  enabled      {yes_no(user.account_enabled)}",
        f"  type         {user.user_type or 'unknown'}{' (synced from on-premises)' if user.is_synced else ''}",
    ]
    if user.job_title or user.department:
        lines.append(
            f"  role         {field(' · '.join(x for x in (user.job_title, user.department) if x))}"
        )
    if user.employee_hire_date:
        lines.append(f"  hire date    {user.employee_hire_date.date().isoformat()}")
    if status.tap:
        view = countdown(status.tap, now)
        once = "one-time" if status.tap.usable_once else "reusable"
        lines.append(f"  pass         {view.state.value}, {once}, {view.text} (id {status.tap.id})")
        lines.append(
            f"               valid {local(status.tap.effective_start)} to {local(status.tap.expires)}"
        )
    else:
        lines.append("  pass         none")
    labels = ", ".join(method_label(m) for m in status.methods)
    lines.append(f"  methods      {field(labels) or 'none'}")
    return "\n".join(lines) + "\n"


def policy_text(policy: TapPolicy) -> str:
    head = "Temporary Access Pass policy" + (
        "" if policy.known else " (not readable: documented defaults)"
    )
    scope = (
        "all users"
        if policy.all_users_in_scope
        else f"{len(policy.include_group_ids)} group(s), {len(policy.include_user_ids)} user(s)"
    )
    return (
        f"{head}\n"
        f"  state        {'enabled' if policy.enabled else 'disabled'}\n"
        f"  lifetime     {policy.minimum_lifetime_minutes} to {policy.maximum_lifetime_minutes} min, "
        f"default {policy.default_lifetime_minutes}\n"
        f"  one-time     {'required' if policy.one_time_forced else 'optional'}\n"
        f"  length       {policy.default_length} characters\n"
        f"  applies to   {scope}\n"
    )


def terminal_qr(text: str) -> str:
    """A QR code drawn with half blocks, readable by a phone off the screen."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(text)
    qr.make(fit=True)
    buffer = io.StringIO()
    qr.print_ascii(out=buffer, invert=True)
    return buffer.getvalue()


def _targets(groups: tuple[str, ...], users: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"targetType": "group", "id": g} for g in groups] + [
        {"targetType": "user", "id": u} for u in users
    ]
