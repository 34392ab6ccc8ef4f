"""Database troubles, each a :class:`~tapdesk.errors.StorageError` a technician can act on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tapdesk.errors import StorageError


class DatabaseLocked(StorageError):
    title = "Database busy"


class DatabaseCorrupt(StorageError):
    title = "Database damaged"


class DatabaseTooNew(StorageError):
    title = "Database from a newer tapdesk"


class DiskFull(StorageError):
    title = "Disk full"


def classify(exc: sqlite3.Error, path: Path | None, doing: str) -> StorageError:
    """The user-facing error for an sqlite3 error while ``doing`` (e.g. "saving the session")."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    text = str(exc).lower()
    where = str(path) if path else "the temporary in-memory database"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return DatabaseLocked(
            f"The tapdesk database ({where}) is locked by another program, so {doing} failed.",
            hint="Is a second tapdesk, a backup tool or a database viewer holding it? Close it and try again.",
        )
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return DiskFull(
            f"The disk holding the tapdesk database ({where}) is full, so {doing} failed. "
            "Everything recorded before is safe.",
            hint="Free some disk space and try again.",
        )
    if (
        name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT"))
        or "malformed" in text
        or "not a database" in text
    ):
        return DatabaseCorrupt(
            f"The tapdesk database ({where}) is damaged, so {doing} failed.",
            hint="Restart tapdesk: it sets the damaged file aside and starts a new one.",
        )
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM", "SQLITE_IOERR")):
        return StorageError(
            f"tapdesk cannot write its database ({where}), so {doing} failed ({name or 'I/O error'}).",
            hint="Check that the folder exists, is writable and is not on a disconnected drive.",
        )
    return StorageError(
        f"The tapdesk database ({where}) reported a problem, so {doing} failed ({name or type(exc).__name__}).",
        hint="Try again. If it keeps happening, send the log file to your IT team.",
    )
