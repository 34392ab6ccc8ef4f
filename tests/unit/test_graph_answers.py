"""What tapdesk makes of Graph's answers: the words of each error, and the records it reads."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from tapdesk import errors as e
from tapdesk.core.models import (
    AuthMethod,
    MethodKind,
    TapPolicy,
    TemporaryAccessPass,
    UsabilityReason,
    User,
)
from tapdesk.graph import errors, parse
from tests.unit.test_graph_words import refused, shown

# --- errors: the exact words a technician reads ------------------------------------------


def test_an_expired_sign_in_says_sign_in_again() -> None:
    error = errors.from_response(
        refused("Access token has expired.", "InvalidAuthenticationToken", 401)
    )
    assert type(error) is e.SignInRequired
    assert shown(error) == (
        "Sign-in needed",
        "Your sign-in has expired or was not accepted by Microsoft Graph.",
        "Sign in again (tapdesk login).",
        "rid-1",
    )


def test_a_missing_scope_asks_for_admin_consent_naming_the_permissions() -> None:
    """Graph's 403 for a token without the scope says "scope", not "consent"."""
    error = errors.from_response(
        refused("Missing scope permissions on the request.", "Authorization_RequestDenied", 403)
    )
    assert type(error) is e.ConsentRequired
    assert (error.message, error.hint) == (
        "The app lacks a Microsoft Graph permission for this action.",
        "Ask an administrator to grant admin consent for tapdesk's permissions "
        "(User.Read.All, UserAuthenticationMethod.ReadWrite.All).",
    )


def test_a_refusal_without_a_subject_names_this_user_and_the_roles_needed() -> None:
    error = errors.from_response(refused("Request Authorization failed", "accessDenied", 403))
    assert type(error) is e.NotPermitted
    assert (error.message, error.hint) == (
        "You are not allowed to do this for this user.",
        "Passes need the Authentication Administrator role, or Privileged Authentication "
        "Administrator when the user holds an admin role; nobody can issue a pass to themselves.",
    )


def test_a_policy_scope_refusal_sent_as_403_is_still_the_policy_scope() -> None:
    error = errors.from_response(
        refused("Converged UserCredentialPolicy denies it.", "accessDenied", 403),
        subject="user ava@contoso.com",
    )
    assert type(error) is e.NotInPolicyScope
    assert error.message.startswith("The tenant's pass policy does not cover user ava@contoso.com,")


def test_a_missing_item_without_a_subject_is_that_item() -> None:
    error = errors.from_response(refused("Resource not found.", "Request_ResourceNotFound", 404))
    assert type(error) is e.NotFound
    assert (error.message, error.hint) == (
        "That item was not found in this tenant.",
        "Check the spelling. A user created in the last few minutes may still be replicating.",
    )


def test_throttling_after_our_tries_says_wait_a_minute_and_keeps_graphs_wait() -> None:
    response = httpx.Response(
        429,
        headers={"Retry-After": "7"},
        json={"error": {"code": "TooManyRequests", "message": "Too many requests."}},
    )
    error = errors.from_response(response)
    assert type(error) is e.Throttled
    assert (error.message, error.hint, error.retry_after) == (
        "Microsoft Graph is limiting requests and kept refusing after several tries.",
        "Wait a minute, then try again.",
        7.0,
    )


def test_a_failing_service_names_the_status_and_the_health_page() -> None:
    error = errors.from_response(refused("Service unavailable.", "serviceNotAvailable", 503))
    assert (error.message, error.hint) == (
        "Microsoft Graph answered 503 and kept failing after several tries.",
        "Wait a minute, then try again; check the Microsoft 365 service health page.",
    )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("conflict", "Microsoft Graph refused the request (409, conflict)."),
        ("", "Microsoft Graph refused the request (409)."),
    ],
)
def test_any_other_refusal_names_status_and_code_when_graph_gave_one(
    code: str, message: str
) -> None:
    error = errors.from_response(refused("Conflict.", code, 409))
    assert type(error) is e.GraphError
    assert (error.message, error.hint) == (
        message,
        "Try again; if it persists, report it with the request-id.",
    )


def test_an_answer_whose_body_is_not_an_object_is_still_explained() -> None:
    """A proxy or a broken server may send a JSON list: the status alone decides."""
    error = errors.from_response(httpx.Response(503, json=["busy"]))
    assert type(error) is e.ServiceUnavailable
    assert (error.code, error.request_id) == ("", None)


# --- records read from Graph --------------------------------------------------------------

CREATED = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


def test_a_user_is_read_with_every_field_the_card_shows() -> None:
    read = parse.user(
        {
            "id": "u-1",
            "userPrincipalName": "ava@contoso.com",
            "displayName": "Ava Newhire",
            "accountEnabled": True,
            "userType": "Member",
            "onPremisesSyncEnabled": True,
            "jobTitle": "Nurse",
            "department": "Ward 3",
            "employeeHireDate": "2026-03-01T00:00:00Z",
            "mail": "ava@contoso.com",
            "createdDateTime": "2026-03-02T08:30:00Z",
        }
    )
    assert read == User(
        "u-1",
        "ava@contoso.com",
        "Ava Newhire",
        account_enabled=True,
        user_type="Member",
        on_premises_sync_enabled=True,
        job_title="Nurse",
        department="Ward 3",
        employee_hire_date=datetime(2026, 3, 1, tzinfo=UTC),
        mail="ava@contoso.com",
        created_date_time=CREATED,
    )


def test_a_user_without_names_shows_empty_names_not_placeholders() -> None:
    assert parse.user({"id": "u-1"}) == User("u-1", "", "")


def test_a_field_of_the_wrong_type_is_read_as_unknown() -> None:
    """A string "true" is not a yes, a number is not an address: shown as unknown, not as is."""
    read = parse.user({"id": "u-1", "accountEnabled": "true", "mail": 5})
    assert (read.account_enabled, read.mail) == (None, None)


@pytest.mark.parametrize(("data", "what"), [({"displayName": "x"}, "user")])
def test_an_unreadable_user_says_so_and_what_to_do(data: object, what: str) -> None:
    with pytest.raises(e.GraphError) as info:
        parse.user(data)
    assert (info.value.message, info.value.hint) == (
        f"Microsoft Graph sent an unreadable {what}.",
        "Try again; if it persists, report it.",
    )


def test_an_unreadable_pass_says_pass() -> None:
    with pytest.raises(e.GraphError) as info:
        parse.temporary_access_pass({"createdDateTime": "2026-03-02T08:30:00Z"})
    assert info.value.message == "Microsoft Graph sent an unreadable pass."


def test_the_policy_is_read_with_every_setting_and_target() -> None:
    read = parse.policy(
        {
            "defaultLifetimeInMinutes": 120,
            "minimumLifetimeInMinutes": 30,
            "maximumLifetimeInMinutes": 240,
            "defaultLength": 12,
            "isUsableOnce": True,
            "includeTargets": [{"id": "g-1"}, {"id": "u-2", "targetType": "user"}],
            "excludeTargets": [
                {"id": "g-3", "targetType": "group"},
                {"id": "u-4", "targetType": "user"},
            ],
        }
    )
    assert read == TapPolicy(
        enabled=True,  # no state: Graph's default is enabled
        default_lifetime_minutes=120,
        minimum_lifetime_minutes=30,
        maximum_lifetime_minutes=240,
        default_length=12,
        one_time_forced=True,
        include_group_ids=("g-1",),  # a target without a type is a group
        exclude_group_ids=("g-3",),
        include_user_ids=("u-2",),
        exclude_user_ids=("u-4",),
        known=True,
    )


def test_an_unreadable_policy_says_so() -> None:
    with pytest.raises(e.GraphError) as info:
        parse.policy(["not", "a", "policy"])
    assert info.value.message == "Microsoft Graph sent an unreadable pass policy."


def test_a_pass_is_read_with_its_start_lifetime_and_usability() -> None:
    tap = parse.temporary_access_pass(
        {
            "id": "tap-1",
            "createdDateTime": "2026-03-02T08:30:00Z",
            "startDateTime": "2026-03-02T09:00:00Z",
            "lifetimeInMinutes": 90,
            "isUsableOnce": True,
            "isUsable": False,
            "methodUsabilityReason": "NotYetValid",
            "temporaryAccessPass": "",
        }
    )
    assert tap == TemporaryAccessPass(
        "tap-1",
        CREATED,
        datetime(2026, 3, 2, 9, tzinfo=UTC),
        90,
        True,
        False,
        UsabilityReason.NOT_YET_VALID,
    )
    assert tap.code is None  # an empty value is no pass to show


def test_a_pass_without_a_lifetime_lasts_graphs_default_hour() -> None:
    tap = parse.temporary_access_pass({"id": "tap-1", "createdDateTime": "2026-03-02T08:30:00Z"})
    assert (tap.start, tap.lifetime_minutes) == (None, 60)


def test_a_pass_without_its_creation_time_is_refused_in_words() -> None:
    with pytest.raises(e.GraphError) as info:
        parse.temporary_access_pass({"id": "tap-1"})
    assert info.value.message == "Microsoft Graph sent a pass without its creation time."


def test_a_method_is_read_with_name_time_and_model() -> None:
    odata = "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod"
    data = {
        "@odata.type": odata,
        "id": "m-1",
        "displayName": "Ava's iPhone",
        "createdDateTime": "2026-03-02T08:30:00Z",
        "model": "iPhone 15",
    }
    assert parse.method(data) == AuthMethod(
        "m-1", MethodKind.AUTHENTICATOR, "Ava's iPhone", CREATED, None, "iPhone 15", odata
    )


def test_a_passkey_dated_creationdatetime_as_in_graphs_examples_keeps_its_date() -> None:
    data = {"id": "m-2", "creationDateTime": "2026-03-02T08:30:00Z"}
    assert parse.method(data).created == CREATED


def test_an_unreadable_list_says_so() -> None:
    with pytest.raises(e.GraphError) as info:
        parse.collection({"value": "nope"})
    assert info.value.message == "Microsoft Graph sent an unreadable list."


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("2026-03-02T08:30:00.5Z", datetime(2026, 3, 2, 8, 30, 0, 500000, tzinfo=UTC)),
        ("2026-03-02T08:30:00.1234567Z", datetime(2026, 3, 2, 8, 30, 0, 123456, tzinfo=UTC)),
        ("2026-03-02T08:30:00z", CREATED),
        ("2026-03-02T08:30:00", CREATED),  # no zone: Graph means UTC
        ("2026-03-02T10:30:00+02:00", CREATED),  # a zone given is kept
    ],
)
def test_graph_times_are_read_to_the_microsecond_in_utc(text: str, read: datetime) -> None:
    parsed = parse.parse_time(text)
    assert parsed == read
    assert parsed is not None and parsed.utcoffset() is not None
