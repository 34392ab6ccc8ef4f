"""Typed records the rest of the app passes around (parsed from Graph by ``tapdesk.graph``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum


class PassCode:
    """The pass value. Shows itself only through :meth:`reveal`.

    ``str()``/``repr()`` are masked so an accidental log line, f-string or traceback local
    never prints the credential.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def grouped(self, size: int = 4) -> list[str]:
        """Chunks for reading aloud ("Xy7+ kQ2m")."""
        return [self._value[i : i + size] for i in range(0, len(self._value), size)]

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PassCode) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("PassCode", self._value))

    def __repr__(self) -> str:
        return "PassCode(<hidden>)"

    __str__ = __repr__

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a pass is never serialized")


@dataclass(frozen=True, slots=True)
class User:
    id: str
    user_principal_name: str
    display_name: str = ""
    account_enabled: bool | None = None
    user_type: str | None = None  # "Member" or "Guest"
    on_premises_sync_enabled: bool | None = None
    job_title: str | None = None
    department: str | None = None
    employee_hire_date: datetime | None = None
    mail: str | None = None
    created_date_time: datetime | None = None

    @property
    def is_guest(self) -> bool:
        return (self.user_type or "").lower() == "guest"

    @property
    def is_external_guest(self) -> bool:
        """A B2B guest who signs in at another organisation (their UPN carries ``#EXT#``);
        an internal guest signs in here and can receive a pass."""
        return self.is_guest and "#ext#" in self.user_principal_name.lower()

    @property
    def is_synced(self) -> bool:
        return bool(self.on_premises_sync_enabled)


@dataclass(frozen=True, slots=True)
class TapPolicy:
    """The tenant's TAP method configuration.

    ``known`` is False when the policy could not be read (a 403 for technicians without a
    policy-reader role): the values are then the documented defaults, shown with a note.
    """

    enabled: bool = True
    default_lifetime_minutes: int = 60
    minimum_lifetime_minutes: int = 60
    maximum_lifetime_minutes: int = 480
    default_length: int = 8
    one_time_forced: bool = False
    include_group_ids: tuple[str, ...] = ("all_users",)
    exclude_group_ids: tuple[str, ...] = ()
    # Targets may be single users too (targetType "user": the id is a user's object id).
    include_user_ids: tuple[str, ...] = ()
    exclude_user_ids: tuple[str, ...] = ()
    known: bool = True

    @classmethod
    def documented_defaults(cls) -> TapPolicy:
        return cls(known=False)

    @property
    def all_users_in_scope(self) -> bool:
        return "all_users" in self.include_group_ids


class UsabilityReason(str, Enum):
    ENABLED_BY_POLICY = "EnabledByPolicy"
    DISABLED_BY_POLICY = "DisabledByPolicy"
    EXPIRED = "Expired"
    NOT_YET_VALID = "NotYetValid"
    ONE_TIME_USED = "OneTimeUsed"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: object) -> UsabilityReason:
        for member in cls:
            if member.value == value:
                return member
        return cls.UNKNOWN


@dataclass(frozen=True, slots=True)
class TemporaryAccessPass:
    """One pass as Graph describes it. ``code`` is set only right after creation."""

    id: str
    created: datetime
    start: datetime | None
    lifetime_minutes: int
    usable_once: bool
    is_usable: bool | None = None
    usability_reason: UsabilityReason = UsabilityReason.UNKNOWN
    code: PassCode | None = field(default=None, repr=False, compare=False)

    @property
    def effective_start(self) -> datetime:
        return self.start or self.created

    @property
    def expires(self) -> datetime:
        # Graph has no expiry field: start (or creation) plus lifetime.
        return self.effective_start + timedelta(minutes=self.lifetime_minutes)

    def without_code(self) -> TemporaryAccessPass:
        return TemporaryAccessPass(
            self.id,
            self.created,
            self.start,
            self.lifetime_minutes,
            self.usable_once,
            self.is_usable,
            self.usability_reason,
        )


class MethodKind(str, Enum):
    PASSWORD = "password"  # noqa: S105 - a method type, not a secret
    PHONE = "phone"
    EMAIL = "email"
    FIDO2 = "fido2"
    AUTHENTICATOR = "microsoftAuthenticator"
    SOFTWARE_OATH = "softwareOath"
    TAP = "temporaryAccessPass"
    WINDOWS_HELLO = "windowsHelloForBusiness"
    OTHER = "other"

    @classmethod
    def from_odata_type(cls, odata_type: str | None) -> MethodKind:
        name = (odata_type or "").rsplit(".", 1)[-1]
        for member in cls:
            if name == f"{member.value}AuthenticationMethod":
                return member
        return cls.OTHER

    @property
    def label(self) -> str:
        return _METHOD_LABELS[self]


_METHOD_LABELS = {
    MethodKind.PASSWORD: "Password",
    MethodKind.PHONE: "Phone",
    MethodKind.EMAIL: "Email",
    MethodKind.FIDO2: "Passkey (FIDO2)",
    MethodKind.AUTHENTICATOR: "Microsoft Authenticator",
    MethodKind.SOFTWARE_OATH: "Software OATH token",
    MethodKind.TAP: "Temporary Access Pass",
    MethodKind.WINDOWS_HELLO: "Windows Hello for Business",
    MethodKind.OTHER: "Other method",
}


@dataclass(frozen=True, slots=True)
class AuthMethod:
    id: str
    kind: MethodKind
    display_name: str | None = None
    created: datetime | None = None
    aaguid: str | None = None
    model: str | None = None
    odata_type: str | None = None


@dataclass(frozen=True, slots=True)
class UserStatus:
    """What ``tapdesk status`` and the user card show: the user, their pass (no value), methods."""

    user: User
    tap: TemporaryAccessPass | None
    methods: tuple[AuthMethod, ...]
