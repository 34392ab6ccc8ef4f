"""What a technician reads when SQLite fails: the exact title, message and hint per trouble."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tapdesk.errors import StorageError
from tapdesk.store.errors import DatabaseCorrupt, DatabaseLocked, DiskFull, classify

DB = Path("/srv/tapdesk/tapdesk.db")
LOCKED_HINT = (
    "Is a second tapdesk, a backup tool or a database viewer holding it? Close it and try again."
)
CORRUPT_HINT = "Restart tapdesk: it sets the damaged file aside and starts a new one."
WRITE_HINT = "Check that the folder exists, is writable and is not on a disconnected drive."
OTHER_HINT = "Try again. If it keeps happening, send the log file to your IT team."


def _error(text: str, name: str | None = None) -> sqlite3.Error:
    """An sqlite3 error as the module raises it: a message and, from Python 3.11, a code name."""
    exc = sqlite3.OperationalError(text)
    if name is not None:
        exc.sqlite_errorname = name  # type: ignore[attr-defined]
    return exc


LOCKED = (
    DatabaseLocked,
    "Database busy: The tapdesk database (/srv/tapdesk/tapdesk.db) is locked by another "
    f"program, so saving the session failed. {LOCKED_HINT}",
)
FULL = (
    DiskFull,
    "Disk full: The disk holding the tapdesk database (/srv/tapdesk/tapdesk.db) is full, so "
    "saving the session failed. Everything recorded before is safe. "
    "Free some disk space and try again.",
)
CORRUPT = (
    DatabaseCorrupt,
    "Database damaged: The tapdesk database (/srv/tapdesk/tapdesk.db) is damaged, so saving "
    f"the session failed. {CORRUPT_HINT}",
)


def _cannot_write(name: str) -> tuple[type[StorageError], str]:
    return (
        StorageError,
        "Storage problem: tapdesk cannot write its database (/srv/tapdesk/tapdesk.db), so "
        f"saving the session failed ({name}). {WRITE_HINT}",
    )


def _other(what: str) -> tuple[type[StorageError], str]:
    return (
        StorageError,
        "Storage problem: The tapdesk database (/srv/tapdesk/tapdesk.db) reported a "
        f"problem, so saving the session failed ({what}). {OTHER_HINT}",
    )


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        # Known by the code name alone (the message names nothing).
        (_error("x", "SQLITE_BUSY"), LOCKED),
        (_error("x", "SQLITE_BUSY_SNAPSHOT"), LOCKED),
        (_error("x", "SQLITE_LOCKED"), LOCKED),
        (_error("x", "SQLITE_FULL"), FULL),
        (_error("x", "SQLITE_NOTADB"), CORRUPT),
        (_error("x", "SQLITE_CORRUPT"), CORRUPT),
        (_error("x", "SQLITE_CANTOPEN"), _cannot_write("SQLITE_CANTOPEN")),
        (_error("x", "SQLITE_READONLY"), _cannot_write("SQLITE_READONLY")),
        (_error("x", "SQLITE_PERM"), _cannot_write("SQLITE_PERM")),
        (_error("x", "SQLITE_IOERR_WRITE"), _cannot_write("SQLITE_IOERR_WRITE")),
        (_error("x", "SQLITE_ERROR"), _other("SQLITE_ERROR")),
        # Known by the message alone (older drivers, errors raised without a code name).
        (_error("Database Is Locked"), LOCKED),
        (_error("database or disk is full"), FULL),
        (_error("database disk image is malformed"), CORRUPT),
        (_error("file is not a database"), CORRUPT),
        (_error("no such table: sessions"), _other("OperationalError")),
        (_error("no such table: sessions", ""), _other("OperationalError")),
    ],
)
def test_each_sqlite_trouble_reads_as_its_own_title_message_and_hint(
    exc: sqlite3.Error, expected: tuple[type[StorageError], str]
) -> None:
    """The technician must learn which trouble it is and the one thing to do about it."""
    kind, line = expected
    error = classify(exc, DB, "saving the session")
    assert type(error) is kind
    assert str(error) == line


def test_an_in_memory_database_is_named_as_such() -> None:
    """Without a file there is no path to show; the message says what is failing instead."""
    error = classify(_error("x", "SQLITE_BUSY"), None, "writing the audit record")
    assert error.message == (
        "The tapdesk database (the temporary in-memory database) is locked by another "
        "program, so writing the audit record failed."
    )
