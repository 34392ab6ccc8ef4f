"""Shared by the roster tests: a day's roster file, sessions at each stage, waits."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from tapdesk.core.checklist import Checklist
from tapdesk.core.flows import load_flows
from tapdesk.core.models import TemporaryAccessPass
from tapdesk.core.roster import RosterStatus
from tapdesk.runtime.resources import flows_dir
from tapdesk.store import Store
from tapdesk.ui.roster.window import RosterWindow
from tapdesk.ui.window.main_window import MainWindow
from tests.helpers.demo import UPN

WAIT_MS = 15_000

# Line numbers matter: the tests read problems by line.
ROSTER_ROWS = [
    "Name;UPN;Start;Device;Notes",  # 1
    f"Ava Newhire;{UPN['ava.newhire']};08:30;LAP-001;desk 4",  # 2
    f"Carl Disabled;{UPN['carl.disabled']};08:45;LAP-002;",  # 3
    f"Oscar Outside;{UPN['oscar.outside']};09:00;;contractor",  # 4
    f"Gina Guest;{UPN['gina']};09:15;;",  # 5
    f"Alex Admin;{UPN['alex.admin']};09:30;LAP-005;",  # 6
    ";no-at-sign;09:45;;",  # 7: bad UPN
    f"Erin Existing;{UPN['erin.existing']};10:00;;",  # 8
    f"Priya Passkey;{UPN['priya.passkey']};10:15;;",  # 9
    "Nobody Here;nobody@northwind.example;10:30;;",  # 10
    f"Ava again;{UPN['ava.newhire']};11:00;;",  # 11: repeated
    f"Nora Newhire;{UPN['nora.newhire']};25:99;;",  # 12: bad start time
    f"Ben Fresh;{UPN['ben.fresh']};;LAP-009;still replicating",  # 13
    f"Nora Newhire;{UPN['nora.newhire']};11:30;LAP-010;",  # 14
]
GOOD = {
    "ava.newhire",
    "carl.disabled",
    "oscar.outside",
    "gina",
    "alex.admin",
    "erin.existing",
    "priya.passkey",
    "ben.fresh",
    "nora.newhire",
}
PROBLEMS = {"carl.disabled", "oscar.outside", "gina", "ben.fresh", "nobody"}
BAD_LINES = [7, 11, 12]


def roster_bytes(*, bom: bool = True, delimiter: str = ";") -> bytes:
    text = "\r\n".join(row.replace(";", delimiter) for row in ROSTER_ROWS) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def write_roster(directory: Path, **options: Any) -> Path:
    path = directory / "new-hires.csv"
    path.write_bytes(roster_bytes(**options))
    return path


def settled(roster: RosterWindow) -> bool:
    rows = roster.model.rows
    return (
        bool(rows)
        and not roster.queue.running
        and not roster.runner.busy
        and all(r.precheck is not None for r in rows)
    )


def load_and_check(qtbot: Any, roster: RosterWindow, path: Path) -> None:
    roster.load(path)
    qtbot.waitUntil(lambda: settled(roster), timeout=WAIT_MS)
    roster.update_summary()  # the coalescing timer's work, now


def statuses(roster: RosterWindow) -> dict[str, RosterStatus]:
    return {r.upn.split("@")[0].split("_")[0]: r.status for r in roster.model.rows}


class SessionsHook:
    """The main window's ``sessions_changed`` signal, to fire by hand after a direct save."""

    def __init__(self, window: MainWindow) -> None:
        self.changed = window.sessions_changed


def attach_hooks(window: MainWindow) -> tuple[list[str], SessionsHook]:
    """Record what the roster asks the window to open; returns it and the sessions signal."""
    opened: list[str] = []
    window.open_user = opened.append  # type: ignore[method-assign]
    return opened, SessionsHook(window)


def with_store(window: MainWindow, path: Path) -> Store:
    store = Store.open(path)
    window.backend.services().store = store
    return store


def save_session(store: Store, window: MainWindow, who: str, stage: str) -> Checklist:
    """A passkey-via-Authenticator session for ``who`` that got as far as ``stage``."""
    flows, _ = load_flows(flows_dir())
    flow = next(f for f in flows if f.id == "passkey-authenticator")
    clock = window.clock
    user_id = f"id-{who}"
    checklist = Checklist.start(
        flow, user_id=user_id, upn=UPN[who], technician="tess.tech@northwind.example", clock=clock
    )
    checklist.tick("confirm-identity")
    if stage != "opened":
        tap = TemporaryAccessPass(f"pass-{who}", clock.now(), None, 60, True)
        checklist.pass_issued(tap, [])
    steps = {"authenticator": ["add-account"], "passkey": ["add-account", "create-passkey"]}
    for step in steps.get(stage, []):
        checklist.override(step, "seen on the phone")
    if stage == "abandoned":
        checklist.abandon("left early")
    if stage == "done":
        for step, record in [(s.id, r) for s, r in checklist.records()]:
            if not record.state.finished:
                checklist.override(step, "done by hand")
    store.save_session(checklist.snapshot(), checklist.drain_events())
    return checklist


def past_replication(window: MainWindow) -> None:
    window.clock.advance(timedelta(minutes=5).total_seconds())  # type: ignore[attr-defined]
