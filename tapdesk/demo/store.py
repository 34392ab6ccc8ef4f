"""Where the tenant's state lives: in memory, or in a JSON file shared by several processes.

With a file, every transaction is load -> mutate -> save under an exclusive lock on a sidecar
``.lock`` file, so ``tapdesk --demo issue`` in one process and ``status`` in the next see one
tenant and never clobber each other. The file is replaced atomically and is private (0600).

A transaction is one request, so it is kept cheap (some 6 ms for 200 people, from 38 ms): the
file is parsed again only when its text differs from what this store last read or wrote, and
it is written by the C JSON encoder (no indent: with one, ``json`` falls back to Python).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from tapdesk.demo.model import TenantState, state_from_json, state_to_json
from tapdesk.runtime import private

STATE_VERSION = 1


class StateStore:
    def __init__(self, path: Path | None, seed: Callable[[], TenantState]) -> None:
        self._path = path
        self._seed = seed
        self._thread_lock = threading.RLock()  # GUI workers and MSAL's listener share a tenant
        self._memory: TenantState | None = None if path else seed()
        # The file's text as this store last read or wrote it, and the state it holds.
        self._known: tuple[str, TenantState] | None = None

    @property
    def path(self) -> Path | None:
        return self._path

    @contextlib.contextmanager
    def transaction(self) -> Iterator[TenantState]:
        """The current state; changes made inside the block are saved when it ends cleanly."""
        with self._thread_lock:
            if self._memory is not None:
                yield self._memory
                return
            assert self._path is not None
            with _exclusive(self._path.with_name(self._path.name + ".lock")):
                state, before = self._load()
                self._known = None  # until saved: a block that fails may leave it half changed
                yield state
                after = _dump(state)
                if after != before:
                    _atomic_write(self._path, after)
                self._known = (after, state)

    def reset(self) -> None:
        """Back to the seed, as if the tenant were created now."""
        with self.transaction() as state:
            fresh = self._seed()
            for name in vars(fresh):
                setattr(state, name, getattr(fresh, name))

    def _load(self) -> tuple[TenantState, str]:
        assert self._path is not None
        private.fix_mode(self._path)  # a state file from before tapdesk made its files private
        try:
            text = self._path.read_text(encoding="utf-8")
        except FileNotFoundError:
            state = self._seed()
            return state, ""  # "" differs from any dump: the seeded state gets written
        if self._known is not None and self._known[0] == text:
            return self._known[1], text  # no other process wrote since
        data = json.loads(text)
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"{self._path}: unsupported demo state version {data.get('version')}")
        return state_from_json(data), text


def _dump(state: TenantState) -> str:
    # Insertion order kept: user listings come out in the same order from memory or file.
    return json.dumps({"version": STATE_VERSION, **state_to_json(state)}, separators=(",", ":"))


def _atomic_write(path: Path, text: str) -> None:
    private.private_dir(path.parent)
    # mkstemp creates the file 0600; os.replace makes the swap atomic on POSIX and Windows.
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    private.private_dir(lock_path.parent)
    fd = private.opener(str(lock_path), os.O_RDWR | os.O_CREAT)
    with os.fdopen(fd, "r+b") as handle:
        _lock(handle)
        try:
            yield
        finally:
            _unlock(handle)


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        while True:  # LK_LOCK gives up after ten seconds; keep waiting like flock does
            try:
                msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                return
            except OSError:
                time.sleep(0.05)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
