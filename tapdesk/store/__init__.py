"""Sessions and the audit trail, kept in SQLite; never a pass value.

The window and the CLI call :func:`open_store` once at start-up and show its notices. It always
returns a usable store:

- a damaged database file is set aside (renamed ``tapdesk.db.corrupt-<UTC time>``, never
  deleted) and a new one started;
- a locked database (another program holds it longer than the busy timeout), one written by a
  newer tapdesk, or a folder that cannot be written gives an in-memory store, and the notice
  says that nothing from this run will be kept.

Every :class:`Store` method may raise a :class:`~tapdesk.errors.StorageError` (locked, disk
full…) with a message for the technician; call it from a worker task, not the GUI thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from tapdesk.core.clock import SYSTEM_CLOCK, Clock
from tapdesk.errors import StorageError
from tapdesk.runtime.paths import AppPaths
from tapdesk.store.db import DB_NAME, DEFAULT_BUSY_TIMEOUT, AuditRecord, ConnectHook, Store
from tapdesk.store.errors import DatabaseCorrupt, DatabaseLocked, DatabaseTooNew, DiskFull
from tapdesk.store.export import write_audit_csv

log = logging.getLogger(__name__)

__all__ = [
    "AuditRecord",
    "DatabaseCorrupt",
    "DatabaseLocked",
    "DatabaseTooNew",
    "DiskFull",
    "NoticeKind",
    "Store",
    "StoreNotice",
    "open_store",
    "set_aside",
    "write_audit_csv",
]


class NoticeKind(str, Enum):
    CORRUPT_SET_ASIDE = "corrupt set aside"
    NOT_KEPT = "not kept"  # running on an in-memory store
    MIGRATED = "migrated"


@dataclass(frozen=True, slots=True)
class StoreNotice:
    kind: NoticeKind
    title: str
    message: str
    hint: str = ""
    paths: tuple[Path, ...] = field(default=())

    @property
    def warning(self) -> bool:
        return self.kind is not NoticeKind.MIGRATED


def set_aside(path: Path, clock: Clock = SYSTEM_CLOCK) -> Path:
    """Rename a damaged database (and its ``-wal``/``-shm`` companions); returns the new name."""
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{number}")
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    return target


def _not_kept(error: StorageError, extra: str = "") -> StoreNotice:
    return StoreNotice(
        NoticeKind.NOT_KEPT,
        error.title,
        f"{error.message} {extra}tapdesk is running with a temporary database: sessions and "
        "audit records from this run will not be kept.",
        error.hint,
    )


def open_store(
    paths: AppPaths,
    *,
    clock: Clock = SYSTEM_CLOCK,
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    on_connect: ConnectHook | None = None,
) -> tuple[Store, list[StoreNotice]]:
    """The store in ``paths.data_dir`` and what the technician should be told about it."""
    path = paths.data_dir / DB_NAME
    notices: list[StoreNotice] = []
    try:
        store = Store.open(path, busy_timeout=busy_timeout, on_connect=on_connect)
    except DatabaseCorrupt:
        try:
            aside = set_aside(path, clock)
        except OSError as exc:
            error = DatabaseCorrupt(
                f"The tapdesk database ({path}) is damaged and could not be set aside ({exc.strerror}).",
                hint="Close other programs using it, then restart tapdesk.",
            )
            log.error("damaged database could not be set aside: %s", exc.strerror)
            return Store.in_memory(on_connect=on_connect), [_not_kept(error)]
        log.warning("damaged database set aside as %s", aside)
        notices.append(
            StoreNotice(
                NoticeKind.CORRUPT_SET_ASIDE,
                DatabaseCorrupt.title,
                f"The tapdesk database {path} was damaged. It was set aside as {aside} and a new "
                "one was started; earlier sessions and audit records are in the set-aside file.",
                "Keep the set-aside file for your IT team; tapdesk never deletes it.",
                (path, aside),
            )
        )
        try:
            store = Store.open(path, busy_timeout=busy_timeout, on_connect=on_connect)
        except StorageError as error:
            return Store.in_memory(on_connect=on_connect), [*notices, _not_kept(error)]
    except StorageError as error:
        log.error("database unavailable (%s): running in memory", error.title)
        return Store.in_memory(on_connect=on_connect), [_not_kept(error)]
    if store.backups:
        notices.append(
            StoreNotice(
                NoticeKind.MIGRATED,
                "Database updated",
                f"The tapdesk database was updated to this version; a copy of the old one is at "
                f"{store.backups[0]}.",
                paths=(path, *store.backups),
            )
        )
    return store, notices
