"""The demo tenant's state as plain records, and their JSON form for the state file.

Nothing here holds a pass value: a pass is remembered by its metadata only. Refresh tokens,
device codes and authorization codes are remembered by a fingerprint (SHA-256), never as text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from typing import Any

from tapdesk.demo.constants import DEMO_TENANT_ID

JsonDict = dict[str, Any]


def fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class PassRecord:
    """A Temporary Access Pass as the tenant remembers it: metadata, never the value."""

    id: str
    created: datetime
    start: datetime | None
    lifetime_minutes: int
    usable_once: bool
    used_at: datetime | None = None


@dataclass
class DemoUser:
    id: str
    upn: str
    display_name: str
    given_name: str | None = None
    surname: str | None = None
    mail: str | None = None
    job_title: str | None = None
    department: str | None = None
    office_location: str | None = None
    mobile_phone: str | None = None
    business_phones: list[str] = field(default_factory=list)
    preferred_language: str | None = "en-US"
    account_enabled: bool = True
    user_type: str = "Member"
    on_premises_sync_enabled: bool | None = None
    on_premises_sam_account_name: str | None = None
    employee_id: str | None = None
    employee_hire_date: datetime | None = None
    created: datetime | None = None
    # Role names (keys of constants.ROLE_IDS) and group ids.
    roles: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    owned_groups: list[str] = field(default_factory=list)
    # Created moments ago: invisible until the tenant's replication delay has passed.
    replicating: bool = False
    # Registered methods other than the pass, already in Graph's JSON shape.
    methods: list[JsonDict] = field(default_factory=list)
    tap: PassRecord | None = None


@dataclass
class Grant:
    """What a refresh token, device code or authorization code stands for."""

    user_id: str | None
    client_id: str
    scopes: list[str]
    issued: datetime
    expires: datetime
    # device codes: "pending" | "approved" | "denied"; auth codes: PKCE and OIDC extras.
    status: str = "approved"
    user_code: str | None = None
    redirect_uri: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    nonce: str | None = None
    # When the user last entered credentials; put in ID tokens only when the sign-in asked
    # for max_age (OpenID Connect Core 3.1.2.1), and kept by refreshes (12.2).
    auth_time: datetime | None = None
    with_auth_time: bool = False


@dataclass
class TenantState:
    seeded_at: datetime
    users: dict[str, DemoUser]  # by object id
    policy: JsonDict
    consented_scopes: list[str]
    refresh_tokens: dict[str, Grant] = field(default_factory=dict)  # by fingerprint
    device_codes: dict[str, Grant] = field(default_factory=dict)
    auth_codes: dict[str, Grant] = field(default_factory=dict)
    tenant_id: str = DEMO_TENANT_ID  # another id: a second tenant served the same way (tests)
    # The demo browser's sign-in session (its cookie): who signed in there, and when.
    browser_user_id: str | None = None
    browser_auth_time: datetime | None = None
    # Who types at the sign-in page when it asks for credentials (None: the training technician).
    keyboard_upn: str | None = None

    def find_user(self, key: str) -> DemoUser | None:
        """By object id or UPN (case-insensitive), as Graph resolves /users/{key}."""
        key = key.lower()
        for user in self.users.values():
            if user.id == key or user.upn.lower() == key:
                return user
        return None


def state_to_json(state: TenantState) -> JsonDict:
    encoded: JsonDict = _encode(state)
    return encoded


def state_from_json(data: JsonDict) -> TenantState:
    def grants(raw: JsonDict) -> dict[str, Grant]:
        return {key: _build(Grant, value) for key, value in raw.items()}

    users = {}
    for key, raw in data["users"].items():
        user = _build(DemoUser, raw)
        if raw.get("tap"):
            user.tap = _build(PassRecord, raw["tap"])
        users[key] = user
    return TenantState(
        seeded_at=datetime.fromisoformat(data["seeded_at"]),
        users=users,
        policy=data["policy"],
        consented_scopes=list(data["consented_scopes"]),
        refresh_tokens=grants(data.get("refresh_tokens", {})),
        device_codes=grants(data.get("device_codes", {})),
        auth_codes=grants(data.get("auth_codes", {})),
        tenant_id=str(data.get("tenant_id") or DEMO_TENANT_ID),
        browser_user_id=data.get("browser_user_id"),
        browser_auth_time=_when(data.get("browser_auth_time")),
        keyboard_upn=data.get("keyboard_upn"),
    )


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


_DATETIME_FIELDS = frozenset(
    {
        "created",
        "start",
        "used_at",
        "employee_hire_date",
        "issued",
        "expires",
        "seeded_at",
        "auth_time",
    }
)


def _encode(value: Any) -> Any:
    """``value`` in JSON's types, in one pass. ``dataclasses.asdict`` deep-copied every field
    first, and the state is encoded at every request of a tenant on a file (see ``store``)."""
    if type(value) in _LEAVES:  # most of the state: the quickest test first
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    if is_dataclass(value):
        names = _FIELD_NAMES.get(type(value))
        if names is None:
            names = _FIELD_NAMES[type(value)] = tuple(f.name for f in fields(value))
        return {name: _encode(getattr(value, name)) for name in names}
    return value


_LEAVES = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _build(cls: type[Any], raw: JsonDict) -> Any:
    known = {f.name for f in fields(cls)}
    kwargs = {}
    for key, value in raw.items():
        if key not in known:
            continue  # written by a newer version: ignore rather than refuse the file
        if key in _DATETIME_FIELDS and isinstance(value, str):
            value = datetime.fromisoformat(value)
        kwargs[key] = value
    return cls(**kwargs)
