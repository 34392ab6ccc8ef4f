"""The named background operations of the window: the only way a widget reaches Graph, sign-in,
the store or the demo tenant.

Each operation runs on a worker through the :class:`~tapdesk.ui.tasks.TaskRunner` and receives
the real services there (as Anki's ``QueryOp`` receives the collection): the first operation
builds them (:class:`~tapdesk.app.services.Backend`), so the window paints before httpx and MSAL
load. Every operation delivers exactly one success or one failure on the GUI thread; a channel
makes a newer call win over an older one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tapdesk.config import Settings, reread
from tapdesk.core.clock import Clock
from tapdesk.core.models import TapPolicy, User, UserStatus
from tapdesk.core.roles import Roles, TargetRole, Technician
from tapdesk.errors import SessionNotSaved, StorageError, TapdeskError
from tapdesk.ui.tasks import Task, TaskRunner

# The workflows behind the operations load on the worker that first runs one (the window's
# first paint does without them).
if TYPE_CHECKING:
    from tapdesk.app.services import Backend, Services
    from tapdesk.auth import Account as Account  # re-exported: what sign-in hands the window
    from tapdesk.auth import Authenticator
    from tapdesk.auth import DeviceFlow as DeviceFlow
    from tapdesk.auth import SavedSignIn as SavedSignIn
    from tapdesk.core.audit import AuditEvent
    from tapdesk.core.flows import Flow
    from tapdesk.core.passrules import IssueRequest
    from tapdesk.core.roster import Roster
    from tapdesk.core.verify import GraphRead, Observation
    from tapdesk.graph.client import GraphClient
    from tapdesk.workflows.day import DaySessions
    from tapdesk.workflows.issuing import ForSession, Issued, Issuer
    from tapdesk.workflows.onboarding import Resumed, SaveBatch
    from tapdesk.workflows.precheck import Precheck
    from tapdesk.workflows.reconcile import Settled
    from tapdesk.workflows.training_phone import PhoneAction

T = TypeVar("T")
Done = Callable[[T], None]
Failed = Callable[[TapdeskError], None]


class Operations:
    def __init__(self, backend: Backend, runner: TaskRunner, clock: Clock | None = None) -> None:
        self.backend = backend
        self.runner = runner
        self.clock = clock or backend.clock  # the window's (screenshots move it by hand)
        self._poll_lock = threading.Lock()
        self._poll_graph: GraphClient | None = None

    def cancel(self, channel: str) -> None:
        """Drop the delivery of whatever runs on ``channel`` (the widget moved on)."""
        self.runner.cancel(channel)

    def _run(
        self,
        name: str,
        work: Callable[[Services], T],
        done: Done[T] | None = None,
        failed: Failed | None = None,
        *,
        channel: str | None = None,
    ) -> Task:
        backend = self.backend
        return self.runner.submit(
            lambda: work(backend.services()), done, failed, channel=channel, name=name
        )

    # -- start-up -------------------------------------------------------------------------------
    def notices(self, done: Done[list[str]], failed: Failed | None = None) -> Task:
        """What building the services had to say once (a database set aside…)."""
        return self._run("notices", lambda s: list(s.notices), done, failed)

    # -- sign-in --------------------------------------------------------------------------------
    def sign_in_silent(
        self, done: Done[tuple[Account | None, list[str]]], failed: Failed, *, channel: str
    ) -> Task:
        def work(services: Services) -> tuple[Account | None, list[str]]:
            auth = _auth(services)
            account = auth.sign_in_silent()
            return account, list(auth.notices)

        return self._run("silent sign-in", work, done, failed, channel=channel)

    def saved_sign_in(
        self, done: Done[tuple[SavedSignIn | None, list[str]]], failed: Failed, *, channel: str
    ) -> Task:
        """Who the token cache holds, without signing them in (a shared bench asks first)."""

        def work(services: Services) -> tuple[SavedSignIn | None, list[str]]:
            auth = _auth(services)
            saved = auth.saved_sign_in()
            return saved, list(auth.notices)

        return self._run("saved sign-in", work, done, failed, channel=channel)

    def continue_as(
        self,
        username: str,
        window_handle: int,
        done: Done[Account],
        failed: Failed,
        *,
        channel: str,
    ) -> Task:
        return self._run(
            "continue as",
            lambda s: _auth(s).continue_as(username, parent_window_handle=window_handle),
            done,
            failed,
            channel=channel,
        )

    def my_roles(self, done: Done[Roles], failed: Failed, *, channel: str) -> Task:
        """The technician's roles from Graph, when the sign-in did not carry them."""
        return self._run("my roles", lambda s: s.graph.my_roles(), done, failed, channel=channel)

    def token_user(self, done: Done[User], failed: Failed, *, channel: str) -> Task:
        """Who a token from the environment belongs to."""
        return self._run("me", lambda s: s.graph.me(), done, failed, channel=channel)

    def sign_in_interactive(
        self,
        window_handle: int,
        select_account: bool,
        done: Done[Account],
        failed: Failed,
        *,
        channel: str,
    ) -> Task:
        return self._run(
            "interactive sign-in",
            lambda s: _auth(s).sign_in_interactive(
                parent_window_handle=window_handle, select_account=select_account
            ),
            done,
            failed,
            channel=channel,
        )

    def uses_broker(self) -> bool:
        """Whether the interactive sign-in goes through WAM, read on the GUI thread: the
        settings until the services exist, then the Authenticator, which knows when a broker
        that could not load fell back to the browser."""
        if not self.backend.ready:
            from tapdesk.auth.strategies import wants_broker  # msal: not at the window's import

            return wants_broker(self.backend.settings)
        auth = self.backend.services().auth
        return auth is not None and auth.uses_broker

    def browser_opens(self) -> bool:
        """Whether an interactive sign-in opens a browser: not on the demo tenant, whose own
        sign-in page answers in-process (the settings say demo until the services exist)."""
        if not self.backend.ready:
            return not self.backend.settings.demo
        return not self.backend.services().browser_simulated

    def cancel_interactive(self) -> None:
        if self.backend.ready:  # never built: nothing is waiting
            self._run("cancel sign-in", lambda s: _auth(s).cancel_interactive())

    def start_device_flow(self, done: Done[DeviceFlow], failed: Failed, *, channel: str) -> Task:
        return self._run(
            "device code", lambda s: _auth(s).start_device_flow(), done, failed, channel=channel
        )

    def finish_device_flow(self, flow: DeviceFlow, done: Done[Account], failed: Failed) -> Task:
        return self._run(
            "device code wait", lambda s: _auth(s).finish_device_flow(flow), done, failed
        )

    def cancel_device_flow(self, flow: DeviceFlow) -> None:
        self._run("cancel device code", lambda s: _auth(s).cancel_device_flow(flow))

    def sign_out(self, done: Done[None], failed: Failed, *, channel: str) -> Task:
        return self._run("sign-out", lambda s: _auth(s).sign_out(), done, failed, channel=channel)

    # -- people ---------------------------------------------------------------------------------
    def search_users(
        self, text: str, done: Done[list[User]], failed: Failed, *, channel: str
    ) -> Task:
        return self._run(
            "search", lambda s: s.graph.search_users(text), done, failed, channel=channel
        )

    def find_user(
        self,
        ref: str,
        done: Done[User],
        failed: Failed,
        *,
        channel: str,
        on_progress: Callable[[str], None] | None = None,
    ) -> Task:
        """One user by UPN or id; ``on_progress`` hears "still replicating…" for a new account."""
        backend = self.backend
        if on_progress is None:
            return self._run(
                "find user", lambda s: s.graph.get_user(ref), done, failed, channel=channel
            )
        return self.runner.submit(
            lambda report: backend.services().graph.get_user(ref, on_status=report),
            done,
            failed,
            channel=channel,
            name="find user",
            on_progress=on_progress,
        )

    def user_status(
        self, user_id: str, done: Done[UserStatus], failed: Failed, *, channel: str
    ) -> Task:
        return self._run(
            "user status", lambda s: s.graph.user_status(user_id), done, failed, channel=channel
        )

    def policy_scope(
        self,
        user_id: str,
        policy: TapPolicy,
        done: Done[bool | None],
        failed: Failed,
        *,
        channel: str,
    ) -> Task:
        def work(services: Services) -> bool | None:
            from tapdesk.workflows import target

            return target.scope_of(services.graph, user_id, policy)

        return self._run("policy scope", work, done, failed, channel=channel)

    def admin_check(
        self, user_id: str, done: Done[TargetRole | None], failed: Failed, *, channel: str
    ) -> Task:
        def work(services: Services) -> TargetRole | None:
            from tapdesk.workflows import target

            return target.target_role(services.graph, user_id)

        return self._run("admin check", work, done, failed, channel=channel)

    # -- the policy: the main window reads it once per sign-in and hands it on -----------------
    def load_policy(self, done: Done[TapPolicy], failed: Failed, *, channel: str) -> Task:
        return self._run(
            "policy", lambda s: s.graph.get_tap_policy(), done, failed, channel=channel
        )

    # -- passes -----------------------------------------------------------------------------------
    def issue(
        self,
        technician: Technician | None,
        user: User,
        request: IssueRequest,
        session: ForSession | None,
        done: Done[Issued],
        failed: Failed,
        *,
        first_save: SaveBatch | None = None,
        replaces: str = "",
    ) -> Task:
        """The one route for every pass of the window (a checklist's or not). ``first_save``:
        a new checklist, stored before the create request leaves (else nothing is asked)."""
        from tapdesk.workflows.onboarding import save

        def work(services: Services) -> Issued:
            if first_save is not None:
                try:
                    save(services.store, first_save)
                except StorageError as exc:
                    raise SessionNotSaved(
                        f"No pass was issued: the checklist could not be saved first. {exc.message}",
                        hint=exc.hint,
                    ) from None
            issuer = self._issuer(services, technician)
            return issuer.issue(services.graph, user, request, session=session, replaces=replaces)

        return self._run("issue", work, done, failed)

    def revoke(
        self,
        technician: Technician | None,
        user: User,
        pass_id: str,
        session_id: str,
        done: Done[tuple[str, ...]],
        failed: Failed,
    ) -> Task:
        return self._run(
            "revoke",
            lambda s: self._issuer(s, technician).revoke(
                s.graph, user, pass_id, session_id=session_id
            ),
            done,
            failed,
        )

    def _issuer(self, services: Services, technician: Technician | None) -> Issuer:
        from tapdesk.workflows.issuing import Issuer

        required = not services.settings.allow_issue_without_trail
        if technician is None:
            return Issuer("", Roles.unknown(), services.store, self.clock, required)
        return Issuer(technician.username, technician.roles, services.store, self.clock, required)

    def reconcile(self, done: Done[list[Settled]], failed: Failed) -> Task:
        """What an interrupted run left open, settled against Graph (never blocks start-up)."""
        clock = self.clock

        def work(services: Services) -> list[Settled]:
            from tapdesk.workflows.reconcile import reconcile

            return reconcile(services.graph, services.store, clock)

        return self._run("reconcile", work, done, failed)

    def read_lists(
        self,
        user_id: str,
        reads: frozenset[GraphRead],
        done: Done[Observation],
        failed: Failed,
        *,
        name: str,
        channel: str | None = None,
    ) -> Task:
        """The narrow lists a poller wants, with no in-call retries: the poller's own backoff
        decides when to ask again."""
        from tapdesk.workflows.onboarding import read

        clock = self.clock
        return self._run(
            name,
            lambda s: read(self._polling_graph(s), user_id, reads, clock),
            done,
            failed,
            channel=channel,
        )

    def _polling_graph(self, services: Services) -> GraphClient:
        from tapdesk.workflows.onboarding import poll_client

        with self._poll_lock:
            if self._poll_graph is None:
                self._poll_graph = poll_client(services.graph)
            return self._poll_graph

    # -- sessions and the audit trail -----------------------------------------------------------
    def resume_sessions(self, flows: list[Flow], done: Done[Resumed], failed: Failed) -> Task:
        from tapdesk.workflows.onboarding import resume

        clock = self.clock
        return self._run("resume sessions", lambda s: resume(s.store, flows, clock), done, failed)

    def save_session(
        self, batch: SaveBatch, done: Done[None], failed: Failed, stored: set[int]
    ) -> Task:
        """Store one batch; ``stored`` learns its id on the worker (read when closing)."""
        from tapdesk.workflows.onboarding import save

        def work(services: Services) -> None:
            save(services.store, batch)
            stored.add(id(batch))  # the session keeps the batch alive until it hears back

        return self._run("save session", work, done, failed)

    def save_now(self, batch: SaveBatch) -> None:
        """On the way out, after the runner stopped: store right here (raises StorageError)."""
        from tapdesk.workflows.onboarding import save

        if self.backend.ready:
            save(self.backend.services().store, batch)

    def audit_events(
        self,
        start: datetime,
        end: datetime,
        done: Done[list[AuditEvent]],
        failed: Failed,
        *,
        channel: str,
    ) -> Task:
        from tapdesk.workflows import audit  # the Audit view's own: loaded when it opens

        return self._run(
            "read audit",
            lambda s: audit.events(s.store, start, end, tenant_id=_tenant_of(s)),
            done,
            failed,
            channel=channel,
        )

    def export_audit(
        self,
        start: datetime,
        end: datetime,
        path: Path,
        done: Done[int],
        failed: Failed,
        *,
        channel: str,
    ) -> Task:
        from tapdesk.workflows import audit

        return self._run(
            "export audit",
            lambda s: audit.export_csv(s.store, start, end, path, tenant_id=_tenant_of(s)),
            done,
            failed,
            channel=channel,
        )

    # -- the technician's own settings ----------------------------------------------------------
    def save_settings(
        self, values: Mapping[str, Any], done: Done[Settings], failed: Failed
    ) -> Task:
        """Write ``values`` to the user file, then read the settings again (the site's limits
        and the environment still win): ``done`` gets them, to apply at once."""
        from tapdesk.workflows.preferences import save_user_values

        backend = self.backend
        paths, settings, wanted = backend.paths, backend.settings, dict(values)

        def work() -> Settings:
            save_user_values(paths, wanted)
            return reread(settings, paths)

        return self.runner.submit(work, done, failed, channel="settings", name="save settings")

    # -- the new-hire day -------------------------------------------------------------------------
    def read_roster(self, path: Path, done: Done[Roster], failed: Failed, *, channel: str) -> Task:
        from tapdesk.workflows.precheck import read_roster

        return self.runner.submit(
            lambda: read_roster(path), done, failed, channel=channel, name="read roster"
        )

    def precheck(
        self,
        upn: str,
        policy: TapPolicy | None,
        technician: Technician | None,
        done: Done[Precheck],
        failed: Failed,
    ) -> Task:
        from tapdesk.workflows.precheck import check_person

        clock = self.clock
        return self._run(
            "roster pre-check",
            lambda s: check_person(s.graph, upn, policy, clock=clock, technician=technician),
            done,
            failed,
        )

    def day_sessions(
        self,
        start: datetime,
        end: datetime,
        flows: dict[str, Flow],
        done: Done[DaySessions],
        failed: Failed,
        *,
        channel: str,
    ) -> Task:
        from tapdesk.workflows.day import read_day_sessions  # the roster's: loaded when it opens

        return self._run(
            "roster sessions",
            lambda s: read_day_sessions(s.store, start, end, flows),
            done,
            failed,
            channel=channel,
        )

    # -- the demo tenant's phone ------------------------------------------------------------------
    def phone(self, upn: str, action: PhoneAction, done: Done[str], failed: Failed) -> Task:
        from tapdesk.workflows.training_phone import perform

        return self._run("simulated phone", lambda s: perform(s.demo, upn, action), done, failed)


def _auth(services: Services) -> Authenticator:
    """The sign-in of these services; a token from the environment has none to drive."""
    if services.auth is None:
        raise TapdeskError("This run uses a token from the environment: nobody signs in.")
    return services.auth


def _tenant_of(services: Services) -> str:
    """The window shows and exports its own tenant's records only (the CLI can ask for all)."""
    return services.store.tenant_id if services.store is not None else ""
