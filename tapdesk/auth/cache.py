"""The MSAL token cache on disk: Fernet-encrypted, its key in the OS keyring.

The envelope pattern (engineering notes §1.7): a random key in the keyring, the serialized
cache encrypted with it in ``<data_dir>/token-cache.bin``. Without a usable keyring the cache
stays in memory (one notice says so) unless the administrator's site file allows a plaintext
file. A file that cannot be read is moved aside, never fatal: the technician signs in again.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from enum import StrEnum
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from msal import SerializableTokenCache

from tapdesk.auth.keystore import KeyringUnavailable, KeyStore, tenant_tag
from tapdesk.core.clock import Clock
from tapdesk.runtime import private

CACHE_FILE = "token-cache.bin"  # before each tenant had its own: see cache_file_name
# A header names the format, so a plaintext file is never mistaken for an encrypted one.
_FERNET = b"tapdesk-token-cache/1 fernet\n"
_PLAIN = b"tapdesk-token-cache/1 plain\n"
# Windows refuses to replace a file another process holds (antivirus scanning the new cache,
# a backup agent): PermissionError, WinError 5 or 32. That passes in moments, so the rename
# is tried again for about a second before the session falls back to memory.
REPLACE_WAITS = (0.05, 0.1, 0.2, 0.3, 0.4)
_sleep = time.sleep

log = logging.getLogger(__name__)


def cache_file_name(tenant: str) -> str:
    """One tenant's cache file: ``token-cache.<tenant>.bin``."""
    return f"token-cache.{tenant_tag(tenant)}.bin"


class CacheProtection(StrEnum):
    KEYRING = "keyring"
    MEMORY = "memory"
    PLAINTEXT_BY_POLICY = "plaintext-by-policy"


# What makes a sign-in last: said by the window's notice, login, the commands and doctor.
KEYRING_FIX = (
    "install or unlock a keyring (the Secret Service, such as gnome-keyring, on Linux; "
    "Windows Credential Manager on Windows)"
)
NO_KEYRING_NOTICE = (
    "Secure storage (the system keyring) is not available, so your sign-in is kept in memory "
    f"only: you will need to sign in again next time tapdesk starts. To stay signed in, "
    f"{KEYRING_FIX}."
)
LOCKED_NOTICE = (
    "The system keyring is locked or access to it was refused, so your sign-in is kept in "
    "memory only for this session."
)
PLAINTEXT_NOTICE = (
    "Your administrator allows an unencrypted token cache and no system keyring is available: "
    "sign-in tokens are stored unprotected in {path}."
)


class CacheStore:
    """Loads and saves one ``SerializableTokenCache``; thread-safe."""

    def __init__(
        self, path: Path, keystore: KeyStore, *, allow_plaintext: bool, clock: Clock
    ) -> None:
        self.path = path
        self._keystore = keystore
        self._allow_plaintext = allow_plaintext
        self._clock = clock
        self._key: str | None = None
        self._lock = threading.Lock()
        self.protection = CacheProtection.MEMORY
        self.notices: list[str] = []

    # --- reading ---------------------------------------------------------------------------

    def load(self, cache: SerializableTokenCache) -> None:
        with self._lock:
            self.protection = self._choose_protection()
            blob = self._read()
            if blob is None:
                return
            if blob.startswith(_PLAIN):
                self._load_plain(cache, blob[len(_PLAIN) :])
            elif blob.startswith(_FERNET):
                self._load_encrypted(cache, blob[len(_FERNET) :])
            else:
                self._set_aside("it is not a tapdesk token cache")

    def _choose_protection(self) -> CacheProtection:
        if self._keystore.usable:
            return CacheProtection.KEYRING
        if self._allow_plaintext:
            self._notice(PLAINTEXT_NOTICE.format(path=self.path))
            return CacheProtection.PLAINTEXT_BY_POLICY
        self._notice(NO_KEYRING_NOTICE)
        return CacheProtection.MEMORY

    def _read(self) -> bytes | None:
        try:
            private.fix_mode(self.path)  # a cache written before tapdesk made its files private
            return self.path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:  # permissions, I/O: nothing to gain by moving it
            log.warning("token cache not read: %s", type(exc).__name__)
            self._notice(
                f"The saved sign-in in {self.path} could not be read ({type(exc).__name__}). "
                "Please sign in again."
            )
            return None

    def _load_plain(self, cache: SerializableTokenCache, payload: bytes) -> None:
        if not self._restore(cache, payload):
            return
        if self.protection is CacheProtection.KEYRING:
            # Left from a plaintext policy that no longer applies: re-encrypt it right away.
            cache.has_state_changed = True
            self._save_locked(cache)
        elif self.protection is CacheProtection.MEMORY:
            # Plaintext is no longer allowed and nothing can encrypt it: keep it in memory only.
            self.path.unlink(missing_ok=True)

    def _load_encrypted(self, cache: SerializableTokenCache, payload: bytes) -> None:
        if self.protection is not CacheProtection.KEYRING:
            return  # Its key is in a keyring this session cannot reach; leave the file be.
        try:
            key = self._keystore.get()
        except KeyringUnavailable as exc:
            self._keyring_failed(exc)
            return
        if key is None:
            self._set_aside("its key is missing from the keyring")
            return
        try:
            text = Fernet(key.encode()).decrypt(payload)
        except (InvalidToken, ValueError):
            self._set_aside("it could not be decrypted")
            return
        self._key = key
        self._restore(cache, text)

    def _restore(self, cache: SerializableTokenCache, text: bytes) -> bool:
        try:
            state = json.loads(text)
        except ValueError:
            state = None
        if not _looks_like_msal_cache(state):
            self._set_aside("its content is damaged")
            return False
        cache.deserialize(json.dumps(state))
        return True

    # --- writing ---------------------------------------------------------------------------

    def save(self, cache: SerializableTokenCache) -> None:
        """Persist the cache when MSAL changed it; failures fall back to memory, never raise."""
        with self._lock:
            self._save_locked(cache)

    def _save_locked(self, cache: SerializableTokenCache) -> None:
        if not cache.has_state_changed:
            return
        cache.has_state_changed = False
        if self.protection is CacheProtection.MEMORY:
            return
        text = cache.serialize().encode()
        if self.protection is CacheProtection.PLAINTEXT_BY_POLICY:
            self._write(_PLAIN + text)
            return
        try:
            key = self._key or self._create_key()
        except KeyringUnavailable as exc:
            self._keyring_failed(exc)
            return
        self._write(_FERNET + Fernet(key.encode()).encrypt(text))

    def _create_key(self) -> str:
        key = self._keystore.get()
        if key is None:
            key = Fernet.generate_key().decode()
            self._keystore.put(key)
        self._key = key
        return key

    def _write(self, data: bytes) -> None:
        try:
            _atomic_write(self.path, data)
        except OSError as exc:
            log.warning("token cache not saved: %s", type(exc).__name__)
            self.protection = CacheProtection.MEMORY
            self._notice(
                f"Your sign-in could not be saved to {self.path} ({type(exc).__name__}), so it "
                "is kept in memory only for this session."
            )

    # --- sign-out --------------------------------------------------------------------------

    def wipe(self) -> None:
        """Delete the key, then the file and anything set aside next to it.

        The key goes first: once it is gone an encrypted file that resists deletion is noise.
        Raises OSError when a file cannot be deleted.
        """
        with self._lock:
            self._key = None
            try:
                self._keystore.delete()
            except KeyringUnavailable as exc:
                log.info("token cache key not deleted: %s", exc)
            for path in self._leftovers():
                path.unlink(missing_ok=True)

    def _leftovers(self) -> list[Path]:
        folder = self.path.parent
        if not folder.is_dir():
            return []
        names = (f"{self.path.name}*", f".{self.path.name}-*.tmp")
        return [self.path, *(p for pattern in names for p in folder.glob(pattern))]

    # --- trouble ---------------------------------------------------------------------------

    def _keyring_failed(self, exc: KeyringUnavailable) -> None:
        log.info("token cache kept in memory: %s", exc)
        self.protection = CacheProtection.MEMORY
        self._notice(LOCKED_NOTICE if exc.locked else NO_KEYRING_NOTICE)

    def _set_aside(self, reason: str) -> None:
        stamp = self._clock.now().strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        serial = 1
        while target.exists():
            serial += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{serial}")
        try:
            self.path.replace(target)
            where = f"the file was moved aside to {target.name}"
        except OSError:
            where = "the file will be replaced at the next sign-in"
        log.warning("token cache set aside: %s", reason)
        self._notice(
            f"The saved sign-in could not be used because {reason}; {where}. Please sign in again."
        )

    def _notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)


def _looks_like_msal_cache(state: object) -> bool:
    """MSAL's shape: {"AccessToken": {key: {...}}, "RefreshToken": {...}, ...}."""
    return isinstance(state, dict) and all(
        isinstance(section, dict) and all(isinstance(item, dict) for item in section.values())
        for section in state.values()
    )


def _atomic_write(path: Path, data: bytes) -> None:
    """Write a sibling temp file (0600 from mkstemp), then rename it over the target."""
    private.private_dir(path.parent)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _replace_retrying(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _replace_retrying(tmp: Path, path: Path) -> None:
    for wait in REPLACE_WAITS:
        try:
            tmp.replace(path)
            return
        except PermissionError as exc:
            log.info("token cache held by another process, retrying: %s", type(exc).__name__)
            _sleep(wait)
    tmp.replace(path)  # the last try: its error is the one reported
