"""The JSON shapes Graph returns (graph-tap.md §1-4): users, methods, passes, the TAP policy."""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tapdesk.demo.constants import (
    AAGUID_AUTHENTICATOR_ANDROID,
    AAGUID_AUTHENTICATOR_IOS,
    DEMO_GRAPH_URL,
    PASSWORD_METHOD_ID,
    TAP_ELIGIBLE_GROUP_ID,
)
from tapdesk.demo.model import DemoUser, JsonDict, PassRecord

ODATA = "@odata.type"


def graph_time(moment: datetime, *, millis: bool = True, digits: int = 3) -> str:
    """Graph's UTC timestamps: ``2030-01-06T08:00:00.000Z`` (methods), without a fraction, or
    with 7 fraction digits as some real answers carry (``digits=7``)."""
    moment = moment.astimezone(UTC)
    if not millis:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    fraction = f"{moment.microsecond:06d}0"[:digits]
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + fraction + "Z"


def context(fragment: str) -> str:
    return f"{DEMO_GRAPH_URL}/$metadata#{fragment}"


# --- users (§4) ---------------------------------------------------------------------------

DEFAULT_USER_PROPERTIES = (
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
)
# What User.ReadBasic.All may see.
BASIC_USER_PROPERTIES = frozenset(
    {"id", "displayName", "givenName", "surname", "mail", "userPrincipalName"}
)
# Real properties the demo does not model: selectable, always null.
_UNMODELLED_PROPERTIES = (
    "ageGroup",
    "city",
    "companyName",
    "country",
    "creationType",
    "employeeType",
    "externalUserState",
    "faxNumber",
    "lastPasswordChangeDateTime",
    "onPremisesDistinguishedName",
    "onPremisesDomainName",
    "onPremisesImmutableId",
    "onPremisesLastSyncDateTime",
    "onPremisesUserPrincipalName",
    "passwordPolicies",
    "postalCode",
    "state",
    "streetAddress",
    "usageLocation",
)


def user_properties(user: DemoUser) -> JsonDict:
    """Every property the demo can return for a user, in Graph's names."""
    props: JsonDict = {
        "id": user.id,
        "userPrincipalName": user.upn,
        "displayName": user.display_name,
        "givenName": user.given_name,
        "surname": user.surname,
        "mail": user.mail,
        "jobTitle": user.job_title,
        "department": user.department,
        "officeLocation": user.office_location,
        "mobilePhone": user.mobile_phone,
        "businessPhones": list(user.business_phones),
        "preferredLanguage": user.preferred_language,
        "accountEnabled": user.account_enabled,
        "userType": user.user_type,
        "onPremisesSyncEnabled": user.on_premises_sync_enabled,
        "onPremisesSamAccountName": user.on_premises_sam_account_name,
        "employeeId": user.employee_id,
        "employeeHireDate": (
            graph_time(user.employee_hire_date, millis=False) if user.employee_hire_date else None
        ),
        "createdDateTime": graph_time(user.created, millis=False) if user.created else None,
        "otherMails": [],
        "proxyAddresses": [f"SMTP:{user.mail}"] if user.mail else [],
        "imAddresses": [],
    }
    props.update(dict.fromkeys(_UNMODELLED_PROPERTIES))
    return props


USER_PROPERTY_NAMES = {name.lower(): name for name in user_properties(DemoUser("", "", ""))}


# --- authentication methods (§3) ------------------------------------------------------------

_PHONES = {"ios": ("iPhone 15", "6.8.21"), "android": ("Pixel 8", "6.2411.7520")}
_PASSKEY_MODELS = {
    "ios": (AAGUID_AUTHENTICATOR_IOS, "Microsoft Authenticator - iOS"),
    "android": (AAGUID_AUTHENTICATOR_ANDROID, "Microsoft Authenticator - Android"),
}


def opaque_id(seed: str) -> str:
    """A URL-safe id like Graph gives FIDO2 and Windows Hello methods."""
    digest = hashlib.sha256(seed.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:43]


def password_method(created: datetime) -> JsonDict:
    return {
        ODATA: "#microsoft.graph.passwordAuthenticationMethod",
        "id": PASSWORD_METHOD_ID,
        "password": None,
        "createdDateTime": graph_time(created),
    }


def authenticator_method(method_id: str, created: datetime, platform: str) -> JsonDict:
    device, version = _PHONES[platform]
    return {
        ODATA: "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
        "id": method_id,
        "displayName": device,
        "deviceTag": "SoftwareTokenActivated",
        "phoneAppVersion": version,
        # Null unless the phone is registered for phone sign-in (Graph, Authenticator method).
        "createdDateTime": None,
    }


def passkey_method(method_id: str, created: datetime, platform: str) -> JsonDict:
    aaguid, model = _PASSKEY_MODELS[platform]
    return {
        ODATA: "#microsoft.graph.fido2AuthenticationMethod",
        "id": method_id,
        "displayName": f"{_PHONES[platform][0]} (Authenticator)",
        "createdDateTime": graph_time(created, digits=7),
        "aaGuid": aaguid,
        "model": model,
        "attestationCertificates": [],
        "attestationLevel": "attested",
        "passkeyType": "deviceBound",  # a passkey in Authenticator stays on the phone
    }


# A YubiKey 5 NFC: the AAGUID and the model name from the FIDO metadata the key's maker publishes.
SECURITY_KEY_AAGUID = "ee882879-721c-4913-9775-3dfcce97072a"
SECURITY_KEY_MODEL = "YubiKey 5 Series with NFC"


def security_key_method(method_id: str, created: datetime) -> JsonDict:
    return {
        ODATA: "#microsoft.graph.fido2AuthenticationMethod",
        "id": method_id,
        "displayName": "YubiKey",  # the name the user gives it at Security info
        "createdDateTime": graph_time(created, digits=7),
        "aaGuid": SECURITY_KEY_AAGUID,
        "model": SECURITY_KEY_MODEL,
        "attestationCertificates": [],
        "attestationLevel": "attested",
        "passkeyType": "deviceBound",
    }


def platform_of(method: JsonDict) -> str | None:
    """Which of the demo's phones an Authenticator method is on."""
    return next(
        (key for key, (name, _v) in _PHONES.items() if method.get("displayName") == name), None
    )


def windows_hello_method(method_id: str, created: datetime) -> JsonDict:
    return {
        ODATA: "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod",
        "id": method_id,
        "displayName": "NW-LAPTOP-0142",
        "createdDateTime": graph_time(created),
        "keyStrength": "normal",
    }


def pass_json(record: PassRecord, is_usable: bool, reason: str, value: str | None) -> JsonDict:
    """``value`` is the pass itself: given on creation only, ``null`` ever after."""
    return {
        ODATA: "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
        "id": record.id,
        "temporaryAccessPass": value,
        "createdDateTime": graph_time(record.created),
        "startDateTime": graph_time(record.start or record.created),
        "lifetimeInMinutes": record.lifetime_minutes,
        "isUsableOnce": record.usable_once,
        "isUsable": is_usable,
        "methodUsabilityReason": reason,
    }


def pass_expiry(record: PassRecord) -> datetime:
    return (record.start or record.created) + timedelta(minutes=record.lifetime_minutes)


# --- the TAP policy (§2) ----------------------------------------------------------------------


def default_policy() -> JsonDict:
    return {
        ODATA: "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration",
        "id": "TemporaryAccessPass",
        "state": "enabled",
        "defaultLifetimeInMinutes": 60,
        "defaultLength": 8,
        "minimumLifetimeInMinutes": 60,
        "maximumLifetimeInMinutes": 480,
        "isUsableOnce": False,
        "includeTargets": [
            {"targetType": "group", "id": TAP_ELIGIBLE_GROUP_ID, "isRegistrationRequired": False}
        ],
        "excludeTargets": [],
    }


def group_targets(count: int) -> list[JsonDict]:
    """``count`` group targets: the pass-eligible group and departments' groups (made up).

    For the 20-ids-per-request limit of checkMemberGroups: a real tenant may name many groups
    (one per site or department), and a client must batch them.
    """
    others = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"northwind/group/{n}")) for n in range(count - 1)]
    return [
        {"targetType": "group", "id": gid, "isRegistrationRequired": False}
        for gid in [*others, TAP_ELIGIBLE_GROUP_ID]
    ]


def in_policy_scope(policy: JsonDict, user: DemoUser) -> bool:
    def hits(targets: Any) -> bool:
        ids = {t.get("id") for t in targets or []}
        return "all_users" in ids or user.id in ids or bool(ids & set(user.groups))

    return hits(policy.get("includeTargets")) and not hits(policy.get("excludeTargets"))
