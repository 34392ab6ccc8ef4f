"""Microsoft Graph for tapdesk: users, the TAP policy, passes and authentication methods.

One shared synchronous ``httpx.Client`` (thread-safe; the window calls it from workers). Every
request carries a fresh ``client-request-id`` and ``User-Agent: tapdesk/<version>``; every error
is a ``tapdesk.errors`` exception with Graph's ``request-id``. Bodies are never logged: the create
response holds the pass.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Literal, Protocol
from urllib.parse import quote

import httpx

from tapdesk.core import scope
from tapdesk.core.clock import SYSTEM_CLOCK, Clock, ServerClock
from tapdesk.core.models import (
    AuthMethod,
    MethodKind,
    TapPolicy,
    TemporaryAccessPass,
    User,
    UserStatus,
)
from tapdesk.core.passrules import IssueRequest
from tapdesk.core.roles import Roles
from tapdesk.errors import (
    NotFound,
    NotPermitted,
    ServiceUnavailable,
    TapdeskError,
    TemporaryFailure,
    Throttled,
)
from tapdesk.graph import errors, parse
from tapdesk.graph.http import build_http_client
from tapdesk.graph.retry import RETRYABLE_STATUS, RetryPolicy

log = logging.getLogger(__name__)

USER_FIELDS = (
    "id,displayName,userPrincipalName,accountEnabled,userType,onPremisesSyncEnabled,"
    "jobTitle,department,employeeHireDate,mail,createdDateTime"
)
POLICY_PATH = (
    "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/temporaryAccessPass"
)
MethodFilter = Literal["all", "authenticator", "fido2", "windowsHello"]
_METHOD_PATHS: dict[str, tuple[str, MethodKind | None]] = {
    "all": ("methods", None),
    "authenticator": ("microsoftAuthenticatorMethods", MethodKind.AUTHENTICATOR),
    "fido2": ("fido2Methods", MethodKind.FIDO2),
    "windowsHello": ("windowsHelloForBusinessMethods", MethodKind.WINDOWS_HELLO),
}
StatusCallback = Callable[[str], None]


# Pauses before asking again after a 202 Accepted without a body.
ACCEPTED_PAUSES = (1.0, 2.0, 4.0)


@dataclass(frozen=True, slots=True)
class Memberships:
    role_template_ids: tuple[str | None, ...]  # None: a role Graph would not describe
    role_assignable: bool  # in or owns a group that can be assigned a role (when readable)


class TokenProvider(Protocol):
    def __call__(self, force_refresh: bool = False) -> str: ...


def user_path(id_or_upn: str) -> str:
    """``/users/{id|upn}`` with the UPN URL-encoded (``#`` of B2B UPNs included).

    A UPN that starts with ``$`` must be addressed as ``/users('$x@…')`` or Graph answers 400.
    """
    if id_or_upn.startswith("$"):
        return "/users('" + quote(id_or_upn.replace("'", "''"), safe="$@") + "')"
    return "/users/" + quote(id_or_upn, safe="")


class GraphClient:
    def __init__(
        self,
        base_url: str,
        token: TokenProvider,
        *,
        transport: httpx.BaseTransport | None = None,
        http: httpx.Client | None = None,
        clock: Clock = SYSTEM_CLOCK,
        retry: RetryPolicy | None = None,
        replication_wait: float = 45.0,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._token = token
        self._http = http or build_http_client(transport)
        self._owns_http = http is None
        self._clock = clock
        self._retry = retry or RetryPolicy()
        self._replication_wait = replication_wait
        self.server_offset = 0.0  # seconds the service's clock runs ahead of ours

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def with_retry(self, retry: RetryPolicy) -> GraphClient:
        """The same client (shared connection pool and token) with another retry policy.

        Pollers use ``NO_RETRY``: they have their own backoff and must not hold a worker.
        """
        return GraphClient(
            self._base,
            self._token,
            http=self._http,
            clock=self._clock,
            retry=retry,
            replication_wait=self._replication_wait,
        )

    # --- transport -------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        subject: str = "",
        retry_ambiguous: bool = True,
        on_status: StatusCallback | None = None,
    ) -> httpx.Response:
        """Send with retries. ``retry_ambiguous=False`` for a POST that may have taken effect."""
        started = self._clock.monotonic()
        attempt = 0
        refreshed = force = False
        while True:
            attempt += 1
            token = self._token(force_refresh=force)
            force = False
            request_headers = {
                "Authorization": f"Bearer {token}",
                "client-request-id": str(uuid.uuid4()),
                **(headers or {}),
            }
            try:
                response = self._http.request(
                    method, self._base + path, params=params, json=json, headers=request_headers
                )
            except httpx.TransportError as exc:
                log.debug("%s %s failed: %s", method, path, type(exc).__name__)
                failure: TapdeskError = errors.from_transport(exc)
                if not retry_ambiguous:
                    raise failure from None
                delay = self._retry.backoff(attempt)
                self._wait_or_raise(attempt, started, delay, failure, on_status)
                continue
            self._note_server_time(response)
            log.debug(
                "%s %s -> %s (request-id %s)",
                method,
                path,
                response.status_code,
                response.headers.get("request-id", "-"),
            )
            if response.status_code == 401 and not refreshed:
                refreshed = force = True  # one silent refresh, then a real sign-in is needed
                continue
            if response.status_code in RETRYABLE_STATUS:
                failure = errors.from_response(response, subject=subject)
                # A 429 was not processed, so retrying even a create is safe; 503/504 may not be.
                if response.status_code != 429 and not retry_ambiguous:
                    raise failure
                delay = self._retry.delay(
                    attempt, response.headers.get("Retry-After"), self._clock.now()
                )
                self._wait_or_raise(attempt, started, delay, failure, on_status)
                continue
            if response.is_error:
                raise errors.from_response(response, subject=subject)
            return response

    def _note_server_time(self, response: httpx.Response) -> None:
        """Track how far the service's clock is from ours (Date header, 1 s resolution)."""
        stamp = response.headers.get("date")
        if not stamp:
            return
        try:
            server = parsedate_to_datetime(str(stamp))
        except (TypeError, ValueError, IndexError):
            return
        if server.tzinfo is None:  # "-0000" zones parse as naive; HTTP dates are UTC
            server = server.replace(tzinfo=UTC)
        offset = (server - self._clock.now()).total_seconds()
        # Under two seconds is the header's own rounding plus transit: not skew.
        self.server_offset = offset if abs(offset) >= 2 else 0.0

    @property
    def server_clock(self) -> Clock:
        """The clock to read passes against: ours, corrected by the last measured offset."""
        return ServerClock(self._clock, lambda: self.server_offset)

    def _wait_or_raise(
        self,
        attempt: int,
        started: float,
        delay: float,
        failure: TapdeskError,
        on_status: StatusCallback | None,
    ) -> None:
        elapsed = self._clock.monotonic() - started
        if not self._retry.allows(attempt, elapsed, delay):
            # "wait until" only when Graph asked for a wait; a zero wait ran out of attempts
            if isinstance(failure, Throttled) and failure.retry_after:
                raise _wait_too_long(failure, self._clock.now())
            raise failure
        if on_status:
            on_status(f"{failure.title}; trying again in {delay:.1f} s…")
        log.info("retrying after %s in %.2f s (attempt %d)", failure.title, delay, attempt)
        self._clock.sleep(delay)

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise errors.from_response(response) from None

    # --- users -----------------------------------------------------------------------------

    def me(self) -> User:
        """The signed-in technician."""
        response = self._request(
            "GET", "/me", params={"$select": "id,displayName,userPrincipalName"}
        )
        return parse.user(self._json(response))

    def get_user(
        self,
        id_or_upn: str,
        *,
        on_status: StatusCallback | None = None,
        replication_wait: float | None = None,
    ) -> User:
        """One user. A 404 is retried for a bounded while: a new hire may still be replicating."""
        budget = self._replication_wait if replication_wait is None else replication_wait
        started = self._clock.monotonic()
        pause = 3.0
        subject = f"user {id_or_upn}"
        while True:
            try:
                response = self._get_answer(
                    user_path(id_or_upn), params={"$select": USER_FIELDS}, subject=subject
                )
                return parse.user(self._json(response))
            except NotFound:
                waited = self._clock.monotonic() - started
                if waited + pause > budget:
                    raise
                if on_status:
                    on_status(
                        f"{id_or_upn} not found yet: a new account can take a few minutes to "
                        f"replicate. Still replicating? Checking again ({int(waited)} of {int(budget)} s)…"
                    )
                self._clock.sleep(pause)
                pause = min(pause * 1.5, 10.0)

    def _get_answer(self, path: str, *, params: dict[str, str], subject: str) -> httpx.Response:
        """A GET whose answer has a body. Graph may answer "202 Accepted" with none when it
        needs more time (Get user): ask again a few times, a little later each time."""
        for pause in (*ACCEPTED_PAUSES, None):
            response = self._request("GET", path, params=params, subject=subject)
            if response.status_code != 202 and response.content.strip():
                return response
            if pause is None:
                break
            self._clock.sleep(pause)
        raise ServiceUnavailable(
            f"Microsoft Graph accepted the request for {subject} but has not answered yet.",
            hint="Try again in a minute.",
            request_id=response.headers.get("request-id"),
            status=response.status_code,
        )

    def search_users(self, text: str, *, top: int = 15) -> list[User]:
        """Type-ahead search by name or UPN (``$search`` needs ``ConsistencyLevel: eventual``)."""
        term = text.replace('"', "").replace("\\", "").strip()
        if not term:
            return []
        clauses = [f'"{field}:{term}"' for field in ("displayName", "userPrincipalName", "mail")]
        response = self._request(
            "GET",
            "/users",
            params={
                "$search": " OR ".join(clauses),
                "$select": USER_FIELDS,
                "$top": str(top),
                "$count": "true",
            },
            headers={"ConsistencyLevel": "eventual"},
        )
        return [parse.user(item) for item in parse.collection(self._json(response))]

    def member_of(self, user_id: str, group_ids: Sequence[str]) -> set[str]:
        """Which of ``group_ids`` the user belongs to (transitively), 20 ids per request."""
        found: set[str] = set()
        for batch in scope.batches(sorted(set(group_ids))):
            response = self._request(
                "POST",
                user_path(user_id) + "/checkMemberGroups",
                json={"groupIds": batch},
                subject=f"user {user_id}",
            )
            found |= {g for g in parse.collection(self._json(response)) if isinstance(g, str)}
        return found

    def my_roles(self) -> Roles:
        """The signed-in technician's directory roles, when the ID token did not carry them.
        Unknown when Graph describes a role only by its id (no permission to read roles)."""
        try:
            response = self._request(
                "GET",
                "/me/transitiveMemberOf",
                params={"$select": "id,roleTemplateId", "$top": "999"},
                subject="your account",
            )
        except NotPermitted:
            return Roles.unknown()
        ids = [
            i.get("roleTemplateId")
            for i in parse.collection(self._json(response))
            if isinstance(i, dict) and i.get("@odata.type") == "#microsoft.graph.directoryRole"
        ]
        if not all(isinstance(rid, str) for rid in ids):
            return Roles.unknown()
        return Roles.from_wids(str(rid) for rid in ids)

    def memberships(self, user_id: str) -> Memberships | None:
        """The user's directory roles and whether they are in or own a role-assignable group;
        None when Graph will not list them at all.

        Without a permission to read a type (RoleManagement.Read.Directory for roles) Graph
        still lists each item, with its type and id only, other properties null ("limited
        information"): a role's template id is then None, a group's assignability unknown.
        """
        subject = f"user {user_id}"
        try:
            joined = self._request(
                "GET",
                user_path(user_id) + "/transitiveMemberOf",
                params={"$select": "id,roleTemplateId,isAssignableToRole", "$top": "999"},
                subject=subject,
            )
            owned = self._request(
                "GET",
                user_path(user_id) + "/ownedObjects/microsoft.graph.group",
                params={"$select": "id,isAssignableToRole", "$top": "999"},
                subject=subject,
            )
        except NotPermitted:
            return None
        items = parse.collection(self._json(joined))
        roles = tuple(
            i.get("roleTemplateId") if isinstance(i.get("roleTemplateId"), str) else None
            for i in items
            if isinstance(i, dict) and i.get("@odata.type") == "#microsoft.graph.directoryRole"
        )
        groups = [
            i
            for i in (*items, *parse.collection(self._json(owned)))
            if isinstance(i, dict) and i.get("@odata.type") == "#microsoft.graph.group"
        ]
        assignable = any(g.get("isAssignableToRole") is True for g in groups)
        return Memberships(roles, assignable)

    # --- policy ----------------------------------------------------------------------------

    def get_tap_policy(self) -> TapPolicy:
        """The tenant's TAP policy; the documented defaults (``known=False``) on a 403."""
        try:
            response = self._request("GET", POLICY_PATH)
        except NotPermitted:
            # Authentication Administrators usually may not read policies: not a failure.
            return TapPolicy.documented_defaults()
        return parse.policy(self._json(response))

    def user_in_policy_scope(self, user_id: str, policy: TapPolicy) -> bool | None:
        """True / False, or None when it cannot be told (policy unknown, membership unreadable)."""
        if not policy.known:
            return None
        groups = scope.groups_to_check(policy, user_id)
        if not groups:
            return scope.in_scope(policy, user_id, set())
        if len(scope.batches(groups)) > scope.MAX_GROUP_REQUESTS:
            return None  # too many groups to ask about for one person
        try:
            return scope.in_scope(policy, user_id, self.member_of(user_id, groups))
        except NotPermitted:
            return None

    # --- passes ----------------------------------------------------------------------------

    def _tap_path(self, user_id: str, tap_id: str = "") -> str:
        path = user_path(user_id) + "/authentication/temporaryAccessPassMethods"
        return path + "/" + quote(tap_id, safe="") if tap_id else path

    def create_tap(
        self,
        user_id: str,
        request: IssueRequest,
        *,
        on_status: StatusCallback | None = None,
        who: str | None = None,
        client_request_id: str | None = None,
    ) -> TemporaryAccessPass:
        """Issue a pass; the result is the only time Graph reveals its value.

        ``client_request_id``: sent with every attempt, so the audit intent names the request.

        When a reply is lost (dropped connection, timeout, 503/504) we ask Graph whether a pass
        appeared. None: nothing happened, so we retry as for any call. One did: its value is
        gone, and since a user holds one pass, issuing again replaces it. Either way no pass is
        left behind that the technician has not seen, and ``on_status`` says what happened.
        """
        subject = who or f"user {user_id}"
        started = self._clock.monotonic()
        attempt = 0
        while True:
            attempt += 1
            sent_at = self._clock.now()
            try:
                response = self._request(
                    "POST",
                    self._tap_path(user_id),
                    json=request.as_graph_body(),
                    headers={"client-request-id": client_request_id} if client_request_id else None,
                    subject=subject,
                    retry_ambiguous=False,
                    on_status=on_status,
                )
                break
            except Throttled:
                raise  # a 429 is an answer: nothing was created, and its wait is Graph's to set
            except TemporaryFailure as failure:
                created = self._lost_create(user_id, sent_at)
                if created is None:
                    raise
                if created:
                    log.warning(
                        "create reply lost (request-id %s); replacing the unseen pass",
                        failure.request_id,
                    )
                    if on_status:
                        on_status(
                            "The reply was lost after Graph created a pass; issuing a replacement."
                        )
                    delay = 0.0
                else:
                    delay = self._retry.backoff(attempt)
                self._wait_or_raise(attempt, started, delay, failure, on_status)
        tap = parse.temporary_access_pass(self._json(response))
        log.info("issued pass %s for %s", tap.id, user_id)
        return tap

    def _lost_create(self, user_id: str, sent_at: datetime) -> bool | None:
        """Did a create whose reply we never saw take effect? None when Graph can't tell us."""
        try:
            taps = self.list_taps(user_id)
        except TapdeskError:
            return None
        # The server's clock may differ from ours: allow five minutes of skew.
        return any(t.created >= sent_at - timedelta(minutes=5) for t in taps)

    def list_taps(self, user_id: str) -> list[TemporaryAccessPass]:
        response = self._request("GET", self._tap_path(user_id), subject=f"user {user_id}")
        return [
            parse.temporary_access_pass(item) for item in parse.collection(self._json(response))
        ]

    def delete_tap(self, user_id: str, tap_id: str, *, who: str | None = None) -> None:
        """Revoke. A pass already gone counts as revoked."""
        try:
            self._request(
                "DELETE",
                self._tap_path(user_id, tap_id),
                subject=f"the pass of {who}" if who else f"pass {tap_id}",
            )
        except NotFound:
            log.info("pass %s was already gone", tap_id)
        else:
            log.info("revoked pass %s for %s", tap_id, user_id)

    # --- methods ---------------------------------------------------------------------------

    def list_methods(self, user_id: str, kind: MethodFilter = "all") -> list[AuthMethod]:
        relationship, implied = _METHOD_PATHS[kind]
        response = self._request(
            "GET", user_path(user_id) + "/authentication/" + relationship, subject=f"user {user_id}"
        )
        methods = []
        for item in parse.collection(self._json(response)):
            found = parse.method(item)
            if found is None:
                continue
            if implied is not None and found.kind is MethodKind.OTHER and not found.odata_type:
                found = AuthMethod(
                    found.id, implied, found.display_name, found.created, found.aaguid, found.model
                )
            methods.append(found)
        return methods

    def user_status(self, id_or_upn: str, *, on_status: StatusCallback | None = None) -> UserStatus:
        """User, their pass (never its value) and registered methods."""
        found = self.get_user(id_or_upn, on_status=on_status)
        taps = self.list_taps(found.id)
        methods = self.list_methods(found.id)
        return UserStatus(found, taps[0] if taps else None, tuple(methods))


def _wait_too_long(throttled: Throttled, now: datetime) -> Throttled:
    """Graph asked for a longer wait than this operation may take: say until when."""
    wait = throttled.retry_after or 0.0  # set: the caller checked
    until = (now + timedelta(seconds=wait)).astimezone()
    error = Throttled(
        f"Microsoft Graph asked tapdesk to wait {wait:.0f} s before its next request, until "
        f"{until:%H:%M:%S}; tapdesk does not ask earlier.",
        hint=f"Try again after {until:%H:%M:%S}. Other technicians of this tenant share the "
        "limit: a busy hour can cause this.",
        request_id=throttled.request_id,
        status=throttled.status,
        code=throttled.code,
    )
    error.retry_after = wait
    return error
