"""What the technician is told at start-up when the database cannot be used as it is."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from tapdesk.runtime import private
from tapdesk.store import NoticeKind, StoreNotice, open_store, set_aside
from tests.helpers.clock import FakeClock
from tests.unit.test_store import FAST, db_path, make_v1, paths

NOT_KEPT = (
    "tapdesk is running with a temporary database: sessions and audit records from this run "
    "will not be kept."
)


def test_a_newer_database_gives_a_notice_that_nothing_is_kept(tmp_path: Path) -> None:
    """The notice names the file and the versions, says what happens now and how to fix it."""
    path = db_path(tmp_path)
    path.parent.mkdir(parents=True)
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    store, notices = open_store(paths(tmp_path), busy_timeout=FAST)
    store.close()
    assert notices == [
        StoreNotice(
            NoticeKind.NOT_KEPT,
            "Database from a newer tapdesk",
            f"The tapdesk database ({path}) has schema version 99; this tapdesk knows up to 5. "
            + NOT_KEPT,
            "Update tapdesk. The database was left untouched.",
        )
    ]


def test_a_backup_that_cannot_be_written_stops_the_update_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No update without a copy of the old database; the technician learns what to check."""
    path = db_path(tmp_path)
    make_v1(path)
    real = private.opener

    def full_disk_for_backups(name: str, flags: int) -> int:
        if ".bak-" in name:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(name, flags)

    monkeypatch.setattr(private, "opener", full_disk_for_backups)
    store, notices = open_store(paths(tmp_path), busy_timeout=FAST)
    store.close()
    backup = path.with_name("tapdesk.db.bak-v1")
    assert notices == [
        StoreNotice(
            NoticeKind.NOT_KEPT,
            "Storage problem",
            "tapdesk cannot write a copy of its database before updating it "
            f"({backup}): No space left on device. " + NOT_KEPT,
            "Check the folder's permissions and free space, then restart tapdesk.",
        )
    ]


def test_a_folder_where_the_backup_goes_is_a_notice_not_a_crash(tmp_path: Path) -> None:
    """Something undeletable at the backup's name stops the update the same way a full disk does."""
    path = db_path(tmp_path)
    make_v1(path)
    backup = path.with_name("tapdesk.db.bak-v1")
    backup.mkdir()
    store, notices = open_store(paths(tmp_path), busy_timeout=FAST)
    store.close()
    [notice] = notices
    assert notice.kind is NoticeKind.NOT_KEPT and notice.title == "Storage problem"
    assert notice.message.startswith(
        f"tapdesk cannot write a copy of its database before updating it ({backup}): "
    )
    assert backup.is_dir()  # nothing of the technician's was removed


def test_a_second_damaged_file_in_the_same_second_gets_the_next_number(tmp_path: Path) -> None:
    """Set-aside files are never overwritten: each gets its own name, companions alongside."""
    path = tmp_path / "tapdesk.db"
    stamp = "tapdesk.db.corrupt-20300106T080000Z"
    (tmp_path / stamp).write_bytes(b"first")
    (tmp_path / f"{stamp}-2").write_bytes(b"second")
    path.write_bytes(b"third")
    path.with_name("tapdesk.db-wal").write_bytes(b"wal")
    path.with_name("tapdesk.db-shm").write_bytes(b"shm")

    aside = set_aside(path, FakeClock())

    assert aside == tmp_path / f"{stamp}-3"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        stamp, f"{stamp}-2", f"{stamp}-3", f"{stamp}-3-shm", f"{stamp}-3-wal",
    ]  # fmt: skip
    assert (tmp_path / f"{stamp}-3-shm").read_bytes() == b"shm"


def test_the_first_repeat_in_a_second_is_number_two(tmp_path: Path) -> None:
    """The unnumbered file is the first, so numbering goes on at 2."""
    path = tmp_path / "tapdesk.db"
    (tmp_path / "tapdesk.db.corrupt-20300106T080000Z").write_bytes(b"first")
    path.write_bytes(b"second")
    assert set_aside(path, FakeClock()).name == "tapdesk.db.corrupt-20300106T080000Z-2"
