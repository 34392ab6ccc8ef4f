"""Sessions and the audit trail in SQLite (stdlib ``sqlite3``).

- WAL journal with ``synchronous=FULL``: a committed session or audit row survives the process
  being killed (and, with FULL, a power cut).
- One connection per store, shared by the window's worker threads behind a lock; every public
  method is one short transaction.
- Nothing here accepts a pass value: sessions arrive as
  :class:`~tapdesk.core.checklist.ChecklistSnapshot` (pass id and times only) and audit rows
  as :class:`~tapdesk.core.checklist.AuditEvent`. Their free text (a step's reason and
  evidence, an audit detail) reaches a row only through ``_clean_step`` and ``_clean_event``,
  which take out any pass shown in this run, whichever route the text took
  (:mod:`tapdesk.core.redaction`).
- Every ``sqlite3`` error leaves as a :class:`~tapdesk.errors.StorageError` subclass
  (:mod:`tapdesk.store.errors`); a failed write is rolled back, so nothing already recorded is
  lost.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tapdesk.core.audit import AuditEvent, AuditKind, Intent, IntentKind, IntentState
from tapdesk.core.models import MethodKind
from tapdesk.core.redaction import SHOWN_PASSES, ShownPasses
from tapdesk.errors import StorageError
from tapdesk.runtime import private
from tapdesk.store import schema
from tapdesk.store.errors import DatabaseCorrupt, classify
from tapdesk.store.export import write_audit_csv

if TYPE_CHECKING:  # loaded with the first session read: opening the store does without them
    from tapdesk.core.checklist import ChecklistSnapshot, StepRecord

DB_NAME = "tapdesk.db"
DEFAULT_BUSY_TIMEOUT = 5.0
_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"

ConnectHook = Callable[[sqlite3.Connection], None]


def _ts(value: datetime | None) -> str | None:
    """Fixed-width UTC text, so text order is time order."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("the store takes timezone-aware datetimes only")
    return value.astimezone(UTC).strftime(_TIME)


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.strptime(text, _TIME).replace(tzinfo=UTC)


def _need(text: str | None) -> datetime:
    value = _dt(text)
    if value is None:
        raise DatabaseCorrupt("A stored record lacks a required time.", hint="Restart tapdesk.")
    return value


def _plain(params: tuple[Any, ...]) -> tuple[Any, ...]:
    """Only text, numbers and None reach SQL: a pass object fails here, loudly."""
    for value in params:
        if value is not None and not isinstance(value, str | int | float):
            raise TypeError(f"the store keeps text and numbers only, not {type(value).__name__}")
    return params


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _make_private(path: Path) -> None:
    """The database and its companions 0600, also when written before tapdesk made them so.
    SQLite gives a new ``-wal``/``-shm`` the database file's mode."""
    for name in (path.name, path.name + "-wal", path.name + "-shm"):
        private.fix_mode(path.with_name(name))


def _create_private(path: Path) -> None:
    """An empty file, created 0600 before SQLite opens it (SQLite would use the umask)."""
    try:
        private.private_file(path)
    except OSError as exc:
        raise StorageError(
            f"tapdesk cannot create its database ({path}): {exc.strerror}.",
            hint="Check the folder's permissions, or set TAPDESK_HOME to a writable folder.",
        ) from None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    event: AuditEvent


class Store:
    """Sessions and audit records. Open with :meth:`open` (a file) or :meth:`in_memory`."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path | None, *, shown: ShownPasses = SHOWN_PASSES
    ) -> None:
        self._conn = conn
        self._path = path
        self._shown = shown
        self._lock = threading.RLock()
        self._closed = False
        self.backups: list[Path] = []
        # The tenant this tapdesk works in: stamped on every record that does not name one, so
        # a shared bench's trail can be read per tenant (set by the composition root).
        self.tenant_id = ""

    # --- opening -----------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: Path,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        on_connect: ConnectHook | None = None,
        shown: ShownPasses = SHOWN_PASSES,
    ) -> Store:
        """Open (creating and migrating) the database at ``path``.

        Raises :class:`DatabaseCorrupt`, :class:`DatabaseLocked`, :class:`DatabaseTooNew` or
        another :class:`StorageError`; the caller (:func:`tapdesk.store.open_store`) decides
        what to fall back to.
        """
        try:
            private.private_dir(path.parent)
        except OSError as exc:
            raise StorageError(
                f"tapdesk cannot create the folder for its database ({path.parent}): {exc.strerror}.",
                hint="Check the folder's permissions, or set TAPDESK_HOME to a writable folder.",
            ) from None
        if path.exists():
            _make_private(path)
            cls._inspect(path, busy_timeout)
        else:
            _create_private(path)
        try:
            conn = sqlite3.connect(
                path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise classify(exc, path, "opening it") from None
        try:
            if on_connect is not None:
                on_connect(conn)
            store = cls(conn, path, shown=shown)
            store.backups = store._prepare(wal=True)
        except sqlite3.Error as exc:
            conn.close()
            raise classify(exc, path, "opening it") from None
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def in_memory(
        cls, *, on_connect: ConnectHook | None = None, shown: ShownPasses = SHOWN_PASSES
    ) -> Store:
        """A store that keeps nothing after the process ends (the fallback)."""
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        if on_connect is not None:
            on_connect(conn)
        store = cls(conn, None, shown=shown)
        store._prepare(wal=False)
        return store

    @staticmethod
    def _inspect(path: Path, busy_timeout: float) -> None:
        """Integrity and version, read through a read-only connection: closing it can neither
        checkpoint nor delete the WAL, so a damaged database is set aside exactly as it was
        found, and one from a newer tapdesk is not touched at all."""
        try:
            probe = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=busy_timeout
            )
        except sqlite3.Error as exc:
            raise classify(exc, path, "opening it") from None
        try:
            checked = [tuple(r) for r in probe.execute("PRAGMA quick_check").fetchall()]
            version = schema.user_version(probe)
        except sqlite3.Error as exc:
            raise classify(exc, path, "checking it") from None
        finally:
            probe.close()
        if checked != [("ok",)]:
            raise DatabaseCorrupt(
                f"The tapdesk database ({path}) failed its integrity check.",
                hint="tapdesk sets it aside and starts a new one.",
            )
        schema.refuse_newer(version, path)

    def _prepare(self, *, wal: bool) -> list[Path]:
        conn = self._conn
        if wal:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        backups = schema.migrate(conn, self._path)
        # Prove we can write now: a lock held by someone else shows here, not mid-session.
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return backups

    # --- plumbing ----------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def persistent(self) -> bool:
        return self._path is not None

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()

    @contextmanager
    def _write(self, doing: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._check_open()
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                yield self._conn
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise classify(exc, self._path, doing) from None
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        try:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the connection already rolled back (e.g. after SQLITE_FULL)

    def _read(self, sql: str, params: Sequence[Any], doing: str) -> list[sqlite3.Row]:
        with self._lock:
            self._check_open()
            try:
                cursor = self._conn.execute(sql, params)
                cursor.row_factory = sqlite3.Row
                return list(cursor.fetchall())
            except sqlite3.Error as exc:
                raise classify(exc, self._path, doing) from None

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError("The tapdesk database is closed.", hint="Restart tapdesk.")

    # --- the one way free text reaches a row -------------------------------------------------
    def _clean_step(self, r: StepRecord) -> StepRecord:
        redact = self._shown.redact
        return replace(r, reason=redact(r.reason), evidence=redact(r.evidence))

    def _clean_event(self, event: AuditEvent) -> AuditEvent:
        """Redacted, and stamped with this store's tenant where it names none."""
        return replace(
            event,
            detail=self._shown.redact(event.detail),
            tenant_id=event.tenant_id or self.tenant_id,
        )

    # --- sessions ----------------------------------------------------------------------------
    def save_session(self, snapshot: ChecklistSnapshot, events: Sequence[AuditEvent] = ()) -> None:
        """Store the session's current state and its new audit events, atomically."""
        with self._write("saving the session") as conn:
            conn.execute(_UPSERT_SESSION, _plain((*_session_params(snapshot), self.tenant_id)))
            conn.execute("DELETE FROM session_steps WHERE session_id = ?", (snapshot.session_id,))
            conn.executemany(
                _INSERT_STEP,
                [
                    _plain(_step_params(snapshot.session_id, n, self._clean_step(r)))
                    for n, r in enumerate(snapshot.steps)
                ],
            )
            conn.executemany(
                _INSERT_AUDIT, [_plain(_audit_params(self._clean_event(e))) for e in events]
            )
            for event in events:  # the checklist's record of a pass closes the issuer's intent
                if event.kind in (AuditKind.ISSUE, AuditKind.REVOKE) and event.pass_id:
                    conn.execute(_CLOSE_SESSION_INTENT, (_ts(event.at), event.pass_id,
                                 event.pass_id, snapshot.session_id, event.kind.value))  # fmt: skip

    def session(self, session_id: str) -> ChecklistSnapshot | None:
        found = self._sessions("AND id = ?", (session_id,))
        return found[0] if found else None

    def open_sessions(self) -> list[ChecklistSnapshot]:
        """Sessions not completed or abandoned, oldest first: what to resume after a restart."""
        return self._sessions("AND closed_at IS NULL ORDER BY opened_at, id", ())

    def sessions_between(self, start: datetime, end: datetime) -> list[ChecklistSnapshot]:
        """Sessions opened in [start, end)."""
        return self._sessions(
            "AND opened_at >= ? AND opened_at < ? ORDER BY opened_at, id", (_ts(start), _ts(end))
        )

    def _sessions(self, where: str, params: Sequence[Any]) -> list[ChecklistSnapshot]:
        """This tenant's sessions only: another tenant's are never read."""
        rows = self._read(
            f"SELECT * FROM sessions WHERE tenant_id = ? {where}",  # noqa: S608 (fixed text)
            (self.tenant_id, *params),
            "reading sessions",
        )
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ",".join("?" * len(ids))
        step_rows = self._read(
            f"SELECT * FROM session_steps WHERE session_id IN ({marks}) ORDER BY position",  # noqa: S608
            ids,
            "reading session steps",
        )
        steps: dict[str, list[StepRecord]] = {i: [] for i in ids}
        for row in step_rows:
            steps[row["session_id"]].append(_step_from(row))
        return [_session_from(row, tuple(steps[row["id"]])) for row in rows]

    # --- audit -------------------------------------------------------------------------------
    def record_audit(self, *events: AuditEvent) -> None:
        with self._write("saving the audit record") as conn:
            conn.executemany(
                _INSERT_AUDIT, [_plain(_audit_params(self._clean_event(e))) for e in events]
            )

    def audit(
        self, start: datetime, end: datetime, *, tenant_id: str | None = None
    ) -> list[AuditRecord]:
        """Audit records in [start, end), oldest first; of one tenant when ``tenant_id`` is given."""
        where, params = "at >= ? AND at < ?", [_ts(start), _ts(end)]
        if tenant_id is not None:
            where, params = where + " AND tenant_id = ?", [*params, tenant_id]
        rows = self._read(
            f"SELECT * FROM audit WHERE {where} ORDER BY at, id",  # noqa: S608 (fixed text)
            params,
            "reading the audit trail",
        )
        return [AuditRecord(int(r["id"]), _audit_from(r)) for r in rows]

    def export_audit_csv(
        self, start: datetime, end: datetime, target: Path, *, tenant_id: str | None = None
    ) -> int:
        """Write the audit records in [start, end) to ``target`` (UTF-8 with BOM, for Excel);
        of one tenant when ``tenant_id`` is given (the Tenant column names it on every row)."""
        records = self.audit(start, end, tenant_id=tenant_id)
        try:
            with open(target, "w", encoding="utf-8-sig", newline="", opener=private.opener) as out:
                return write_audit_csv((r.event for r in records), out)
        except OSError as exc:
            raise StorageError(
                f"tapdesk cannot write {target}: {exc.strerror}.",
                hint="Choose another folder, or close the file if a spreadsheet has it open.",
            ) from None

    # --- intents: written before a request, completed with its answer ------------------------
    def begin_intent(self, intent: Intent) -> None:
        """Commit what is about to be asked of Graph; raises StorageError if it cannot be kept."""
        if not intent.tenant_id:
            intent = replace(intent, tenant_id=self.tenant_id)
        with self._write("recording what is about to be done") as conn:
            conn.execute(_INSERT_INTENT, _plain(_intent_params(intent)))

    def finish_intent(
        self,
        intent_id: str,
        state: IntentState,
        *,
        at: datetime,
        pass_id: str = "",
        error_code: str = "",
        request_id: str = "",
        events: Sequence[AuditEvent] = (),
    ) -> None:
        """Close an intent and write its audit records in one transaction."""
        with self._write("completing the audit record") as conn:
            conn.execute(
                "UPDATE intents SET state = ?, closed_at = ?, error_code = ?, request_id = ?,"
                " pass_id = CASE WHEN ? != '' THEN ? ELSE pass_id END WHERE id = ?",
                (state.value, _ts(at), error_code, request_id, pass_id, pass_id,
                 intent_id),
            )  # fmt: skip
            conn.executemany(
                _INSERT_AUDIT, [_plain(_audit_params(self._clean_event(e))) for e in events]
            )

    def open_intents(self) -> list[Intent]:
        """Intents of this tenant still open, oldest first: what an interruption left behind."""
        rows = self._read(
            "SELECT * FROM intents WHERE state = 'open' AND tenant_id = ? ORDER BY requested_at",
            (self.tenant_id,),
            "reading unfinished work",
        )
        return [_intent_from(r) for r in rows]


# --- rows <-> records -------------------------------------------------------------------------
_SESSION_COLUMNS = (
    "id", "flow_id", "user_id", "upn", "display_name", "technician", "opened_at", "closed_at",
    "outcome", "pass_id", "pass_created", "pass_start", "pass_expires", "pass_lifetime_minutes",
    "pass_usable_once", "pass_first_used_at", "revoked_at", "baseline_at", "baseline_method_ids",
    "baseline_method_kinds",
)  # fmt: skip
# The tenant is written with the first save and never changed by a later one.
_UPSERT_SESSION = (
    f"INSERT INTO sessions ({', '.join(_SESSION_COLUMNS)}, tenant_id) "  # noqa: S608 (fixed names)
    f"VALUES ({', '.join('?' * (len(_SESSION_COLUMNS) + 1))}) "
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _SESSION_COLUMNS[1:])
)
_INSERT_STEP = (
    "INSERT INTO session_steps (session_id, position, step_id, state, activated_at, finished_at, "
    "actor, reason, evidence, action_done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_AUDIT = (
    "INSERT INTO audit (at, event, technician, target_upn, target_id, session_id, flow_id, "
    "step_id, pass_id, lifetime_minutes, usable_once, detail, tenant_id, replaces_pass_id, "
    "error_code, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _session_params(s: ChecklistSnapshot) -> tuple[Any, ...]:
    facts = s.pass_facts
    base = s.baseline
    return (
        s.session_id,
        s.flow_id,
        s.user_id,
        s.upn,
        s.display_name,
        s.technician,
        _ts(s.opened_at),
        _ts(s.closed_at),
        s.outcome.value if s.outcome else None,
        facts.id if facts else None,
        _ts(facts.created) if facts else None,
        _ts(facts.start) if facts else None,
        _ts(facts.expires) if facts else None,
        facts.lifetime_minutes if facts else None,
        _flag(facts.usable_once) if facts else None,
        _ts(s.pass_first_used_at),
        _ts(s.revoked_at),
        _ts(base.issued_at) if base else None,
        json.dumps(sorted(base.method_ids)) if base else None,
        json.dumps(sorted(k.value for k in base.kinds)) if base else None,
    )


def _session_from(row: sqlite3.Row, steps: tuple[StepRecord, ...]) -> ChecklistSnapshot:
    from tapdesk.core.checklist import ChecklistSnapshot, Outcome, PassFacts
    from tapdesk.core.verify import Baseline

    facts = None
    if row["pass_id"] is not None:
        facts = PassFacts(
            id=row["pass_id"],
            created=_need(row["pass_created"]),
            start=_dt(row["pass_start"]),
            lifetime_minutes=int(row["pass_lifetime_minutes"]),
            usable_once=bool(row["pass_usable_once"]),
        )
    baseline = None
    if row["baseline_at"] is not None and facts is not None:
        ids = json.loads(row["baseline_method_ids"] or "[]")
        known = {k.value: k for k in MethodKind}
        kinds = json.loads(row["baseline_method_kinds"] or "[]")
        baseline = Baseline(
            facts.id,
            _need(row["baseline_at"]),
            frozenset(str(i) for i in ids),
            frozenset(known[k] for k in kinds if k in known),
        )
    return ChecklistSnapshot(
        session_id=row["id"],
        flow_id=row["flow_id"],
        user_id=row["user_id"],
        upn=row["upn"],
        display_name=row["display_name"],
        technician=row["technician"],
        opened_at=_need(row["opened_at"]),
        steps=steps,
        pass_facts=facts,
        baseline=baseline,
        pass_first_used_at=_dt(row["pass_first_used_at"]),
        revoked_at=_dt(row["revoked_at"]),
        closed_at=_dt(row["closed_at"]),
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
    )


def _step_params(session_id: str, position: int, r: StepRecord) -> tuple[Any, ...]:
    return (
        session_id,
        position,
        r.step_id,
        r.state.value,
        _ts(r.activated_at),
        _ts(r.finished_at),
        r.actor,
        r.reason,
        r.evidence,
        _ts(r.action_done_at),
    )


def _step_from(row: sqlite3.Row) -> StepRecord:
    from tapdesk.core.checklist import StepRecord, StepState

    return StepRecord(
        step_id=row["step_id"],
        state=StepState(row["state"]),
        activated_at=_dt(row["activated_at"]),
        finished_at=_dt(row["finished_at"]),
        actor=row["actor"],
        reason=row["reason"],
        evidence=row["evidence"],
        action_done_at=_dt(row["action_done_at"]),
    )


def _audit_params(e: AuditEvent) -> tuple[Any, ...]:
    return (
        _ts(e.at),
        e.kind.value,
        e.technician,
        e.target_upn,
        e.target_id,
        e.session_id,
        e.flow_id,
        e.step_id,
        e.pass_id,
        e.lifetime_minutes,
        _flag(e.usable_once),
        e.detail,
        e.tenant_id,
        e.replaces_pass_id,
        e.error_code,
        e.request_id,
    )


def _audit_from(row: sqlite3.Row) -> AuditEvent:
    once = row["usable_once"]
    return AuditEvent(
        at=_need(row["at"]),
        kind=AuditKind(row["event"]),
        technician=row["technician"],
        target_upn=row["target_upn"],
        target_id=row["target_id"],
        session_id=row["session_id"],
        flow_id=row["flow_id"],
        step_id=row["step_id"],
        pass_id=row["pass_id"],
        lifetime_minutes=row["lifetime_minutes"],
        usable_once=None if once is None else bool(once),
        detail=row["detail"],
        tenant_id=row["tenant_id"],
        replaces_pass_id=row["replaces_pass_id"],
        error_code=row["error_code"],
        request_id=row["request_id"],
    )


_CLOSE_SESSION_INTENT = (
    "UPDATE intents SET state = 'done', closed_at = ?, pass_id = ? WHERE state = 'open'"
    " AND (pass_id = '' OR pass_id = ?) AND session_id = ? AND kind = ?"
)
_INTENT_COLUMNS = (
    "id", "kind", "tenant_id", "technician", "target_upn", "target_id", "requested_at",
    "lifetime_minutes", "usable_once", "start_at", "client_request_id", "session_id", "flow_id",
    "pass_id", "replaces_pass_id", "state",
)  # fmt: skip
_INSERT_INTENT = (
    f"INSERT INTO intents ({', '.join(_INTENT_COLUMNS)}) "  # noqa: S608 (fixed column names)
    f"VALUES ({', '.join('?' * len(_INTENT_COLUMNS))})"
)


def _intent_params(i: Intent) -> tuple[Any, ...]:
    return (
        i.id, i.kind.value, i.tenant_id, i.technician, i.target_upn, i.target_id,
        _ts(i.requested_at), i.lifetime_minutes, _flag(i.usable_once), _ts(i.start_at),
        i.client_request_id, i.session_id, i.flow_id, i.pass_id, i.replaces_pass_id,
        i.state.value,
    )  # fmt: skip


def _intent_from(row: sqlite3.Row) -> Intent:
    once = row["usable_once"]
    return Intent(
        id=row["id"],
        kind=IntentKind(row["kind"]),
        technician=row["technician"],
        target_upn=row["target_upn"],
        target_id=row["target_id"],
        requested_at=_need(row["requested_at"]),
        tenant_id=row["tenant_id"],
        lifetime_minutes=row["lifetime_minutes"],
        usable_once=None if once is None else bool(once),
        start_at=_dt(row["start_at"]),
        client_request_id=row["client_request_id"],
        session_id=row["session_id"],
        flow_id=row["flow_id"],
        pass_id=row["pass_id"],
        replaces_pass_id=row["replaces_pass_id"],
        state=IntentState(row["state"]),
    )
