"""A new-hire day: 200 people in a roster, pre-checked while 20 sessions poll Graph.

Used by ``python -m tests.bench`` (the longest stall during the pre-check) and by
``tests/ui/test_roster_benchmark.py`` (request rates). The expected rates, and why they are fine,
are in that test's docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from tapdesk.core.checklist import Checklist
from tapdesk.core.clock import SYSTEM_CLOCK
from tapdesk.core.flows import load_flows
from tapdesk.core.models import TemporaryAccessPass
from tapdesk.core.polling import Poller, Visibility
from tapdesk.core.verify import GraphRead
from tapdesk.demo import DEMO_TENANT_ID, DemoTenant
from tapdesk.errors import TapdeskError, Throttled
from tapdesk.graph.retry import NO_RETRY
from tapdesk.runtime.paths import AppPaths
from tapdesk.runtime.resources import flows_dir
from tapdesk.store import Store, open_store
from tapdesk.ui.window.main_window import MainWindow
from tests.helpers.demo import as_lead

if TYPE_CHECKING:
    from tests.bench.stalls import StallRecorder
    from tests.bench.window import Bench

PEOPLE = 200
SESSIONS = 20
LATENCY = 0.05  # seconds on every Graph answer
POLL_READ = GraphRead.AUTHENTICATOR.value


def people(tenant: DemoTenant, count: int = PEOPLE) -> list[tuple[str, str]]:
    """``count`` new hires in the tenant (every 25th outside the pass group): (UPN, id)."""
    found = []
    for n in range(count):
        alias = f"hire{n:03d}"
        user_id = tenant.add_user(alias, "Hire", f"{n:03d}", in_tap_group=n % 25 != 0)
        found.append((f"{alias}@northwind.example", user_id))
    return found


def roster_csv(found: list[tuple[str, str]]) -> bytes:
    rows = ["UPN,Name,Start,Device"]
    for n, (upn, _user_id) in enumerate(found):
        rows.append(f"{upn},Hire {n:03d},{8 + n // 40}:{(n % 40) * 90 // 60:02d},LAP-{n:04d}")
    return ("\n".join(rows) + "\n").encode()


def polled(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The 20 people whose sessions are open and polling (never one outside the pass group)."""
    return [p for n, p in enumerate(found) if n % 7 == 1 and n % 25 != 0][:SESSIONS]


def save_sessions(store: Store, started: list[tuple[str, str]]) -> list[str]:
    """An open passkey checklist per person, past the pass: the user ids."""
    flows, _ = load_flows(flows_dir())
    flow = next(f for f in flows if f.id == "passkey-authenticator")
    ids = []
    for upn, user_id in started:
        checklist = Checklist.start(flow, user_id=user_id, upn=upn, technician="tess.tech")
        checklist.tick("confirm-identity")
        tap = TemporaryAccessPass(f"pass-{user_id}", SYSTEM_CLOCK.now(), None, 480, True)
        checklist.pass_issued(tap, [])
        store.save_session(checklist.snapshot(), checklist.drain_events())
        ids.append(user_id)
    return ids


def open_sessions(bench: Bench, started: list[tuple[str, str]]) -> list[str]:
    """Before the window starts: sessions saved in the bench's store."""
    store, _notices = open_store(AppPaths.default({"TAPDESK_HOME": str(bench.home)}))
    store.tenant_id = DEMO_TENANT_ID  # as the window's store files them
    try:
        return save_sessions(store, started)
    finally:
        store.close()


class SessionsHook(QObject):
    changed = Signal()


class Pollers:
    """20 sessions' schedules (core.polling.Poller, real clock) driven on the GUI thread; each
    poll is one Graph read on the main window's task runner, as the checklist's would be."""

    def __init__(self, window: MainWindow, user_ids: list[str], on_answer: Callable[[], None]):
        self._window = window
        # The pollers own their backoff.
        self._graph = window.backend.services().graph.with_retry(NO_RETRY)
        self._on_answer = on_answer
        self.pollers = []
        for user_id in user_ids:
            poller = Poller(clock=SYSTEM_CLOCK, visibility=Visibility.FOREGROUND)
            poller.set_reads({GraphRead.AUTHENTICATOR})
            self.pollers.append((poller, user_id))
        self.answers = 0
        self._timer = QTimer()
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._check)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        for poller, _ in self.pollers:
            poller.stop()

    def _check(self) -> None:
        for poller, user_id in self.pollers:
            if poller.due():
                poller.begin()
                self._window.runner.submit(
                    lambda uid=user_id: self._graph.list_methods(uid, "authenticator"),
                    lambda _methods, p=poller: self._answered(p, None),
                    lambda error, p=poller: self._answered(p, error),
                    name="bench poll",
                )

    def _answered(self, poller: Poller, error: TapdeskError | None) -> None:
        if error is None:
            poller.succeeded()
        elif isinstance(error, Throttled):
            poller.throttled(None)
        else:
            poller.failed()
        self.answers += 1
        self._on_answer()


def roster_precheck(tenant: str) -> StallRecorder:
    """The longest stall while a 200-person roster is loaded and pre-checked, 20 sessions polling
    meanwhile (each answer re-reads the day's sessions: a stress on the queue)."""
    from tests.bench.stalls import StallRecorder
    from tests.bench.window import Bench, wait_until
    from tests.ui.roster_helpers import settled

    found: list[tuple[str, str]] = []
    ids: list[str] = []

    def seed(bench: Bench) -> None:
        as_lead(bench.tenant.demo)
        found.extend(people(bench.tenant.demo))
        ids.extend(open_sessions(bench, polled(found)))

    bench = Bench(tenant, seed=seed)
    try:
        bench.start()
        window = bench.window
        hook = SessionsHook(window)
        window.sessions_changed = hook.changed  # type: ignore[assignment]
        roster = window.day_tools.open_roster()
        path = bench.home / "day.csv"
        path.write_bytes(roster_csv(found))
        bench.tenant.set_latency(LATENCY)
        pollers = Pollers(window, ids, hook.changed.emit)
        with StallRecorder() as stalls:
            pollers.start()
            roster.load(path)
            wait_until(lambda: settled(roster), timeout=180)
            pollers.stop()
        wait_until(lambda: not window.runner.busy and not roster.runner.busy)
        return stalls
    finally:
        bench.close()
