"""Issue 19: on Windows the token cache file can be held for a moment (antivirus scanning it, a
backup agent), and os.replace fails with PermissionError. One such failure must not drop the
saved sign-in for the whole session; a file that stays held still gets the memory-only notice."""

from __future__ import annotations

from pathlib import Path

import msal
import pytest

from tapdesk.auth import cache as cache_module
from tapdesk.auth.cache import CacheProtection
from tests.helpers.keyring import MemoryKeyring
from tests.unit.test_auth_cache import filled_cache, refresh_tokens, store

HELD = PermissionError(
    32, "The process cannot access the file because it is being used by another process"
)


def _replace_failing(monkeypatch: pytest.MonkeyPatch, failures: int | None) -> list[float]:
    """Path.replace onto the cache file fails ``failures`` times (None: always); no real waits."""
    real_replace = Path.replace
    calls = {"n": 0}
    waits: list[float] = []

    def replace(self: Path, target: str | Path) -> Path:
        if Path(target).name == cache_module.CACHE_FILE:
            calls["n"] += 1
            if failures is None or calls["n"] <= failures:
                raise HELD
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", replace)
    monkeypatch.setattr(cache_module, "_sleep", waits.append)
    return waits


def test_a_cache_held_once_is_saved_on_the_retry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits = _replace_failing(monkeypatch, failures=1)
    keyring = MemoryKeyring()
    writer = store(tmp_path, keyring)
    writer.load(msal.SerializableTokenCache())
    writer.save(filled_cache())
    assert writer.notices == []
    assert writer.protection is CacheProtection.KEYRING
    assert len(waits) == 1 and 0 < waits[0] < 1  # briefly
    # What the technician gets: the next start finds the sign-in.
    monkeypatch.undo()
    reader = store(tmp_path, keyring)
    restored = msal.SerializableTokenCache()
    reader.load(restored)
    assert refresh_tokens(restored) == refresh_tokens(filled_cache())
    assert [p.name for p in writer.path.parent.iterdir()] == [cache_module.CACHE_FILE]


def test_a_cache_that_stays_held_falls_back_to_memory_with_the_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits = _replace_failing(monkeypatch, failures=None)
    writer = store(tmp_path, MemoryKeyring())
    writer.load(msal.SerializableTokenCache())
    writer.save(filled_cache())
    assert writer.protection is CacheProtection.MEMORY
    assert writer.notices == [
        f"Your sign-in could not be saved to {writer.path} (PermissionError), so it is kept in "
        "memory only for this session."
    ]
    assert sum(waits) < 2  # brief: about a second in all
    assert list(writer.path.parent.iterdir()) == []  # no temp file left behind
