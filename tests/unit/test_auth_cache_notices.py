"""The token cache's notices in full, its temp file, and how often it touches the keyring."""

from __future__ import annotations

import os
import re
from pathlib import Path

import msal
import pytest
from cryptography.fernet import Fernet
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError

from tapdesk.auth.cache import NO_KEYRING_NOTICE, CacheProtection
from tapdesk.auth.keystore import KEY_NAME, SERVICE, KeyringUnavailable, KeyStore, backend_usable
from tests.helpers.keyring import LockedKeyring, MemoryKeyring
from tests.unit.test_auth_cache import filled_cache, refresh_tokens, store

ASIDE = "token-cache.bin.corrupt-20300106T080000Z"


def set_aside_notice(reason: str) -> str:
    return (
        f"The saved sign-in could not be used because {reason}; the file was moved aside to "
        f"{ASIDE}. Please sign in again."
    )


def encrypted_file(tmp_path: Path, keyring: MemoryKeyring) -> Path:
    writer = store(tmp_path, keyring)
    writer.load(msal.SerializableTokenCache())
    writer.save(filled_cache())
    return writer.path


def reader_notices(tmp_path: Path, keyring: object) -> list[str]:
    reader = store(tmp_path, keyring)
    reader.load(msal.SerializableTokenCache())
    return reader.notices


class BrokenKeyring(MemoryKeyring):
    """A keyring whose service fails (D-Bus gone), as opposed to one the user keeps locked."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("the service went away")


# --- why a file was set aside ----------------------------------------------------------------


def test_a_file_whose_key_is_gone_says_the_key_is_missing(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    encrypted_file(tmp_path, keyring)
    keyring.secrets.clear()
    assert reader_notices(tmp_path, keyring) == [
        set_aside_notice("its key is missing from the keyring")
    ]


def test_a_file_under_another_key_says_it_could_not_be_decrypted(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    encrypted_file(tmp_path, keyring)
    keyring.secrets[(SERVICE, KEY_NAME)] = Fernet.generate_key().decode()
    assert reader_notices(tmp_path, keyring) == [set_aside_notice("it could not be decrypted")]


def test_a_damaged_plaintext_file_says_so_and_writes_nothing_new(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    path = store(tmp_path, keyring).path
    path.parent.mkdir(parents=True)
    path.write_bytes(b'tapdesk-token-cache/1 plain\n{"AccessToken": ["not", "a", "map"]}')
    assert reader_notices(tmp_path, keyring) == [set_aside_notice("its content is damaged")]
    # Nothing was restored, so nothing is re-encrypted in its place.
    assert not path.exists()
    assert keyring.secrets == {}


# --- a keyring that fails ---------------------------------------------------------------------


def test_a_failing_keyring_service_reads_as_no_keyring_not_as_locked(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    encrypted_file(tmp_path, keyring)
    broken = BrokenKeyring()
    broken.secrets = keyring.secrets
    reader = store(tmp_path, broken)
    reader.load(msal.SerializableTokenCache())
    assert reader.protection is CacheProtection.MEMORY
    assert reader.notices == [NO_KEYRING_NOTICE]


def test_deleting_a_key_that_is_not_there_is_no_error() -> None:
    KeyStore(MemoryKeyring()).delete()


def test_deleting_from_a_locked_keyring_reports_it_locked() -> None:
    with pytest.raises(KeyringUnavailable) as caught:
        KeyStore(LockedKeyring()).delete()
    assert caught.value.locked


def fake_backend(module: str, name: str) -> KeyringBackend:
    backend: KeyringBackend = type(name, (MemoryKeyring,), {"__module__": module})()
    return backend


def test_only_a_plaintext_file_backend_picked_by_itself_is_distrusted() -> None:
    assert not backend_usable(fake_backend("keyrings.alt.file", "PlaintextKeyring"), chosen=False)
    assert backend_usable(fake_backend("keyrings.alt.file", "EncryptedKeyring"), chosen=False)
    assert backend_usable(fake_backend("vendor.backend", "PlaintextVault"), chosen=False)


# --- how often the keyring is asked (each ask may prompt the user) ---------------------------


def keyring_reads(keyring: MemoryKeyring) -> int:
    return [call[0] for call in keyring.calls].count("get")


def test_a_new_key_is_read_once_however_often_the_cache_is_saved(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    cache_store = store(tmp_path, keyring)
    cache_store.load(msal.SerializableTokenCache())
    cache = filled_cache()
    for _ in range(3):
        cache.has_state_changed = True
        cache_store.save(cache)
    assert keyring_reads(keyring) == 1


def test_a_restored_cache_reuses_the_key_it_was_read_with(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    encrypted_file(tmp_path, keyring)
    keyring.calls.clear()
    reader = store(tmp_path, keyring)
    cache = msal.SerializableTokenCache()
    reader.load(cache)
    cache.has_state_changed = True
    reader.save(cache)
    assert keyring_reads(keyring) == 1


def test_a_key_already_in_the_keyring_is_used_for_a_new_file(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    key = Fernet.generate_key().decode()
    keyring.secrets[(SERVICE, KEY_NAME)] = key
    cache_store = store(tmp_path, keyring)
    cache_store.load(msal.SerializableTokenCache())
    cache_store.save(filled_cache())
    assert keyring.secrets[(SERVICE, KEY_NAME)] == key
    restored = msal.SerializableTokenCache()
    store(tmp_path, keyring).load(restored)
    assert refresh_tokens(restored)


def test_a_saved_cache_is_not_written_again_until_it_changes(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    cache_store = store(tmp_path, keyring)
    cache_store.load(msal.SerializableTokenCache())
    cache = filled_cache()
    cache_store.save(cache)
    before = cache_store.path.read_bytes()
    cache_store.save(cache)  # Fernet output differs on every write, so a rewrite would show
    assert cache_store.path.read_bytes() == before


# --- the temp file of a save ------------------------------------------------------------------


def test_a_save_goes_through_a_temp_file_that_sign_out_knows_to_delete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_store = store(tmp_path, MemoryKeyring())
    seen: list[str] = []
    real_fsync = os.fsync

    def spying_fsync(fd: int) -> None:
        seen.extend(sorted(p.name for p in cache_store.path.parent.iterdir()))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spying_fsync)
    cache_store.load(msal.SerializableTokenCache())
    cache_store.save(filled_cache())
    [temp] = seen
    assert re.fullmatch(r"\.token-cache\.bin-[^/]+\.tmp", temp)
    assert [p.name for p in cache_store.path.parent.iterdir()] == ["token-cache.bin"]


def test_a_failed_save_leaves_no_temp_file_and_says_it_stays_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_fsync(fd: int) -> None:
        raise OSError(5, "I/O error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    cache_store = store(tmp_path, MemoryKeyring())
    cache_store.load(msal.SerializableTokenCache())
    cache_store.save(filled_cache())
    assert list(cache_store.path.parent.iterdir()) == []
    assert cache_store.protection is CacheProtection.MEMORY
    assert cache_store.notices == [
        f"Your sign-in could not be saved to {cache_store.path} (OSError), so it is kept in "
        "memory only for this session."
    ]


def test_a_file_that_cannot_be_moved_aside_is_said_to_be_replaced_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On Windows another process may hold the file open, so the rename fails.
    def refuse(self: Path, target: Path) -> Path:
        raise PermissionError(13, "in use")

    cache_store = store(tmp_path, MemoryKeyring())
    cache_store.path.parent.mkdir(parents=True)
    cache_store.path.write_bytes(b"junk")
    monkeypatch.setattr(Path, "replace", refuse)
    cache_store.load(msal.SerializableTokenCache())
    assert cache_store.notices == [
        "The saved sign-in could not be used because it is not a tapdesk token cache; the file "
        "will be replaced at the next sign-in. Please sign in again."
    ]
