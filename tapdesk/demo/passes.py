"""Temporary Access Pass rules: the value, usability over time, and what a create may ask for.

Messages marked "captured" are Graph's real text (graph-tap.md §5.3); the others were never
captured in the field, so the demo words them plausibly and clients must not match on them.
"""

from __future__ import annotations

import secrets
import string
import uuid
from datetime import datetime, timedelta
from typing import Any

from tapdesk.core.passrules import API_MAX_LIFETIME, API_MIN_LIFETIME
from tapdesk.demo.model import DemoUser, JsonDict, PassRecord
from tapdesk.demo.responses import GraphProblem, bad_request
from tapdesk.demo.shapes import in_policy_scope, pass_expiry

# Entra does not document its alphabet; its examples ("+drkzqAD", "TAPRocks!") mix case and
# punctuation, and so does the demo, look-alike characters included, so the UI must cope.
_ALPHABET = string.ascii_letters + string.digits + "+!-"
# A client that stamps "now" as the start time should not lose to clock skew.
START_SKEW = timedelta(seconds=30)

SCOPE_REFUSED = (  # captured
    "Converged UserCredentialPolicy does not allow creating or updating this authentication "
    "method. AuthMethodType [TemporaryAccessPass]."
)
GUEST_REFUSED = "Temporary Access Pass cannot be added to an external guest user."  # captured
ONE_TIME_FORCED = (  # not captured, nor is START_IN_PAST
    "Invalid IsUsableOnce specified. The Temporary Access Pass policy only allows passes "
    "that are usable once."
)
START_IN_PAST = "Invalid StartDateTime specified. StartDateTime cannot be in the past."
UNREADABLE_BODY = (
    "Unable to read JSON request payload. Please ensure Content-Type header is set and payload "
    "is of valid JSON format."
)


def lifetime_message(low: int, high: int) -> str:  # captured
    return f"Invalid LifetimeInMinutes specified. The valid range between {low} and {high}."


def new_pass_value(length: int) -> str:
    while True:
        value = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if any(c.islower() for c in value) and any(c.isupper() for c in value):
            return value


def usability(record: PassRecord, user: DemoUser, policy: JsonDict, now: datetime) -> str:
    if policy.get("state") != "enabled" or not in_policy_scope(policy, user):
        return "DisabledByPolicy"
    if record.usable_once and record.used_at is not None:
        return "OneTimeUsed"
    if now >= pass_expiry(record):
        return "Expired"
    if now < (record.start or record.created):
        return "NotYetValid"
    return "EnabledByPolicy"


def check_may_hold_pass(user: DemoUser, policy: JsonDict) -> None:
    # Graph lets a pass be created for a disabled account (it just cannot sign in yet).
    if user.user_type == "Guest" and "#EXT#" in user.upn.upper():
        raise bad_request(GUEST_REFUSED, "badRequest")
    # "Although you can create a TAP for any user, only users included in the policy can
    # sign-in with it" (Entra, Configure Temporary Access Pass): a user outside the targets
    # gets a pass that reports DisabledByPolicy and fails at sign-in. A method switched off
    # for the whole tenant is refused (the field-reported "Converged UserCredentialPolicy").
    if policy.get("state") != "enabled":
        raise bad_request(SCOPE_REFUSED, "badRequest")


def build_pass(body: Any, policy: JsonDict, now: datetime) -> PassRecord:
    """Validate a create request body against the API limits and the tenant policy."""
    if not isinstance(body, dict):
        raise bad_request(UNREADABLE_BODY)
    start = _start(body.get("startDateTime"), now)
    lifetime = body.get("lifetimeInMinutes", policy["defaultLifetimeInMinutes"])
    if lifetime is None:
        lifetime = policy["defaultLifetimeInMinutes"]
    if not isinstance(lifetime, int) or isinstance(lifetime, bool):
        raise bad_request(lifetime_message(API_MIN_LIFETIME, API_MAX_LIFETIME), "badRequest")
    for low, high in (
        (API_MIN_LIFETIME, API_MAX_LIFETIME),
        (policy["minimumLifetimeInMinutes"], policy["maximumLifetimeInMinutes"]),
    ):
        if not low <= lifetime <= high:
            raise bad_request(lifetime_message(low, high), "badRequest")
    once = body.get("isUsableOnce")
    if once is None:
        once = bool(policy.get("isUsableOnce"))
    if not isinstance(once, bool):
        raise bad_request("Invalid IsUsableOnce specified.", "badRequest")
    if policy.get("isUsableOnce") and not once:
        raise bad_request(ONE_TIME_FORCED, "badRequest")
    return PassRecord(str(uuid.uuid4()), now, start, lifetime, once)


def _start(raw: Any, now: datetime) -> datetime | None:
    if raw is None:
        return None
    try:
        start = datetime.fromisoformat(str(raw))
    except ValueError:
        literal = f"Cannot convert the literal '{raw}' to the expected type 'Edm.DateTimeOffset'."
        raise bad_request(literal) from None
    if start.tzinfo is None:
        raise GraphProblem(400, "badRequest", "startDateTime must carry a time zone offset.")
    if start < now - START_SKEW:
        raise bad_request(START_IN_PAST, "badRequest")
    return start
