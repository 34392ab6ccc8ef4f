"""DemoTenant: Microsoft Graph and the Entra sign-in authority, served in process over httpx.

The real GraphClient and real MSAL talk to it through ``httpx.Client(transport=...)``. Tests
and training scripts steer it with knobs (policy, roles, consent, faults, latency) and act
as the new hire through :meth:`DemoTenant.phone`.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import httpx

from tapdesk.core.clock import SYSTEM_CLOCK, Clock
from tapdesk.demo import authority, graph
from tapdesk.demo.constants import (
    DEFAULT_CONSENTED_SCOPES,
    DEMO_DOMAIN,
    DEMO_TECHNICIAN_UPN,
    DEMO_TENANT_ID,
    GRAPH_HOST,
    LOGIN_HOST,
    ROLE_ASSIGNABLE_GROUP_ID,
    ROLE_IDS,
)
from tapdesk.demo.faults import ACCEPTED, DROP_AFTER_CREATE, ERROR, THROTTLE, UNAVAILABLE, Fault
from tapdesk.demo.issuance import token_response
from tapdesk.demo.model import DemoUser, Grant, TenantState
from tapdesk.demo.phone import Phone
from tapdesk.demo.responses import GraphProblem, GraphReply, OAuthProblem
from tapdesk.demo.seed import SeedUser, build_user, seed_state
from tapdesk.demo.store import StateStore

SeenRequest = tuple[str, str, httpx.Headers]


class DemoTenant:
    def __init__(
        self,
        state_path: Path | None = None,
        clock: Clock = SYSTEM_CLOCK,
        latency: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
        auto_approve_after: float | None = 3.0,
        tenant_id: str = DEMO_TENANT_ID,
    ) -> None:
        """``tenant_id``: the demo's own by default; another serves a second tenant the same way
        (tests of tenants that must never mix)."""
        self.latency = latency  # seconds added to every request, through ``sleep``
        self.auto_approve_after = auto_approve_after  # None: device codes wait for approval
        self.token_lifetime = 3600.0
        self.replication_delay = 20.0  # how long ben.fresh stays invisible
        self.clock_skew = 0.0  # seconds the service's clock runs ahead of ours (fault tests)
        self.requests: list[SeenRequest] = []
        self.token_requests = 0
        self._clock = clock
        self._sleep = sleep
        self._faults: list[Fault] = []
        self._meta_lock = threading.Lock()
        self.tenant_id = tenant_id
        self._store = StateStore(state_path, lambda: seed_state(clock.now(), tenant_id=tenant_id))
        if state_path is not None:
            with self._store.transaction():
                pass  # seeds a missing file now: "tenant start" is this moment

    @property
    def state_path(self) -> Path | None:
        """The state file (None: in memory only, so no other process can share this tenant)."""
        return self._store.path

    # --- serving ---------------------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    def handler(self, request: httpx.Request) -> httpx.Response:
        request.read()
        with self._meta_lock:
            self.requests.append((request.method, request.url.path, httpx.Headers(request.headers)))
            if request.method == "POST" and request.url.path.endswith("/oauth2/v2.0/token"):
                self.token_requests += 1
            fault = next((f for f in self._faults if f.matches(request)), None)
            if fault is not None:
                fault.consume()
        if self.latency > 0:
            self._sleep(self.latency)  # outside every lock: slow requests still overlap
        if fault is not None and fault.kind in (THROTTLE, UNAVAILABLE, ACCEPTED, ERROR):
            return self._fault_response(fault, request)
        if fault is not None and fault.kind != DROP_AFTER_CREATE:
            fault.raise_transport_error(request)
        response = self._serve(request)
        if fault is not None:  # drop_after_create: done, but the answer never arrives
            fault.raise_transport_error(request)
        # Real services stamp every answer; doctor reads it to measure clock skew.
        response.headers["date"] = format_datetime(self.server_now(), usegmt=True)
        return response

    def server_now(self) -> datetime:
        """The service's own clock: the injected clock plus ``clock_skew`` seconds."""
        return self._clock.now() + timedelta(seconds=self.clock_skew)

    def _serve(self, request: httpx.Request) -> httpx.Response:
        now = self.server_now()
        host = request.url.host
        if host not in (GRAPH_HOST, LOGIN_HOST):
            raise httpx.ConnectError(f"Name or service not known: {host}", request=request)
        with self._store.transaction() as state:
            if host == GRAPH_HOST:
                return graph.handle(request, state, now, self.replication_delay)
            return authority.handle(
                request,
                state,
                now,
                token_lifetime=self.token_lifetime,
                auto_approve_after=self.auto_approve_after,
            )

    def _fault_response(self, fault: Fault, request: httpx.Request) -> httpx.Response:
        now = self._clock.now()
        headers = {"retry-after": fault.retry_after} if fault.retry_after is not None else {}
        if request.url.host == LOGIN_HOST:
            text = "The service is temporarily unavailable; try again later."
            problem = OAuthProblem("temporarily_unavailable", 90033, text, status=fault.status)
            return problem.response(now, headers)
        if fault.kind == ACCEPTED:  # Graph: "202 Accepted" when it needs more time
            return GraphReply(request, now).empty(202)
        if fault.kind == THROTTLE:  # the body of the example on Graph's throttling page
            graph_problem = GraphProblem(
                429,
                "TooManyRequests",
                "Please retry again later.",
                headers,
                inner={"code": "429", "message": "Please retry after", "status": "429"},
            )
        elif fault.kind == ERROR:
            graph_problem = GraphProblem(fault.status, fault.code, fault.message, headers)
        elif fault.status == 504:
            graph_problem = GraphProblem(504, "gatewayTimeout", "Gateway timeout.", headers)
        else:
            message = "Service unavailable, try again later."
            graph_problem = GraphProblem(503, "serviceNotAvailable", message, headers)
        return GraphReply(request, now).error(graph_problem)

    # --- faults ----------------------------------------------------------------------------

    def inject(self, fault: Fault) -> None:
        with self._meta_lock:
            self._faults.append(dataclasses.replace(fault))

    def clear_faults(self) -> None:
        with self._meta_lock:
            self._faults.clear()

    # --- state knobs -----------------------------------------------------------------------

    @property
    def users(self) -> Mapping[str, DemoUser]:
        """A read-only snapshot, by UPN."""
        with self._store.transaction() as state:
            return MappingProxyType({u.upn: copy.deepcopy(u) for u in state.users.values()})

    def phone(self, upn: str) -> Phone:
        self._user(upn)  # fail early on a typo
        return Phone(self._store, self._clock, upn)

    def reset(self) -> None:
        """Reseed: every user, pass, policy, role and sign-in back to the start of a session."""
        self._store.reset()

    def set_policy(self, **overrides: Any) -> None:
        """Override TAP policy fields by their Graph names, e.g. ``state="disabled"``."""
        with self._store.transaction() as state:
            unknown = set(overrides) - set(state.policy)
            if unknown:
                raise ValueError(f"not TAP policy fields: {sorted(unknown)}")
            state.policy.update(copy.deepcopy(overrides))

    def set_roles(self, upn: str, roles: list[str]) -> None:
        unknown = [role for role in roles if role not in ROLE_IDS]
        if unknown:
            raise ValueError(f"unknown directory roles: {unknown}")
        self._change_user(upn, lambda user: setattr(user, "roles", list(roles)))

    def add_user(
        self,
        alias: str,
        given_name: str,
        surname: str,
        *,
        in_tap_group: bool = True,
        internal_guest: bool = False,
        role_assignable: str = "",
    ) -> str:
        """Add a new hire (``alias@northwind.example``, created today); returns their id.

        For large rosters in tests, benchmarks and training; the id is derived from the alias,
        so the same call gives the same id in every run. ``internal_guest``: userType Guest
        with an account of this tenant (Entra lets them have a pass, unlike external guests).
        ``role_assignable``: "member" or "owner" of the demo's role-assignable group."""
        seed = SeedUser(
            str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{alias}.{DEMO_DOMAIN}")),
            alias,
            given_name,
            surname,
            "New hire",
            "Operations",
            0,
            hired_today=True,
            in_tap_group=in_tap_group,
        )
        with self._store.transaction() as state:
            if state.find_user(f"{alias}@{DEMO_DOMAIN}") is not None:
                raise ValueError(f"{alias}@{DEMO_DOMAIN} already exists")
            user = build_user(seed, self.server_now())
            if internal_guest:
                user.user_type = "Guest"
            if role_assignable == "member":
                user.groups.append(ROLE_ASSIGNABLE_GROUP_ID)
            elif role_assignable == "owner":
                user.owned_groups.append(ROLE_ASSIGNABLE_GROUP_ID)
            state.users[seed.id] = user
        return seed.id

    def edit_user(self, upn: str, **fields: Any) -> None:
        """Change directory fields by their attribute names (``display_name="…"``), as HR
        provisioning, directory sync or a User Administrator may: anything a string holds."""
        user = self._user(upn)
        unknown = [name for name in fields if not hasattr(user, name) or name in ("id", "upn")]
        if unknown:
            raise ValueError(f"not editable user fields: {unknown}")

        def change(target: DemoUser) -> None:
            for name, value in fields.items():
                setattr(target, name, value)

        self._change_user(upn, change)

    def rename_user(self, upn: str, new_upn: str) -> None:
        """A User Administrator changes the sign-in name (Graph's PATCH of userPrincipalName);
        the object id, and so every token already issued to the user, stays the same."""
        with self._store.transaction() as state:
            if state.find_user(new_upn) is not None:
                raise ValueError(f"{new_upn} is already taken in the demo tenant")
            self._find(state, upn).upn = new_upn

    def delete_user(self, upn: str) -> None:
        with self._store.transaction() as state:
            del state.users[self._find(state, upn).id]

    def revoke_consent(self, scopes: list[str] | None = None) -> None:
        """Withdraw admin consent (all of it by default): sign-in says consent_required,
        Graph answers 403 even to tokens issued before."""
        with self._store.transaction() as state:
            if scopes is None:
                state.consented_scopes = []
                return
            gone = {s.lower() for s in scopes}
            state.consented_scopes = [s for s in state.consented_scopes if s.lower() not in gone]

    def consent(self, scopes: list[str]) -> None:
        """An administrator consents more permissions for tapdesk (e.g. RoleManagement.Read.Directory)."""
        with self._store.transaction() as state:
            state.consented_scopes = sorted({*state.consented_scopes, *scopes})

    def restore_consent(self) -> None:
        with self._store.transaction() as state:
            state.consented_scopes = list(DEFAULT_CONSENTED_SCOPES)

    def at_keyboard(self, upn: str | None) -> None:
        """Who enters credentials when the sign-in page asks for them (None: the training
        technician); a browser session already signed in is used without asking."""
        if upn is not None:
            self._user(upn)
        with self._store.transaction() as state:
            state.keyboard_upn = upn

    def end_browser_session(self) -> None:
        """The demo browser forgets its sign-in (its cookie): the next sign-in asks again."""
        with self._store.transaction() as state:
            state.browser_user_id, state.browser_auth_time = None, None

    def approve_device_code(self, user_code: str, upn: str = DEMO_TECHNICIAN_UPN) -> None:
        with self._store.transaction() as state:
            grant = self._device_grant(state, user_code)
            grant.status, grant.user_id = "approved", self._find(state, upn).id

    def deny_device_code(self, user_code: str) -> None:
        with self._store.transaction() as state:
            self._device_grant(state, user_code).status = "denied"

    def access_token(self, upn: str = DEMO_TECHNICIAN_UPN, scopes: list[str] | None = None) -> str:
        """A Graph access token minted without a sign-in round trip (for tests of Graph code)."""
        with self._store.transaction() as state:
            user = self._find(state, upn)
            wanted = list(scopes) if scopes is not None else list(DEFAULT_CONSENTED_SCOPES)
            body = token_response(state, user, wanted, self.server_now(), self.token_lifetime)
        token: str = body["access_token"]
        return token

    # --- helpers ---------------------------------------------------------------------------

    def _user(self, upn: str) -> DemoUser:
        with self._store.transaction() as state:
            return self._find(state, upn)

    def _change_user(self, upn: str, change: Callable[[DemoUser], None]) -> None:
        with self._store.transaction() as state:
            change(self._find(state, upn))

    @staticmethod
    def _find(state: TenantState, upn: str) -> DemoUser:
        user = state.find_user(upn)
        if user is None:
            raise KeyError(f"no user {upn} in the demo tenant")
        return user

    @staticmethod
    def _device_grant(state: TenantState, user_code: str) -> Grant:
        for grant in state.device_codes.values():
            if grant.user_code == user_code.upper() and grant.status == "pending":
                return grant
        raise KeyError(f"no pending device code {user_code}")
