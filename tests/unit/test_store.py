from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tapdesk.core.audit import AuditEvent, AuditKind
from tapdesk.core.checklist import Checklist, ChecklistSnapshot, StepState
from tapdesk.core.flows import Flow, load_flow
from tapdesk.core.models import (
    AuthMethod,
    MethodKind,
    PassCode,
    TemporaryAccessPass,
    UsabilityReason,
)
from tapdesk.core.verify import GraphRead, Observation
from tapdesk.errors import StorageError
from tapdesk.runtime.paths import AppPaths
from tapdesk.runtime.resources import flows_dir
from tapdesk.store import (
    DatabaseLocked,
    DiskFull,
    NoticeKind,
    Store,
    open_store,
    schema,
    write_audit_csv,
)
from tapdesk.store.export import HEADER
from tapdesk.workflows import audit
from tests.helpers.clock import START, FakeClock

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Zq9!kT4pWm2xRb7Lc"  # distinctive: a false hit is impossible
EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
FAST = 0.1  # busy timeout for lock tests


def paths(tmp_path: Path) -> AppPaths:
    return AppPaths.default({"TAPDESK_HOME": str(tmp_path)})


def db_path(tmp_path: Path) -> Path:
    return paths(tmp_path).data_dir / "tapdesk.db"


def passkey_flow() -> Flow:
    return load_flow(flows_dir() / "passkey-authenticator.toml")


def a_tap(
    tap_id: str = "tap-1", reason: UsabilityReason = UsabilityReason.ENABLED_BY_POLICY
) -> TemporaryAccessPass:
    return TemporaryAccessPass(tap_id, START, None, 60, True, True, reason, code=PassCode(SECRET))


def session(clock: FakeClock | None = None, session_id: str = "s1") -> Checklist:
    checklist = Checklist.start(
        passkey_flow(),
        user_id="u-ava",
        upn="ava@contoso.example",
        display_name="Ava Newhire",
        technician="tess@contoso.example",
        session_id=session_id,
        clock=clock or FakeClock(),
    )
    checklist.tick("confirm-identity")
    checklist.pass_issued(a_tap(), [AuthMethod("pw", MethodKind.PASSWORD)])
    return checklist


def event(at: datetime, **kw: object) -> AuditEvent:
    fields: dict[str, object] = {
        "kind": AuditKind.ISSUE,
        "technician": "tess",
        "target_upn": "ava@contoso.example",
    }
    fields.update(kw)
    return AuditEvent(at=at, **fields)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened, notices = open_store(paths(tmp_path), busy_timeout=FAST)
    assert notices == []
    yield opened
    opened.close()


# --- basics ------------------------------------------------------------------------------------
def test_a_new_database_is_wal_at_the_latest_version(store: Store, tmp_path: Path) -> None:
    assert store.persistent and store.path == db_path(tmp_path)
    raw = sqlite3.connect(db_path(tmp_path))
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST
    raw.close()
    assert store.backups == []  # nothing to back up in a brand-new file


def test_sessions_round_trip_and_resume(store: Store) -> None:
    clock = FakeClock()
    checklist = session(clock)
    store.save_session(checklist.snapshot(), checklist.drain_events())
    clock.advance(20)
    checklist.observe(
        Observation(
            clock.now(),
            frozenset({GraphRead.AUTHENTICATOR, GraphRead.PASS}),
            (AuthMethod("app-1", MethodKind.AUTHENTICATOR, "Ava's phone"),),
            a_tap(reason=UsabilityReason.ONE_TIME_USED),
        )
    )
    checklist.override("create-passkey", "seen on the phone")
    store.save_session(checklist.snapshot(), checklist.drain_events())

    loaded = store.session("s1")
    assert loaded == checklist.snapshot()
    assert store.open_sessions() == [loaded]
    assert store.sessions_between(START, START + timedelta(hours=1)) == [loaded]
    assert store.sessions_between(START + timedelta(hours=1), START + timedelta(hours=2)) == []
    assert loaded is not None and loaded.pass_first_used_at == START + timedelta(seconds=20)
    resumed = Checklist.restore(passkey_flow(), loaded, clock=clock)
    assert resumed.active_step is not None and resumed.active_step.id == "windows-oobe"
    assert resumed.record("create-passkey").reason == "seen on the phone"

    kinds = [r.event.kind for r in store.audit(*EVER)]
    assert kinds == [AuditKind.CONFIRM, AuditKind.ISSUE, AuditKind.OVERRIDE]
    issue = store.audit(*EVER)[1].event
    assert (issue.technician, issue.target_upn, issue.pass_id, issue.lifetime_minutes, issue.usable_once) == (
        "tess@contoso.example", "ava@contoso.example", "tap-1", 60, True,
    )  # fmt: skip


def test_closed_sessions_are_not_resumed(store: Store) -> None:
    checklist = session()
    checklist.abandon("went home")
    store.save_session(checklist.snapshot(), checklist.drain_events())
    assert store.open_sessions() == []
    assert [r.event.kind for r in store.audit(*EVER)][-1] is AuditKind.ABANDON


def test_audit_by_date_range(store: Store) -> None:
    for day in range(5):
        store.record_audit(event(START + timedelta(days=day), detail=f"day {day}"))
    found = store.audit(START + timedelta(days=1), START + timedelta(days=3))
    assert [r.event.detail for r in found] == ["day 1", "day 2"]
    assert found[0].id < found[1].id


def test_naive_times_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone"):
        store.record_audit(event(datetime(2030, 1, 6, 8, 0)))
    assert store.audit(*EVER) == []


def test_in_memory_store_works_but_keeps_nothing() -> None:
    memory = Store.in_memory()
    assert not memory.persistent and memory.path is None
    memory.record_audit(event(START))
    assert len(memory.audit(*EVER)) == 1
    memory.close()
    with pytest.raises(StorageError, match="closed"):
        memory.audit(*EVER)


def test_threads_share_the_store(store: Store) -> None:
    def write(worker: int) -> None:
        for n in range(25):
            store.record_audit(event(START + timedelta(seconds=n), detail=f"{worker}-{n}"))
            store.audit(*EVER)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.audit(*EVER)) == 200


# --- migrations --------------------------------------------------------------------------------
def make_v1(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = sqlite3.connect(path)
    for statement in schema.MIGRATIONS[0].split(";"):
        raw.execute(statement)
    raw.execute(
        "INSERT INTO sessions (id, flow_id, user_id, upn, technician, opened_at) "
        "VALUES ('old', 'passkey-authenticator', 'u1', 'old@contoso.example', 'tess', '2029-12-01T08:00:00.000000Z')"
    )
    raw.execute("PRAGMA user_version = 1")
    raw.commit()
    raw.close()


def test_migration_from_v1_keeps_the_data_and_a_backup(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    make_v1(path)
    store, notices = open_store(paths(tmp_path), busy_timeout=FAST)
    backup = path.with_name("tapdesk.db.bak-v1")
    assert backup.exists()
    assert store.backups == [backup]
    assert [n.kind for n in notices] == [NoticeKind.MIGRATED]
    assert str(backup) in notices[0].message and not notices[0].warning
    old = store.session("old")
    assert old is not None and old.upn == "old@contoso.example" and old.steps == ()
    store.record_audit(event(START))  # the v2 table exists
    store.close()
    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
    assert copy.execute("SELECT upn FROM sessions").fetchall() == [("old@contoso.example",)]
    assert copy.execute("SELECT name FROM sqlite_master WHERE name = 'audit'").fetchall() == []
    copy.close()
    # Opening again: nothing to migrate, no new notice.
    again, notices = open_store(paths(tmp_path), busy_timeout=FAST)
    assert notices == [] and again.backups == []
    again.close()


def test_migration_to_v4_gives_each_session_the_tenant_of_its_audit_records(
    tmp_path: Path,
) -> None:
    """Before v4 sessions named no tenant: each takes its audit records' tenant; one without
    any stays unowned, kept in the file but resumed by no tenant."""
    path = db_path(tmp_path)
    path.parent.mkdir(parents=True)
    raw = sqlite3.connect(path)
    for script in schema.MIGRATIONS[:3]:
        for statement in script.split(";"):
            raw.execute(statement)
    for sid in ("ours", "theirs", "nobody's"):
        raw.execute(
            "INSERT INTO sessions (id, flow_id, user_id, upn, technician, opened_at) VALUES "
            "(?, 'passkey-authenticator', 'u1', 'a@contoso.example', 'tess', "
            "'2029-12-01T08:00:00.000000Z')",
            (sid,),
        )
    for sid, tenant in (("ours", ""), ("ours", "t-ours"), ("theirs", "t-theirs")):
        raw.execute(
            "INSERT INTO audit (at, event, technician, target_upn, session_id, tenant_id) VALUES "
            "('2029-12-01T08:00:00.000000Z', 'issue', 'tess', 'a@contoso.example', ?, ?)",
            (sid, tenant),
        )
    raw.execute("PRAGMA user_version = 3")
    raw.commit()
    raw.close()
    store, _notices = open_store(paths(tmp_path), busy_timeout=FAST)
    try:
        found = {}
        for tenant in ("t-ours", "t-theirs", ""):
            store.tenant_id = tenant
            found[tenant] = [s.session_id for s in store.open_sessions()]
        assert found == {"t-ours": ["ours"], "t-theirs": ["theirs"], "": ["nobody's"]}
        store.tenant_id = "t-ours"
        assert store.session("theirs") is None and store.session("ours") is not None
    finally:
        store.close()


def test_a_database_from_a_newer_tapdesk_is_left_alone(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    path.parent.mkdir(parents=True)
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    before = path.read_bytes()
    store, notices = open_store(paths(tmp_path), busy_timeout=FAST)
    assert not store.persistent
    assert [n.kind for n in notices] == [NoticeKind.NOT_KEPT]
    assert "newer" in notices[0].title.lower() and "will not be kept" in notices[0].message
    assert path.read_bytes() == before
    store.close()


# --- damage, locks, a full disk ----------------------------------------------------------------
def test_a_corrupt_file_is_set_aside_never_deleted(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    path.parent.mkdir(parents=True)
    junk = b"this is not a database " * 200
    path.write_bytes(junk)
    path.with_name("tapdesk.db-wal").write_bytes(b"old wal")
    store, notices = open_store(paths(tmp_path), clock=FakeClock(), busy_timeout=FAST)
    aside = path.with_name("tapdesk.db.corrupt-20300106T080000Z")
    assert aside.read_bytes() == junk
    assert aside.with_name(aside.name + "-wal").read_bytes() == b"old wal"
    (notice,) = notices
    assert notice.kind is NoticeKind.CORRUPT_SET_ASIDE
    assert notice.paths == (path, aside)
    assert str(path) in notice.message and str(aside) in notice.message
    assert store.persistent
    store.record_audit(event(START))
    store.close()


def test_a_damaged_page_is_caught_by_the_integrity_check(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    store, _ = open_store(paths(tmp_path), busy_timeout=FAST)
    for n in range(300):
        store.record_audit(event(START, detail=f"row {n} " + "x" * 100))
    store.close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 2 : page * 4] = b"\x07" * (page * 2)  # smash two b-tree pages
    path.write_bytes(bytes(data))
    again, notices = open_store(paths(tmp_path), clock=FakeClock(), busy_timeout=FAST)
    assert [n.kind for n in notices] == [NoticeKind.CORRUPT_SET_ASIDE]
    assert again.audit(*EVER) == []
    again.close()


@pytest.mark.parametrize("wal", [True, False])
def test_a_locked_database_still_lets_tapdesk_start(tmp_path: Path, wal: bool) -> None:
    path = db_path(tmp_path)
    if wal:
        Store.open(path, busy_timeout=FAST).close()
    else:
        path.parent.mkdir(parents=True)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        store, notices = open_store(paths(tmp_path), busy_timeout=FAST)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not store.persistent
    (notice,) = notices
    assert notice.kind is NoticeKind.NOT_KEPT and notice.title == DatabaseLocked.title
    assert "locked by another program" in notice.message and "will not be kept" in notice.message
    store.record_audit(event(START))  # the app still works
    store.close()
    assert path.exists()


def test_a_lock_taken_while_running_is_a_clear_error_and_passes(
    store: Store, tmp_path: Path
) -> None:
    store.record_audit(event(START, detail="before"))
    holder = sqlite3.connect(db_path(tmp_path), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    with pytest.raises(DatabaseLocked) as info:
        store.record_audit(event(START, detail="during"))
    assert "locked by another program" in info.value.message and info.value.hint
    holder.execute("ROLLBACK")
    holder.close()
    store.record_audit(event(START, detail="after"))
    assert [r.event.detail for r in store.audit(*EVER)] == ["before", "after"]


def test_disk_full_is_a_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    connections: list[sqlite3.Connection] = []
    store, _ = open_store(paths(tmp_path), busy_timeout=FAST, on_connect=connections.append)
    checklist = session()
    store.save_session(checklist.snapshot(), checklist.drain_events())
    store.record_audit(event(START, detail="kept"))
    pages = connections[0].execute("PRAGMA page_count").fetchone()[0]
    connections[0].execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFull) as info:
        for n in range(500):
            store.record_audit(event(START, detail=f"bulk {n} " + "y" * 400))
    assert (
        "full" in info.value.message and "Everything recorded before is safe" in info.value.message
    )
    checklist.override("add-account", "seen on the phone")
    with pytest.raises(DiskFull):
        for _ in range(50):
            store.save_session(checklist.snapshot(), [event(START, detail="z" * 2000)])
    connections[0].execute("PRAGMA max_page_count = 1000000")
    details = [r.event.detail for r in store.audit(*EVER)]
    assert details[:3] == ["", "issued", "kept"]  # the identity check's record, then the pass
    saved = store.session("s1")
    assert saved is not None and saved.steps[1].state is StepState.DONE
    store.close()


# --- CSV export --------------------------------------------------------------------------------
def test_csv_export_has_a_header_and_defuses_formulas(store: Store, tmp_path: Path) -> None:
    store.record_audit(
        event(START, detail='=HYPERLINK("http://evil","x")', technician="+tess"),
        event(
            START + timedelta(minutes=1),
            kind=AuditKind.OVERRIDE,
            detail="@SUM(A1)",
            target_upn="-ava@contoso.example",
            usable_once=False,
            lifetime_minutes=120,
        ),
        event(
            START + timedelta(minutes=2),
            kind=AuditKind.REVOKE,
            detail='plain, with "quotes"\nand a newline',
        ),
    )
    target = tmp_path / "audit.csv"
    assert store.export_audit_csv(START, START + timedelta(days=1), target) == 3
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(HEADER)
    detail = HEADER.index("Detail")
    assert rows[1][2] == "'+tess" and rows[1][detail].startswith("'=HYPERLINK")
    assert rows[2][3] == "'-ava@contoso.example" and rows[2][detail] == "'@SUM(A1)"
    assert rows[2][6:8] == ["120", "no"]
    assert rows[3][detail] == 'plain, with "quotes"\nand a newline'
    assert rows[1][0] == "2030-01-06 08:00:00"
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_csv_export_of_nothing_is_just_the_header() -> None:
    out = io.StringIO()
    assert write_audit_csv([], out) == 0
    assert out.getvalue().startswith('"Time (UTC)","Event"')


# --- the pass value ----------------------------------------------------------------------------
def _all_bytes(directory: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())


def test_the_pass_value_never_reaches_the_database(tmp_path: Path) -> None:
    connections: list[sqlite3.Connection] = []
    store, _ = open_store(paths(tmp_path), busy_timeout=FAST, on_connect=connections.append)
    connections[0].execute("PRAGMA wal_autocheckpoint = 0")  # keep everything in the WAL too
    clock = FakeClock()
    checklist = session(clock)
    store.save_session(checklist.snapshot(), checklist.drain_events())
    clock.advance(30)
    checklist.pass_issued(a_tap("tap-2"), [])  # a replacement, with its code set
    checklist.override("add-account", "looked at the phone")
    checklist.pass_revoked()
    store.save_session(checklist.snapshot(), checklist.drain_events())
    wal = db_path(tmp_path).with_name("tapdesk.db-wal")
    assert wal.exists() and wal.stat().st_size > 0
    needles = [SECRET.encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be")]
    while_open = _all_bytes(tmp_path)
    assert b"tap-2" in while_open  # the scan does see what was written
    assert not any(n in while_open for n in needles)
    store.close()
    after = _all_bytes(tmp_path)
    assert not any(n in after for n in needles)
    raw = sqlite3.connect(db_path(tmp_path))
    columns = raw.execute(
        "SELECT group_concat(name) FROM pragma_table_info('sessions')"
    ).fetchone()[0]
    raw.close()
    assert (
        "code" not in columns and "value" not in columns and "temporary_access_pass" not in columns
    )


def test_the_store_api_takes_no_pass_objects(store: Store) -> None:
    snapshot = session().snapshot()
    assert not any(isinstance(v, PassCode | TemporaryAccessPass) for v in vars_of(snapshot))
    with pytest.raises(TypeError, match="PassCode"):
        # Even smuggled into a text field, a PassCode is refused before any SQL runs.
        store.record_audit(event(START, detail=PassCode(SECRET)))
    assert store.audit(*EVER) == []


def vars_of(snapshot: ChecklistSnapshot) -> list[object]:
    values: list[object] = []
    for name in snapshot.__slots__:
        value = getattr(snapshot, name)
        values.append(value)
        if hasattr(value, "__slots__"):
            values += [getattr(value, n) for n in value.__slots__]
    return values


# --- a hard kill -------------------------------------------------------------------------------
_CHILD = """
import sys, time
from pathlib import Path
from tapdesk.core.checklist import Checklist
from tapdesk.core.flows import load_flow
from tapdesk.core.models import AuthMethod, MethodKind, TemporaryAccessPass
from tapdesk.runtime.resources import flows_dir
from tapdesk.store import Store
from tests.helpers.clock import START, FakeClock

store = Store.open(Path(sys.argv[1]))
checklist = Checklist.start(load_flow(flows_dir() / "passkey-authenticator.toml"), user_id="u-ava",
                            upn="ava@contoso.example", technician="tess", session_id="crash", clock=FakeClock())
checklist.tick("confirm-identity")
checklist.pass_issued(TemporaryAccessPass("tap-9", START, None, 60, True), [AuthMethod("pw", MethodKind.PASSWORD)])
checklist.override("add-account", "seen on the phone")
store.save_session(checklist.snapshot(), checklist.drain_events())
print("saved", flush=True)
time.sleep(60)
"""


def test_a_killed_process_leaves_its_session_and_audit_intact(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "saved"
    finally:
        child.kill()  # SIGKILL on POSIX: no clean-up, no checkpoint
        child.wait(timeout=10)
        if child.stdout:
            child.stdout.close()
    assert child.returncode != 0
    store, notices = open_store(paths(tmp_path), busy_timeout=FAST)
    assert notices == []
    (resumed,) = store.open_sessions()
    assert resumed.session_id == "crash" and resumed.pass_facts is not None
    states = [r.state for r in resumed.steps[:3]]
    assert states == [StepState.DONE, StepState.DONE, StepState.OVERRIDDEN]
    kinds = [r.event.kind for r in store.audit(*EVER)]
    assert kinds == [AuditKind.CONFIRM, AuditKind.ISSUE, AuditKind.OVERRIDE]
    store.close()


def test_an_export_for_one_tenant_holds_only_its_records(store: Store, tmp_path: Path) -> None:
    """The window's export (workflows.audit.export_csv) is its own tenant's; without a tenant,
    every tenant's, each row naming its tenant."""
    store.record_audit(event(START, tenant_id="t-ours"), event(START, tenant_id="t-theirs"))
    day = (START, START + timedelta(days=1))
    tenant = HEADER.index("Tenant")
    ours = tmp_path / "ours.csv"
    assert audit.export_csv(store, *day, ours, tenant_id="t-ours") == 1
    rows = list(csv.reader(io.StringIO(ours.read_text("utf-8-sig"), newline="")))
    assert [row[tenant] for row in rows[1:]] == ["t-ours"]
    every = tmp_path / "every.csv"
    assert audit.export_csv(store, *day, every) == 2
    rows = list(csv.reader(io.StringIO(every.read_text("utf-8-sig"), newline="")))
    assert [row[tenant] for row in rows[1:]] == ["t-ours", "t-theirs"]


def test_migration_to_v5_keeps_sessions_with_no_method_kinds(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    make_v1(path)
    store, _notices = open_store(paths(tmp_path), busy_timeout=FAST)
    old = store.session("old")
    store.close()
    assert old is not None and old.baseline is None
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 5
    columns = {r[1] for r in raw.execute("PRAGMA table_info(sessions)")}
    assert "baseline_method_kinds" in columns
    raw.close()
