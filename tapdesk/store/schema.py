"""The database schema and its migrations, versioned by ``PRAGMA user_version``.

Each migration runs in one transaction together with the version bump, after a full copy of the
database (made with SQLite's online backup, so the WAL is included) has been written next to it
as ``tapdesk.db.bak-v<N>``, N being the version it had. A brand-new, empty file needs no copy.

There is deliberately no column that could hold a pass value: sessions keep the pass id, its
times and its one-time flag only.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tapdesk.errors import StorageError
from tapdesk.runtime import private
from tapdesk.store.errors import DatabaseTooNew

_V1 = """
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    flow_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    upn TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    technician TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    closed_at TEXT,
    outcome TEXT,
    pass_id TEXT,
    pass_created TEXT,
    pass_start TEXT,
    pass_expires TEXT,
    pass_lifetime_minutes INTEGER,
    pass_usable_once INTEGER,
    pass_first_used_at TEXT,
    revoked_at TEXT,
    baseline_at TEXT,
    baseline_method_ids TEXT
);
CREATE INDEX sessions_open ON sessions (closed_at);
CREATE TABLE session_steps (
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    step_id TEXT NOT NULL,
    state TEXT NOT NULL,
    activated_at TEXT,
    finished_at TEXT,
    actor TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '',
    action_done_at TEXT,
    PRIMARY KEY (session_id, step_id)
)
"""

_V2 = """
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    technician TEXT NOT NULL,
    target_upn TEXT NOT NULL,
    target_id TEXT NOT NULL DEFAULT '',
    session_id TEXT NOT NULL DEFAULT '',
    flow_id TEXT NOT NULL DEFAULT '',
    step_id TEXT NOT NULL DEFAULT '',
    pass_id TEXT NOT NULL DEFAULT '',
    lifetime_minutes INTEGER,
    usable_once INTEGER,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit (at)
"""

# The tenant each record belongs to; a replacement's old pass; a refusal's Graph code and
# request-id. Intents: written before a pass is created or revoked, completed by the answer, so
# a crash in between leaves something to reconcile with Graph on the next start.
_V3 = """
ALTER TABLE audit ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN replaces_pass_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN error_code TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
CREATE TABLE intents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    tenant_id TEXT NOT NULL DEFAULT '',
    technician TEXT NOT NULL,
    target_upn TEXT NOT NULL,
    target_id TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    lifetime_minutes INTEGER,
    usable_once INTEGER,
    start_at TEXT,
    client_request_id TEXT NOT NULL DEFAULT '',
    session_id TEXT NOT NULL DEFAULT '',
    flow_id TEXT NOT NULL DEFAULT '',
    pass_id TEXT NOT NULL DEFAULT '',
    replaces_pass_id TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'open',
    closed_at TEXT,
    error_code TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX intents_state ON intents (state)
"""

# Sessions belong to a tenant, so a bench serving two never shows one's new hires in the
# other's window. A session written before is given the tenant of its audit records; one
# without any stays unowned ('') and is resumed by no tenant (it remains in the file).
_V4 = """
ALTER TABLE sessions ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '';
UPDATE sessions SET tenant_id = COALESCE((SELECT audit.tenant_id FROM audit
    WHERE audit.session_id = sessions.id AND audit.tenant_id != '' ORDER BY audit.id LIMIT 1), '');
CREATE INDEX sessions_tenant ON sessions (tenant_id, closed_at)
"""

# The kinds of method the user had when the pass was issued (Authenticator already there?), so
# the checklist's words stay right after a restart. Older sessions keep NULL: kinds unknown.
_V5 = """
ALTER TABLE sessions ADD COLUMN baseline_method_kinds TEXT
"""

# Index i holds the script that takes the database from version i to version i + 1.
MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5)
LATEST = len(MIGRATIONS)


def backup_path(path: Path, version: int) -> Path:
    return path.with_name(f"{path.name}.bak-v{version}")


def user_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def refuse_newer(version: int, path: Path | None) -> None:
    if version > LATEST:
        raise DatabaseTooNew(
            f"The tapdesk database ({path}) has schema version {version}; this tapdesk knows "
            f"up to {LATEST}.",
            hint="Update tapdesk. The database was left untouched.",
        )


def _is_empty(conn: sqlite3.Connection) -> bool:
    return int(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]) == 0


def _backup(conn: sqlite3.Connection, target: Path) -> None:
    try:
        target.unlink(missing_ok=True)  # a folder here is an OSError too, and said as one
        private.private_file(target)  # SQLite would create it with the umask's mode
    except OSError as exc:
        raise StorageError(
            f"tapdesk cannot write a copy of its database before updating it ({target}): "
            f"{exc.strerror}.",
            hint="Check the folder's permissions and free space, then restart tapdesk.",
        ) from None
    copy = sqlite3.connect(target)
    try:
        conn.backup(copy)
    finally:
        copy.close()


def migrate(conn: sqlite3.Connection, path: Path | None) -> list[Path]:
    """Bring the schema to :data:`LATEST`; returns the backups written. ``conn`` is autocommit."""
    version = user_version(conn)
    refuse_newer(version, path)
    backups: list[Path] = []
    fresh = version == 0 and _is_empty(conn)
    while version < LATEST:
        if path is not None and not fresh and not backups:  # one copy: the database as it was
            target = backup_path(path, version)
            _backup(conn, target)
            backups.append(target)
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[version].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        version += 1
    return backups
