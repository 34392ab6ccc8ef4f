"""Everything tapdesk writes is private to the user: folders 0700, files 0600 (POSIX only).

Files are made under a 022 umask, the default that made them 0644/0755 before, and an install
from before the rule (everything loosened) is fixed the next time tapdesk opens it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import msal
import pytest

from tapdesk.auth.cache import CacheStore
from tapdesk.auth.keystore import KeyStore
from tapdesk.core.audit import AuditEvent, AuditKind
from tapdesk.demo import DemoTenant
from tapdesk.runtime import logs, private
from tapdesk.runtime.paths import AppPaths
from tapdesk.store import Store, open_store, schema
from tests.helpers.clock import START, FakeClock
from tests.helpers.keyring import MemoryKeyring

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


@pytest.fixture(autouse=True)
def default_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture(autouse=True)
def own_logging() -> Iterator[None]:
    """configure() changes the "tapdesk" logger: start with none of tapdesk's handlers (an
    earlier test's log file would be written here, under this test's patched chmod) and end
    with none, at the level it had."""
    logger = logging.getLogger("tapdesk")
    level = logger.level
    logs.configure(None)
    yield
    logs.configure(None)
    logger.setLevel(level)


def home_paths(tmp_path: Path) -> AppPaths:
    return AppPaths.default({"TAPDESK_HOME": str(tmp_path / "home")})


def audit_event(minutes: int = 0) -> AuditEvent:
    return AuditEvent(
        at=START + timedelta(minutes=minutes),
        kind=AuditKind.ISSUE,
        technician="tess",
        target_upn="ava@contoso.example",
    )


def keep_wal(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA wal_autocheckpoint = 0")


def token_store(paths: AppPaths, keyring: MemoryKeyring) -> CacheStore:
    return CacheStore(
        paths.data_dir / "token-cache.bin",
        KeyStore(keyring),
        allow_plaintext=False,
        clock=FakeClock(),
    )


def save_tokens(paths: AppPaths, keyring: MemoryKeyring) -> None:
    tokens, cache = token_store(paths, keyring), msal.SerializableTokenCache()
    tokens.load(cache)
    cache.has_state_changed = True  # as after a sign-in
    tokens.save(cache)


def load_tokens(paths: AppPaths, keyring: MemoryKeyring) -> None:
    tokens = token_store(paths, keyring)
    tokens.load(msal.SerializableTokenCache())
    assert tokens.notices == []  # read, not set aside


def file_handler() -> logging.FileHandler:
    (handler,) = [
        h for h in logging.getLogger("tapdesk").handlers if isinstance(h, logging.FileHandler)
    ]
    return handler


def use_everything(paths: AppPaths, export_to: Path, keyring: MemoryKeyring) -> Store:
    """Every file tapdesk writes; the store is returned open, so its WAL and SHM exist."""
    store, notices = open_store(paths, on_connect=keep_wal)
    assert store.persistent, notices
    store.record_audit(audit_event(), audit_event(1))
    logs.configure(paths.log_dir)
    logging.getLogger("tapdesk.test").info("a line before the rotation")
    file_handler().doRollover()
    logging.getLogger("tapdesk.test").info("a line after it")
    store.export_audit_csv(START, START + timedelta(days=1), export_to)
    DemoTenant(paths.data_dir / "demo-tenant.json", clock=FakeClock()).set_policy(defaultLength=9)
    save_tokens(paths, keyring)
    return store


def open_everything(paths: AppPaths, keyring: MemoryKeyring) -> None:
    """What a later start opens without writing anything new."""
    store, _ = open_store(paths)
    store.close()
    logs.configure(paths.log_dir)
    DemoTenant(paths.data_dir / "demo-tenant.json", clock=FakeClock())
    load_tokens(paths, keyring)


def loose(path: Path) -> list[str]:
    """Every folder not 0700 and file not 0600 under ``path``, owner, group and world apart."""
    found = []
    for item in [path, *sorted(path.rglob("*"))]:
        mode = stat.S_IMODE(item.lstat().st_mode)
        want = 0o700 if item.is_dir() else 0o600  # written out: not the module's own constants
        for who, bits in (("owner", 0o700), ("group", 0o070), ("world", 0o007)):
            if mode & bits != want & bits:
                found.append(f"{item.relative_to(path.parent)}: {who} bits {oct(mode & bits)}")
    return found


def test_every_file_is_0600_and_every_folder_0700(tmp_path: Path) -> None:
    paths = home_paths(tmp_path)
    home = paths.data_dir.parent
    store = use_everything(paths, home / "audit.csv", MemoryKeyring())
    try:
        names = {p.name for p in home.rglob("*")}
        expected = {"tapdesk.db", "tapdesk.db-wal", "tapdesk.db-shm", "tapdesk.log"}
        expected |= {"tapdesk.log.1", "audit.csv", "demo-tenant.json", "token-cache.bin"}
        assert expected <= names
        assert loose(home) == []
    finally:
        store.close()


def test_the_wal_and_shm_take_the_databases_mode(tmp_path: Path) -> None:
    """SQLite creates -wal/-shm with the database file's mode: 0600 from the start."""
    paths = home_paths(tmp_path)
    store, _ = open_store(paths, on_connect=keep_wal)
    try:
        store.record_audit(audit_event())
        for suffix in ("", "-wal", "-shm"):
            db = paths.data_dir / f"tapdesk.db{suffix}"
            assert stat.S_IMODE(db.stat().st_mode) == 0o600
    finally:
        store.close()


def make_v1(path: Path) -> None:
    """A database as an older tapdesk left it (its migration writes a backup copy)."""
    raw = sqlite3.connect(path)
    for statement in schema.MIGRATIONS[0].split(";"):
        raw.execute(statement)
    raw.execute("PRAGMA user_version = 1")
    raw.commit()
    raw.close()


def loosen(home: Path) -> None:
    for item in home.rglob("*"):
        item.chmod(0o755 if item.is_dir() else 0o644)


def test_an_existing_install_is_made_private_when_opened(tmp_path: Path) -> None:
    paths = home_paths(tmp_path)
    home = paths.data_dir.parent
    keyring = MemoryKeyring()
    crashed = use_everything(paths, home / "audit.csv", keyring)  # open: WAL and SHM stay
    try:
        logs.configure(None)
        older = paths.data_dir / "older" / "tapdesk.db"
        older.parent.mkdir()
        make_v1(older)
        loosen(home)
        assert len(loose(home)) > 10

        open_everything(paths, keyring)
        Store.open(older).close()
        assert older.with_name("tapdesk.db.bak-v1").exists()
        home.joinpath("audit.csv").unlink()  # the user's export: tapdesk only writes it
        assert loose(home) == []
    finally:
        crashed.close()


def test_a_missing_tree_is_created_private_parents_too(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    assert private.private_dir(deep) == deep
    assert loose(tmp_path / "a") == []


def test_a_file_is_created_private_and_an_existing_one_fixed(tmp_path: Path) -> None:
    made = private.private_file(tmp_path / "new")
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    old = tmp_path / "old"
    old.write_text("kept")
    old.chmod(0o644)
    private.private_file(old)
    assert stat.S_IMODE(old.stat().st_mode) == 0o600 and old.read_text() == "kept"
    private.fix_mode(tmp_path / "missing")  # no error, nothing created
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("mode", [0o750, 0o770, 0o705, 0o707, 0o711, 0o500], ids=oct)
def test_an_existing_folder_with_group_or_world_bits_alone_is_made_0700(
    tmp_path: Path, mode: int
) -> None:
    """Group bits alone and world bits alone each count as loose (0755 cannot tell them apart)."""
    folder = tmp_path / "folder"
    folder.mkdir()
    folder.chmod(mode)
    private.private_dir(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.parametrize("mode", [0o640, 0o660, 0o604, 0o606, 0o400], ids=oct)
def test_an_existing_file_with_group_or_world_bits_alone_is_made_0600(
    tmp_path: Path, mode: int
) -> None:
    for fix in (private.fix_mode, private.private_file):
        path = tmp_path / f"{fix.__name__}.txt"
        path.write_text("kept")
        path.chmod(mode)
        fix(path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, fix.__name__
        assert path.read_text() == "kept"


def test_new_folders_are_0700_whatever_the_umask(tmp_path: Path) -> None:
    """A umask that strips the owner's own bits must not leave a 0500 folder behind."""
    os.umask(0o277)  # the autouse fixture puts the old umask back
    private.private_dir(tmp_path / "a" / "b")
    assert loose(tmp_path / "a") == []


def test_the_mode_given_at_creation_holds_where_it_cannot_be_set_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A file system that refuses chmod (a FAT stick as TAPDESK_HOME): no error, a warning,
    and whatever the file system keeps of the mode given to mkdir and open is still private."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "fchmod", refuse)
    monkeypatch.setattr(Path, "chmod", refuse)
    with caplog.at_level(logging.WARNING, logger="tapdesk.runtime.private"):
        folder = private.private_dir(tmp_path / "a" / "b")
        made = private.private_file(folder / "new.txt")
    monkeypatch.undo()
    assert loose(tmp_path / "a") == []
    assert made.exists()
    assert "could not make" in caplog.text and "Operation not permitted" in caplog.text
