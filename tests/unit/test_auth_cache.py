"""The token cache on disk: encrypted with a key in the keyring, memory-only without one."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import msal
import pytest
from cryptography.fernet import Fernet, InvalidToken
from keyring.backends import fail, null

from tapdesk.auth.cache import (
    LOCKED_NOTICE,
    NO_KEYRING_NOTICE,
    CacheProtection,
    CacheStore,
)
from tapdesk.auth.keystore import KEY_NAME, SERVICE, KeyStore, backend_usable
from tests.helpers.clock import FakeClock
from tests.helpers.keyring import LockedKeyring, MemoryKeyring

ACCESS_TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJhY2Nlc3MiOiJ0b2tlbi1zZWNyZXQtQVQifQ.c2ln-AT-SECRET"
REFRESH_TOKEN = "0.AAAA-refresh-token-SECRET-RT-0123456789"
ENDPOINT = "https://login.example.test/tenant-id/oauth2/v2.0/token"


def b64(obj: dict[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def filled_cache() -> msal.SerializableTokenCache:
    """A cache holding one account, as MSAL leaves it after a sign-in."""
    cache = msal.SerializableTokenCache()
    id_token = f"{b64({'alg': 'none'})}.{b64({'oid': 'u1', 'tid': 't1', 'sub': 's'})}."
    cache.add(
        {
            "client_id": "client-id",
            "scope": ["https://graph.microsoft.com/User.Read.All"],
            "token_endpoint": ENDPOINT,
            "response": {
                "access_token": ACCESS_TOKEN,
                "refresh_token": REFRESH_TOKEN,
                "id_token": id_token,
                "client_info": b64({"uid": "u1", "utid": "t1"}),
                "token_type": "Bearer",
                "expires_in": 3600,
            },
        }
    )
    return cache


def store(tmp_path: Path, backend: object, *, allow_plaintext: bool = False) -> CacheStore:
    return CacheStore(
        tmp_path / "data" / "token-cache.bin",
        KeyStore(backend),  # type: ignore[arg-type]
        allow_plaintext=allow_plaintext,
        clock=FakeClock(),
    )


def refresh_tokens(cache: msal.SerializableTokenCache) -> list[str]:
    found = cache.search(msal.TokenCache.CredentialType.REFRESH_TOKEN)
    return [entry["secret"] for entry in found]


def assert_no_token_in(data: bytes) -> None:
    for secret in (ACCESS_TOKEN, REFRESH_TOKEN, "SECRET", "refresh-token"):
        assert secret.encode() not in data


# --- with a keyring -------------------------------------------------------------------------


def test_round_trip_through_an_encrypted_file(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    writer = store(tmp_path, keyring)
    writer.load(msal.SerializableTokenCache())
    writer.save(filled_cache())

    data = writer.path.read_bytes()
    assert data.startswith(b"tapdesk-token-cache/1 fernet\n")
    assert_no_token_in(data)
    key = keyring.secrets[(SERVICE, KEY_NAME)]
    assert len(key) == 44  # a Fernet key: far below Windows' 1,280-character limit

    restored = msal.SerializableTokenCache()
    reader = store(tmp_path, keyring)
    reader.load(restored)
    assert reader.protection is CacheProtection.KEYRING
    assert refresh_tokens(restored) == [REFRESH_TOKEN]
    assert reader.notices == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_file_is_owner_only_and_written_atomically(tmp_path: Path) -> None:
    cache_store = store(tmp_path, MemoryKeyring())
    cache_store.load(msal.SerializableTokenCache())
    cache_store.save(filled_cache())
    assert stat.S_IMODE(cache_store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache_store.path.parent.stat().st_mode) == 0o700
    assert [p.name for p in cache_store.path.parent.iterdir()] == ["token-cache.bin"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o755, 0o750, 0o770, 0o705, 0o707], ids=oct)
def test_a_data_folder_open_to_group_or_world_is_made_owner_only(tmp_path: Path, mode: int) -> None:
    """Group bits alone (0750, 0770) and world bits alone (0705, 0707) are each loose: the
    folder the cache is saved in is made 0700 (runtime/private.py) whichever it is."""
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(mode)
    cache_store = store(tmp_path, MemoryKeyring())
    cache_store.load(msal.SerializableTokenCache())
    cache_store.save(filled_cache())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert cache_store.path.exists()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o660, 0o604, 0o606], ids=oct)
def test_a_cache_file_open_to_group_or_world_is_made_owner_only_when_read(
    tmp_path: Path, mode: int
) -> None:
    """A cache file from before tapdesk made its files private is fixed by the next start."""
    keyring = MemoryKeyring()
    path = encrypted_file(tmp_path, keyring)
    path.chmod(mode)
    restored = msal.SerializableTokenCache()
    store(tmp_path, keyring).load(restored)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert refresh_tokens(restored) == [REFRESH_TOKEN]


def test_unchanged_cache_is_not_written(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    cache_store = store(tmp_path, keyring)
    cache = msal.SerializableTokenCache()
    cache_store.load(cache)
    cache_store.save(cache)
    assert not cache_store.path.exists()
    assert keyring.secrets == {}


def test_key_is_reused_not_replaced(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    cache_store = store(tmp_path, keyring)
    cache_store.load(msal.SerializableTokenCache())
    cache = filled_cache()
    cache_store.save(cache)
    key = keyring.secrets[(SERVICE, KEY_NAME)]
    cache.has_state_changed = True
    cache_store.save(cache)
    assert keyring.secrets[(SERVICE, KEY_NAME)] == key
    assert [c[0] for c in keyring.calls].count("set") == 1


# --- without a usable keyring ----------------------------------------------------------------


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()], ids=["fail", "null"])
def test_no_backend_keeps_tokens_in_memory_with_one_notice(tmp_path: Path, backend: object) -> None:
    cache_store = store(tmp_path, backend)
    cache = filled_cache()
    cache_store.load(msal.SerializableTokenCache())
    cache_store.save(cache)
    cache.has_state_changed = True
    cache_store.save(cache)
    cache_store.load(msal.SerializableTokenCache())
    assert cache_store.protection is CacheProtection.MEMORY
    assert cache_store.notices == [NO_KEYRING_NOTICE]
    assert not cache_store.path.parent.exists()


def test_backend_usability() -> None:
    assert backend_usable(MemoryKeyring())
    assert not backend_usable(fail.Keyring())
    assert not backend_usable(null.Keyring())


def test_locked_keyring_at_save_keeps_tokens_in_memory(tmp_path: Path) -> None:
    cache_store = store(tmp_path, LockedKeyring())
    cache_store.load(msal.SerializableTokenCache())
    cache_store.save(filled_cache())
    assert cache_store.protection is CacheProtection.MEMORY
    assert cache_store.notices == [LOCKED_NOTICE]
    assert not cache_store.path.exists()


def test_locked_keyring_at_load_leaves_the_file_for_later(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    writer = store(tmp_path, keyring)
    writer.load(msal.SerializableTokenCache())
    writer.save(filled_cache())
    before = writer.path.read_bytes()

    reader = store(tmp_path, LockedKeyring())
    restored = msal.SerializableTokenCache()
    reader.load(restored)
    assert reader.protection is CacheProtection.MEMORY
    assert reader.notices == [LOCKED_NOTICE]
    assert refresh_tokens(restored) == []
    assert reader.path.read_bytes() == before  # intact for a session that can unlock


# --- damaged files --------------------------------------------------------------------------


def encrypted_file(tmp_path: Path, keyring: MemoryKeyring) -> Path:
    writer = store(tmp_path, keyring)
    writer.load(msal.SerializableTokenCache())
    writer.save(filled_cache())
    return writer.path


def assert_set_aside(cache_store: CacheStore, cache: msal.SerializableTokenCache) -> None:
    assert not cache_store.path.exists()
    aside = list(cache_store.path.parent.glob("token-cache.bin.corrupt-*"))
    assert [p.name for p in aside] == ["token-cache.bin.corrupt-20300106T080000Z"]
    assert refresh_tokens(cache) == []
    [notice] = cache_store.notices
    assert "moved aside to token-cache.bin.corrupt-20300106T080000Z" in notice
    assert "sign in again" in notice


def test_garbage_file_is_set_aside(tmp_path: Path) -> None:
    cache_store = store(tmp_path, MemoryKeyring())
    cache_store.path.parent.mkdir(parents=True)
    cache_store.path.write_bytes(b"\x00\xffnot a cache")
    cache = msal.SerializableTokenCache()
    cache_store.load(cache)
    assert_set_aside(cache_store, cache)
    assert cache_store.protection is CacheProtection.KEYRING


def test_file_encrypted_with_another_key_is_set_aside(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    encrypted_file(tmp_path, keyring)
    keyring.secrets[(SERVICE, KEY_NAME)] = Fernet.generate_key().decode()
    cache_store = store(tmp_path, keyring)
    cache = msal.SerializableTokenCache()
    cache_store.load(cache)
    assert_set_aside(cache_store, cache)


def test_file_whose_key_is_gone_is_set_aside(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    encrypted_file(tmp_path, keyring)
    keyring.secrets.clear()
    cache_store = store(tmp_path, keyring)
    cache = msal.SerializableTokenCache()
    cache_store.load(cache)
    assert_set_aside(cache_store, cache)


def test_damaged_json_inside_the_envelope_is_set_aside(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    key = Fernet.generate_key()
    keyring.secrets[(SERVICE, KEY_NAME)] = key.decode()
    cache_store = store(tmp_path, keyring)
    cache_store.path.parent.mkdir(parents=True)
    payload = Fernet(key).encrypt(b'{"AccessToken": ["not", "a", "map"]}')
    cache_store.path.write_bytes(b"tapdesk-token-cache/1 fernet\n" + payload)
    cache = msal.SerializableTokenCache()
    cache_store.load(cache)
    assert_set_aside(cache_store, cache)


def test_second_set_aside_in_the_same_second_keeps_both(tmp_path: Path) -> None:
    cache_store = store(tmp_path, MemoryKeyring())
    cache_store.path.parent.mkdir(parents=True)
    for _ in range(2):
        cache_store.path.write_bytes(b"junk")
        cache_store.load(msal.SerializableTokenCache())
    names = sorted(p.name for p in cache_store.path.parent.glob("*.corrupt-*"))
    assert names == [
        "token-cache.bin.corrupt-20300106T080000Z",
        "token-cache.bin.corrupt-20300106T080000Z-2",
    ]


def test_unwritable_location_falls_back_to_memory(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the folder should be")
    cache_store = store(tmp_path, MemoryKeyring())
    cache_store.load(msal.SerializableTokenCache())
    cache_store.save(filled_cache())
    assert cache_store.protection is CacheProtection.MEMORY
    [notice] = cache_store.notices
    assert "could not be saved" in notice


# --- plaintext by policy --------------------------------------------------------------------


def test_plaintext_only_with_the_administrator_setting(tmp_path: Path) -> None:
    cache_store = store(tmp_path, fail.Keyring(), allow_plaintext=True)
    cache_store.load(msal.SerializableTokenCache())
    cache_store.save(filled_cache())
    assert cache_store.protection is CacheProtection.PLAINTEXT_BY_POLICY
    assert cache_store.path.read_bytes().startswith(b"tapdesk-token-cache/1 plain\n")
    [notice] = cache_store.notices
    assert str(cache_store.path) in notice

    restored = msal.SerializableTokenCache()
    store(tmp_path, fail.Keyring(), allow_plaintext=True).load(restored)
    assert refresh_tokens(restored) == [REFRESH_TOKEN]


def test_setting_is_not_used_when_a_keyring_works(tmp_path: Path) -> None:
    cache_store = store(tmp_path, MemoryKeyring(), allow_plaintext=True)
    cache_store.load(msal.SerializableTokenCache())
    cache_store.save(filled_cache())
    assert cache_store.protection is CacheProtection.KEYRING
    assert_no_token_in(cache_store.path.read_bytes())


def test_plaintext_file_is_encrypted_once_a_keyring_is_back(tmp_path: Path) -> None:
    plain = store(tmp_path, fail.Keyring(), allow_plaintext=True)
    plain.load(msal.SerializableTokenCache())
    plain.save(filled_cache())

    restored = msal.SerializableTokenCache()
    cache_store = store(tmp_path, MemoryKeyring())
    cache_store.load(restored)
    assert refresh_tokens(restored) == [REFRESH_TOKEN]
    assert_no_token_in(cache_store.path.read_bytes())


def test_plaintext_file_is_removed_when_policy_is_withdrawn(tmp_path: Path) -> None:
    plain = store(tmp_path, fail.Keyring(), allow_plaintext=True)
    plain.load(msal.SerializableTokenCache())
    plain.save(filled_cache())

    restored = msal.SerializableTokenCache()
    cache_store = store(tmp_path, fail.Keyring())
    cache_store.load(restored)
    assert refresh_tokens(restored) == [REFRESH_TOKEN]  # this session still works
    assert not cache_store.path.exists()


# --- wipe -----------------------------------------------------------------------------------


def test_wipe_removes_file_leftovers_and_key(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    path = encrypted_file(tmp_path, keyring)
    (path.parent / "token-cache.bin.corrupt-20300101T000000Z").write_bytes(b"old")
    (path.parent / ".token-cache.bin-abc.tmp").write_bytes(b"half")
    (path.parent / "unrelated.db").write_bytes(b"keep me")
    # Another tenant's cache and its half-written save are not this sign-out's to delete.
    others = ["token-cache.other.bin", ".token-cache.other.bin-xyz.tmp"]
    for name in others:
        (path.parent / name).write_bytes(b"theirs")
    cache_store = store(tmp_path, keyring)
    cache_store.wipe()
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([*others, "unrelated.db"])
    assert keyring.secrets == {}


def test_wipe_twice_and_without_keyring_is_fine(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    path = encrypted_file(tmp_path, keyring)
    cache_store = store(tmp_path, keyring)
    cache_store.wipe()
    cache_store.wipe()  # nothing left to delete: no error
    assert not path.exists() and keyring.secrets == {}
    for backend in (LockedKeyring(), fail.Keyring()):
        path = encrypted_file(tmp_path, keyring)
        store(tmp_path, backend).wipe()  # the key cannot be deleted: the file still goes
        assert not path.exists(), type(backend).__name__


def test_after_wipe_a_new_sign_in_is_saved_under_a_new_key(tmp_path: Path) -> None:
    """Sign-out drops the key from memory as well as from the keyring: signing in again in the
    same session makes a new key and stores it, so the next start can read the cache."""
    keyring = MemoryKeyring()
    cache_store = store(tmp_path, keyring)
    cache_store.load(msal.SerializableTokenCache())
    cache_store.save(filled_cache())
    old_key = keyring.secrets[(SERVICE, KEY_NAME)]
    cache_store.wipe()
    cache_store.save(filled_cache())  # signed in again without restarting
    new_key = keyring.secrets.get((SERVICE, KEY_NAME))
    assert new_key is not None and new_key != old_key
    payload = cache_store.path.read_bytes().split(b"\n", 1)[1]
    with pytest.raises(InvalidToken):
        Fernet(old_key.encode()).decrypt(payload)  # the destroyed key opens nothing new
    restored = msal.SerializableTokenCache()
    reader = store(tmp_path, keyring)
    reader.load(restored)
    assert refresh_tokens(restored) == [REFRESH_TOKEN] and reader.notices == []


def test_a_plaintext_backend_keyring_picked_by_itself_is_not_trusted(monkeypatch) -> None:
    from keyrings.alt.file import PlaintextKeyring

    from tapdesk.auth.keystore import KeyStore, backend_usable

    assert backend_usable(PlaintextKeyring(), chosen=True)
    assert not backend_usable(PlaintextKeyring(), chosen=False)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setattr("keyring.get_keyring", PlaintextKeyring)
    assert KeyStore().usable is False
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    assert KeyStore().usable is True
