"""What the store keeps and gives back: every field of a session and of an unfinished intent."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tapdesk.core.audit import AuditEvent, AuditKind, Intent, IntentKind
from tapdesk.core.checklist import Outcome
from tapdesk.core.models import TemporaryAccessPass
from tapdesk.store import DatabaseLocked, Store, open_store
from tests.helpers.clock import START, FakeClock
from tests.unit.test_store import FAST, db_path, paths, session

LATER = START + timedelta(hours=2)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened, _ = open_store(paths(tmp_path), busy_timeout=FAST)
    opened.tenant_id = "tenant-a"
    yield opened
    opened.close()


def _row(tmp_path: Path, sql: str) -> tuple[object, ...]:
    raw = sqlite3.connect(db_path(tmp_path))
    try:
        return tuple(raw.execute(sql).fetchone())
    finally:
        raw.close()


def _intent(**kw: object) -> Intent:
    fields: dict[str, object] = {
        "id": "i-1",
        "kind": IntentKind.ISSUE,
        "technician": "tess@contoso.example",
        "target_upn": "ava@contoso.example",
        "target_id": "u-ava",
        "requested_at": START,
        "tenant_id": "tenant-a",
        "lifetime_minutes": 90,
        "usable_once": True,
        "start_at": LATER,
        "client_request_id": "crid-1",
        "session_id": "s1",
        "flow_id": "passkey-authenticator",
        "pass_id": "tap-old",
        "replaces_pass_id": "tap-older",
    }
    fields.update(kw)
    return Intent(**fields)  # type: ignore[arg-type]


def test_an_unfinished_intent_comes_back_with_every_field(store: Store) -> None:
    """After a crash, reconcile checks Graph with exactly what was about to be asked."""
    full = _intent()
    plain = _intent(id="i-2", requested_at=START + timedelta(seconds=1), usable_once=None,
                    start_at=None)  # fmt: skip
    store.begin_intent(full)
    store.begin_intent(plain)
    assert store.open_intents() == [full, plain]


def test_a_sessions_issue_record_closes_the_issuers_intent_with_its_time(
    store: Store, tmp_path: Path
) -> None:
    """The checklist's record of the pass settles the intent: nothing is left to reconcile."""
    store.begin_intent(_intent(pass_id="", replaces_pass_id="", session_id="s1"))
    checklist = session()
    store.save_session(checklist.snapshot(), checklist.drain_events())
    assert store.open_intents() == []
    assert _row(tmp_path, "SELECT state, closed_at, pass_id FROM intents") == (
        "done", "2030-01-06T08:00:00.000000Z", "tap-1",
    )  # fmt: skip


def test_only_a_record_of_a_pass_closes_the_intent(store: Store) -> None:
    """A step record naming the pass, or an issue record without one, leaves it to reconcile."""
    store.begin_intent(_intent(pass_id="", replaces_pass_id=""))
    checklist = session()
    snapshot = checklist.snapshot()
    events = [e for e in checklist.drain_events() if e.kind is not AuditKind.ISSUE]
    step = AuditEvent(START, AuditKind.CONFIRM, "tess", "ava@contoso.example", session_id="s1",
                      pass_id="tap-1")  # fmt: skip
    no_pass = AuditEvent(START, AuditKind.ISSUE, "tess", "ava@contoso.example", session_id="s1")
    store.save_session(snapshot, [*events, step, no_pass])
    assert [i.id for i in store.open_intents()] == ["i-1"]


def test_a_revoked_and_abandoned_session_comes_back_as_it_was(store: Store, tmp_path: Path) -> None:
    """The day's sessions show the pass's start, its revocation and the outcome after a restart."""
    clock = FakeClock()
    checklist = session(clock)
    later = TemporaryAccessPass("tap-2", START, LATER, 60, False)
    checklist.pass_replaced(later)
    clock.advance(30)
    checklist.pass_revoked()
    checklist.abandon("went home")
    store.save_session(checklist.snapshot(), checklist.drain_events())

    loaded = store.session("s1")
    assert loaded == checklist.snapshot()
    assert loaded.pass_facts is not None and loaded.pass_facts.start == LATER
    assert loaded.revoked_at == START + timedelta(seconds=30)
    assert loaded.outcome is Outcome.ABANDONED
    assert _row(tmp_path, "SELECT pass_start, pass_expires FROM sessions") == (
        "2030-01-06T10:00:00.000000Z", "2030-01-06T11:00:00.000000Z",
    )  # fmt: skip


def test_a_session_that_is_not_there_is_none(store: Store) -> None:
    """Asking for an unknown session id finds nothing rather than another session."""
    checklist = session()
    store.save_session(checklist.snapshot(), checklist.drain_events())
    assert store.session("s2") is None


def test_saving_a_session_while_another_program_holds_the_lock_says_so(
    store: Store, tmp_path: Path
) -> None:
    """The technician reads what failed and why, and the next save works once the lock is gone."""
    checklist = session()
    holder = sqlite3.connect(db_path(tmp_path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseLocked) as caught:
            store.save_session(checklist.snapshot(), checklist.drain_events())
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert caught.value.message == (
        f"The tapdesk database ({db_path(tmp_path)}) is locked by another program, so saving "
        "the session failed."
    )


def test_a_save_that_fails_halfway_leaves_nothing_and_the_next_save_works(store: Store) -> None:
    """A refused save is rolled back whole, so the store stays usable for the next one."""
    checklist = session()
    bad = AuditEvent(START, AuditKind.CONFIRM, "tess", "ava@contoso.example",
                     detail=object())  # type: ignore[arg-type]  # fmt: skip
    with pytest.raises(TypeError):
        store.save_session(checklist.snapshot(), [bad])
    assert store.session("s1") is None
    store.save_session(checklist.snapshot(), checklist.drain_events())
    assert store.session("s1") == checklist.snapshot()


def test_the_in_memory_store_is_shared_by_worker_threads() -> None:
    """The fallback store is written from worker tasks, not only the thread that opened it."""
    memory = Store.in_memory()
    failures: list[BaseException] = []

    def work() -> None:
        try:
            memory.record_audit(AuditEvent(START, AuditKind.CONFIRM, "tess", "ava"))
        except BaseException as exc:
            failures.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert failures == []
    assert len(memory.audit(START, LATER)) == 1
    memory.close()


def test_the_in_memory_store_writes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notice promises nothing is kept: not even a stray database in the working folder."""
    monkeypatch.chdir(tmp_path)
    memory = Store.in_memory()
    memory.record_audit(AuditEvent(START, AuditKind.CONFIRM, "tess", "ava"))
    memory.close()
    assert list(tmp_path.iterdir()) == []
