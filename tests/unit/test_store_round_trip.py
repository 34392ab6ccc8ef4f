"""What the store gives back and what the technician reads when it cannot: every audit field,
times in UTC, and the exact words of each start-up notice and each failed read or write."""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tapdesk.core.audit import AuditEvent, AuditKind, IntentState
from tapdesk.core.models import MethodKind
from tapdesk.errors import StorageError
from tapdesk.runtime import private
from tapdesk.store import (
    DatabaseCorrupt,
    DatabaseLocked,
    NoticeKind,
    Store,
    StoreNotice,
    open_store,
)
from tests.helpers.clock import START, FakeClock, local_zone
from tests.unit.test_store import EVER, FAST, db_path, make_v1, paths, session
from tests.unit.test_store_notices import NOT_KEPT
from tests.unit.test_store_rows import _intent, _row

LOCKED_HINT = (
    "Is a second tapdesk, a backup tool or a database viewer holding it? Close it and try again."
)
FOLDER_HINT = "Check the folder's permissions, or set TAPDESK_HOME to a writable folder."
OTHER_HINT = "Try again. If it keeps happening, send the log file to your IT team."


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened, _ = open_store(paths(tmp_path), busy_timeout=FAST)
    opened.tenant_id = "tenant-a"
    yield opened
    opened.close()


def _raw(path: Path, *statements: str) -> None:
    """Another program changing the database behind tapdesk's back."""
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            raw.execute(statement)
    finally:
        raw.close()


# --- every field comes back ---------------------------------------------------------------------
def test_an_audit_record_comes_back_with_every_field(store: Store) -> None:
    """An auditor reads the user id, flow, step and the rest exactly as they were recorded."""
    full = AuditEvent(
        START, AuditKind.ISSUE, "tess@contoso.example", "ava@contoso.example",
        target_id="u-ava", session_id="s1", flow_id="passkey-authenticator",
        step_id="issue-pass", pass_id="tap-2", lifetime_minutes=90, usable_once=False,
        detail="lost the first", tenant_id="tenant-b", replaces_pass_id="tap-1",
        error_code="E1", request_id="req-1",
    )  # fmt: skip
    store.record_audit(full)
    assert [r.event for r in store.audit(*EVER)] == [full]


def test_a_record_naming_its_tenant_keeps_it(store: Store) -> None:
    """A record stamped for another tenant stays in that tenant's trail, not this store's."""
    store.record_audit(AuditEvent(START, AuditKind.CONFIRM, "tess", "ava", tenant_id="tenant-b"))
    assert [r.event.tenant_id for r in store.audit(*EVER, tenant_id="tenant-b")] == ["tenant-b"]
    assert store.audit(*EVER, tenant_id="tenant-a") == []


def test_a_finished_intent_keeps_its_close_time_and_no_invented_codes(
    store: Store, tmp_path: Path
) -> None:
    """A failed request's intent shows when it ended; codes not given stay empty."""
    store.begin_intent(_intent(pass_id=""))
    store.finish_intent("i-1", IntentState.FAILED, at=START + timedelta(seconds=5))
    row = _row(tmp_path, "SELECT state, closed_at, error_code, request_id, pass_id FROM intents")
    assert row == ("failed", "2030-01-06T08:00:05.000000Z", "", "", "")


def test_a_baseline_without_its_method_list_reads_as_an_empty_baseline(
    store: Store, tmp_path: Path
) -> None:
    """A session row whose method list was lost still resumes, with no methods to compare."""
    checklist = session()
    store.save_session(checklist.snapshot(), checklist.drain_events())
    _raw(db_path(tmp_path), "UPDATE sessions SET baseline_method_ids = NULL")
    loaded = store.session("s1")
    assert loaded is not None and loaded.baseline is not None
    assert loaded.baseline.method_ids == frozenset()


def test_a_session_row_missing_a_required_time_is_reported_as_damage(
    store: Store, tmp_path: Path
) -> None:
    """A row without its pass's creation time is damage the technician is told about."""
    checklist = session()
    store.save_session(checklist.snapshot(), checklist.drain_events())
    _raw(db_path(tmp_path), "UPDATE sessions SET pass_created = NULL")
    with pytest.raises(DatabaseCorrupt) as caught:
        store.session("s1")
    assert str(caught.value) == (
        "Database damaged: A stored record lacks a required time. Restart tapdesk."
    )


def test_times_are_stored_in_utc_whatever_the_computers_zone(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bench set to New York time still writes 08:00Z, so the trail sorts and reads the same."""
    with contextmanager(local_zone)(monkeypatch, "America/New_York"):
        at = START.astimezone(timezone(timedelta(hours=2)))
        store.record_audit(AuditEvent(at, AuditKind.CONFIRM, "tess", "ava"))
        assert _row(tmp_path, "SELECT at FROM audit") == ("2030-01-06T08:00:00.000000Z",)


def test_a_naive_time_is_refused_with_its_reason(store: Store) -> None:
    """A time without a zone could be anyone's: the programmer is told exactly why."""
    with pytest.raises(ValueError) as caught:
        store.record_audit(AuditEvent(datetime(2030, 1, 6, 8, 0), AuditKind.CONFIRM, "t", "a"))
    assert str(caught.value) == "the store takes timezone-aware datetimes only"


# --- what a failed read or write says -----------------------------------------------------------
def test_a_closed_store_says_so_and_what_to_do(store: Store) -> None:
    """After shutdown began, a late save reads as a closed database, not a crash."""
    store.close()
    with pytest.raises(StorageError) as caught:
        store.audit(*EVER)
    assert str(caught.value) == "Storage problem: The tapdesk database is closed. Restart tapdesk."


CONFIRM = AuditEvent(START, AuditKind.CONFIRM, "tess", "ava")
WRITES: dict[str, Callable[[Store], object]] = {
    "saving the audit record": lambda s: s.record_audit(CONFIRM),
    "recording what is about to be done": lambda s: s.begin_intent(_intent()),
    "completing the audit record": lambda s: s.finish_intent("i-1", IntentState.DONE, at=START),
}  # fmt: skip


@pytest.mark.parametrize("doing", list(WRITES))
def test_a_write_blocked_by_another_program_names_what_failed(
    store: Store, tmp_path: Path, doing: str
) -> None:
    """The technician reads which write failed, on which file, and what to close."""
    holder = sqlite3.connect(db_path(tmp_path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseLocked) as caught:
            WRITES[doing](store)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert str(caught.value) == (
        f"Database busy: The tapdesk database ({db_path(tmp_path)}) is locked by another "
        f"program, so {doing} failed. {LOCKED_HINT}"
    )


READS: dict[str, tuple[str, Callable[[Store], object]]] = {
    "reading the audit trail": ("audit", lambda s: s.audit(*EVER)),
    "reading unfinished work": ("intents", lambda s: s.open_intents()),
    "reading sessions": ("sessions", lambda s: s.open_sessions()),
    "reading session steps": ("session_steps", lambda s: s.session("s1")),
}


@pytest.mark.parametrize("doing", list(READS))
def test_a_read_that_fails_names_what_was_being_read_and_the_file(
    store: Store, tmp_path: Path, doing: str
) -> None:
    """A table removed by another program: the technician reads which read failed, and where."""
    checklist = session()
    store.save_session(checklist.snapshot(), checklist.drain_events())
    table, read = READS[doing]
    _raw(db_path(tmp_path), f"DROP TABLE {table}")
    with pytest.raises(StorageError) as caught:
        read(store)
    assert str(caught.value) == (
        f"Storage problem: The tapdesk database ({db_path(tmp_path)}) reported a problem, so "
        f"{doing} failed (SQLITE_ERROR). {OTHER_HINT}"
    )


# --- start-up notices ---------------------------------------------------------------------------
def _not_kept(title: str, message: str, hint: str) -> list[StoreNotice]:
    return [StoreNotice(NoticeKind.NOT_KEPT, title, f"{message} {NOT_KEPT}", hint)]


def _hooked() -> tuple[list[sqlite3.Connection], Callable[[Store], int]]:
    """A connection hook, and a check that the store writes through the last hooked connection."""
    seen: list[sqlite3.Connection] = []

    def written_through_hook(store: Store) -> int:
        store.record_audit(AuditEvent(START, AuditKind.CONFIRM, "tess", "ava"))
        return int(seen[-1].execute("SELECT count(*) FROM audit").fetchone()[0])

    return seen, written_through_hook


def test_a_rollback_journal_database_held_by_another_program_is_a_busy_notice(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The integrity check meets the lock: the notice says checking failed; the log says why."""
    path = db_path(tmp_path)
    path.parent.mkdir(parents=True)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    seen, written = _hooked()
    try:
        with caplog.at_level(logging.ERROR, logger="tapdesk.store"):
            store, notices = open_store(paths(tmp_path), busy_timeout=FAST, on_connect=seen.append)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert notices == _not_kept(
        "Database busy",
        f"The tapdesk database ({path}) is locked by another program, so checking it failed.",
        LOCKED_HINT,
    )
    assert [r.getMessage() for r in caplog.records] == [
        "database unavailable (Database busy): running in memory"
    ]
    assert written(store) == 1  # the fallback store got the caller's connection set-up too
    store.close()


def test_the_check_waits_the_busy_timeout_not_sqlites_own_five_seconds(tmp_path: Path) -> None:
    """A lock released after the busy timeout, but well inside SQLite's default 5 s wait, is
    still reported busy: the start-up check honours the configured timeout."""
    path = db_path(tmp_path)
    path.parent.mkdir(parents=True)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(1.5, lambda: holder.execute("ROLLBACK"))
    release.start()
    try:
        store, notices = open_store(paths(tmp_path), busy_timeout=FAST)
    finally:
        release.join()
        holder.close()
    assert [n.title for n in notices] == ["Database busy"]
    assert not store.persistent
    store.close()


def test_a_wal_database_held_by_another_program_is_a_busy_notice_on_opening(
    tmp_path: Path,
) -> None:
    """The read-only check passes, the first write lock fails: the notice says opening failed."""
    path = db_path(tmp_path)
    Store.open(path, busy_timeout=FAST).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        store, notices = open_store(paths(tmp_path), busy_timeout=FAST)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    store.close()
    assert notices == _not_kept(
        "Database busy",
        f"The tapdesk database ({path}) is locked by another program, so opening it failed.",
        LOCKED_HINT,
    )


def test_a_folder_in_place_of_the_database_is_a_notice_naming_it(tmp_path: Path) -> None:
    """Something that is no file at the database's name: the notice names it and the folder."""
    path = db_path(tmp_path)
    path.mkdir(parents=True)
    store, notices = open_store(paths(tmp_path), busy_timeout=FAST)
    store.close()
    assert notices == _not_kept(
        "Storage problem",
        f"tapdesk cannot write its database ({path}), so opening it failed (SQLITE_IOERR_READ).",
        "Check that the folder exists, is writable and is not on a disconnected drive.",
    )


def test_a_data_folder_that_cannot_be_made_is_a_notice_with_what_to_do(tmp_path: Path) -> None:
    """TAPDESK_HOME pointing at a file: the technician reads the folder, the reason and a fix."""
    home = tmp_path / "home"
    home.write_text("not a folder")
    store, notices = open_store(paths(home), busy_timeout=FAST)
    store.close()
    assert notices == _not_kept(
        "Storage problem",
        "tapdesk cannot create the folder for its database "
        f"({db_path(home).parent}): Not a directory.",
        FOLDER_HINT,
    )


def test_a_database_file_that_cannot_be_created_is_a_notice_with_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk at the first start: the notice names the file, the reason and a fix."""
    real = private.opener

    def full_disk(name: str, flags: int) -> int:
        if name.endswith("tapdesk.db"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(name, flags)

    monkeypatch.setattr(private, "opener", full_disk)
    store, notices = open_store(paths(tmp_path), busy_timeout=FAST)
    store.close()
    assert notices == _not_kept(
        "Storage problem",
        f"tapdesk cannot create its database ({db_path(tmp_path)}): No space left on device.",
        FOLDER_HINT,
    )


def _damaged(tmp_path: Path) -> Path:
    path = db_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database " * 200)
    return path


def test_a_damaged_database_notice_says_where_the_old_records_are(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The technician learns the new start, where the old records went, and to keep them."""
    path = _damaged(tmp_path)
    seen, written = _hooked()
    with caplog.at_level(logging.WARNING, logger="tapdesk.store"):
        store, notices = open_store(
            paths(tmp_path), clock=FakeClock(), busy_timeout=FAST, on_connect=seen.append
        )
    aside = path.with_name("tapdesk.db.corrupt-20300106T080000Z")
    assert notices == [
        StoreNotice(
            NoticeKind.CORRUPT_SET_ASIDE,
            "Database damaged",
            f"The tapdesk database {path} was damaged. It was set aside as {aside} and a new "
            "one was started; earlier sessions and audit records are in the set-aside file.",
            "Keep the set-aside file for your IT team; tapdesk never deletes it.",
            (path, aside),
        )
    ]
    assert [r.getMessage() for r in caplog.records] == [f"damaged database set aside as {aside}"]
    assert written(store) == 1  # the new database got the caller's connection set-up
    assert int(seen[-1].execute("PRAGMA busy_timeout").fetchone()[0]) == int(FAST * 1000)
    store.close()


def test_a_damaged_database_that_cannot_be_set_aside_is_a_notice_and_a_log_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Another program holding the damaged file (Windows): nothing kept, and what to close."""
    path = _damaged(tmp_path)

    def busy(self: Path, target: object) -> Path:
        raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))

    monkeypatch.setattr(Path, "rename", busy)
    seen, written = _hooked()
    with caplog.at_level(logging.ERROR, logger="tapdesk.store"):
        store, notices = open_store(paths(tmp_path), busy_timeout=FAST, on_connect=seen.append)
    assert notices == _not_kept(
        "Database damaged",
        f"The tapdesk database ({path}) is damaged and could not be set aside "
        "(Device or resource busy).",
        "Close other programs using it, then restart tapdesk.",
    )
    assert [r.getMessage() for r in caplog.records] == [
        "damaged database could not be set aside: Device or resource busy"
    ]
    assert written(store) == 1
    store.close()


def test_a_new_database_that_cannot_be_opened_after_setting_aside_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both notices show: the old file was set aside, and this run keeps nothing."""
    _damaged(tmp_path)
    real = private.opener

    def full_disk(name: str, flags: int) -> int:
        if name.endswith("tapdesk.db"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(name, flags)

    monkeypatch.setattr(private, "opener", full_disk)
    seen, written = _hooked()
    store, notices = open_store(
        paths(tmp_path), clock=FakeClock(), busy_timeout=FAST, on_connect=seen.append
    )
    assert [n.kind for n in notices] == [NoticeKind.CORRUPT_SET_ASIDE, NoticeKind.NOT_KEPT]
    assert not store.persistent and written(store) == 1
    store.close()


def test_the_busy_timeout_given_is_the_one_the_database_waits(tmp_path: Path) -> None:
    """How long tapdesk waits for another program's lock is the setting, not SQLite's default."""
    seen: list[sqlite3.Connection] = []
    store, _ = open_store(paths(tmp_path), busy_timeout=0.25, on_connect=seen.append)
    assert int(seen[-1].execute("PRAGMA busy_timeout").fetchone()[0]) == 250
    store.close()


def test_an_update_notice_names_the_copy_and_both_files(tmp_path: Path) -> None:
    """After a schema update the technician is told where the copy of the old database is."""
    path = db_path(tmp_path)
    make_v1(path)
    store, notices = open_store(paths(tmp_path), busy_timeout=FAST)
    store.close()
    backup = path.with_name("tapdesk.db.bak-v1")
    assert notices == [
        StoreNotice(
            NoticeKind.MIGRATED,
            "Database updated",
            f"The tapdesk database was updated to this version; a copy of the old one is at "
            f"{backup}.",
            paths=(path, backup),
        )
    ]


def test_a_database_with_foreign_tables_is_copied_before_tapdesk_adds_its_own(
    tmp_path: Path,
) -> None:
    """A file that is not empty is someone's data: it gets a copy even at version 0."""
    path = db_path(tmp_path)
    path.parent.mkdir(parents=True)
    _raw(path, "CREATE TABLE notes (body TEXT)", "INSERT INTO notes VALUES ('keep me')")
    store, notices = open_store(paths(tmp_path), busy_timeout=FAST)
    store.close()
    backup = path.with_name("tapdesk.db.bak-v0")
    assert [n.kind for n in notices] == [NoticeKind.MIGRATED] and store.backups == [backup]
    copy = sqlite3.connect(backup)
    assert copy.execute("SELECT body FROM notes").fetchall() == [("keep me",)]
    copy.close()


def test_a_disk_that_fills_during_an_update_says_disk_full_and_keeps_the_old_schema(
    tmp_path: Path,
) -> None:
    """A failed update is rolled back whole and reported as the full disk it was."""
    path = db_path(tmp_path)
    make_v1(path)

    def no_room(conn: sqlite3.Connection) -> None:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")

    store, notices = open_store(paths(tmp_path), busy_timeout=FAST, on_connect=no_room)
    store.close()
    assert notices == _not_kept(
        "Disk full",
        f"The disk holding the tapdesk database ({path}) is full, so opening it failed. "
        "Everything recorded before is safe.",
        "Free some disk space and try again.",
    )
    assert _row(tmp_path, "PRAGMA user_version") == (1,)


def test_a_database_that_will_not_open_for_writing_is_a_notice_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is there but SQLite cannot open it (a dropped network drive): nothing is kept."""
    real = sqlite3.connect

    def cannot_open(database: object, *args: object, **kw: object) -> sqlite3.Connection:
        if database == ":memory:":
            return real(database, *args, **kw)  # type: ignore[arg-type]
        error = sqlite3.OperationalError("unable to open database file")
        error.sqlite_errorname = "SQLITE_CANTOPEN"  # type: ignore[attr-defined]
        raise error

    monkeypatch.setattr(sqlite3, "connect", cannot_open)
    store, notices = open_store(paths(tmp_path), busy_timeout=FAST)
    store.close()
    assert notices == _not_kept(
        "Storage problem",
        f"tapdesk cannot write its database ({db_path(tmp_path)}), so opening it failed "
        "(SQLITE_CANTOPEN).",
        "Check that the folder exists, is writable and is not on a disconnected drive.",
    )


def test_the_kinds_of_method_at_issue_come_back_and_unknown_kinds_are_dropped(
    store: Store, tmp_path: Path
) -> None:
    """After a restart the words still know the user had Authenticator (schema v5)."""
    checklist = session()
    store.save_session(checklist.snapshot(), checklist.drain_events())
    loaded = store.session("s1")
    assert loaded is not None and loaded.baseline is not None
    assert loaded.baseline.kinds == {MethodKind.PASSWORD}
    _raw(
        db_path(tmp_path),
        """UPDATE sessions SET baseline_method_kinds = '["microsoftAuthenticator", "hologram"]'""",
    )
    loaded = store.session("s1")
    assert loaded is not None and loaded.baseline is not None
    assert loaded.baseline.kinds == {MethodKind.AUTHENTICATOR}
    # A session saved before v5 (NULL) has no kinds: the words then assume nothing.
    _raw(db_path(tmp_path), "UPDATE sessions SET baseline_method_kinds = NULL")
    loaded = store.session("s1")
    assert loaded is not None and loaded.baseline is not None
    assert loaded.baseline.kinds == frozenset()
