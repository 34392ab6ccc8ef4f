"""The one small secret tapdesk keeps in the OS keyring: the key of the token-cache file.

Only the key goes to the keyring, never the cache: Windows Credential Manager holds about
1,280 characters per secret, and a token cache is several kilobytes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TypeVar

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.errors import KeyringError, KeyringLocked, PasswordDeleteError

SERVICE = "tapdesk"
KEY_NAME = "token-cache-key"  # before each tenant had its own: see key_name

log = logging.getLogger(__name__)
_T = TypeVar("_T")


def key_name(tenant: str) -> str:
    """The keyring entry of one tenant's cache key."""
    return f"{KEY_NAME}.{tenant_tag(tenant)}"


def tenant_tag(tenant: str) -> str:
    """A tenant id or domain as a name part: lower case, letters, digits, dots and dashes."""
    tag = "".join(c if c.isascii() and (c.isalnum() or c in ".-") else "_" for c in tenant.lower())
    return tag or "none"


class KeyringUnavailable(Exception):
    """The keyring cannot be used now: no backend, locked, or the user refused to unlock it."""

    def __init__(self, reason: str, *, locked: bool = False) -> None:
        super().__init__(reason)
        self.locked = locked


def is_plaintext(backend: KeyringBackend) -> bool:
    """keyrings.alt's file backends keep secrets readable on disk."""
    kind = type(backend)
    return kind.__module__.startswith("keyrings.alt") and "Plaintext" in kind.__qualname__


def backend_usable(backend: KeyringBackend, *, chosen: bool = True) -> bool:
    """False for keyring's "no backend" stand-ins (fail, null, anything of priority <= 0), and
    for a plaintext file backend that keyring picked by itself (``chosen=False``): a key kept
    readable on disk protects nothing, unless someone chose that backend on purpose."""
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    if not chosen and is_plaintext(backend):
        return False
    try:
        return float(backend.priority) > 0
    except Exception:  # a backend's priority probe may raise anything
        return False


class KeyStore:
    """Get, create and delete the cache key; every failure becomes :class:`KeyringUnavailable`."""

    def __init__(self, backend: KeyringBackend | None = None, *, name: str = KEY_NAME) -> None:
        self._backend = backend
        self.key_name = name
        # Passed in, or named by PYTHON_KEYRING_BACKEND: a deliberate choice we honour.
        self._chosen = backend is not None or bool(os.environ.get("PYTHON_KEYRING_BACKEND"))

    @property
    def backend(self) -> KeyringBackend:
        # Resolved on first use: choosing a backend may probe D-Bus, which is no work for import
        # time or the GUI thread. keyring.get_keyring() honours PYTHON_KEYRING_BACKEND.
        if self._backend is None:
            self._backend = keyring.get_keyring()
        return self._backend

    @property
    def name(self) -> str:
        kind = type(self.backend)
        return f"{kind.__module__}.{kind.__qualname__}"

    @property
    def usable(self) -> bool:
        return backend_usable(self.backend, chosen=self._chosen)

    def get(self) -> str | None:
        return self._call("read", lambda: self.backend.get_password(SERVICE, self.key_name))

    def put(self, value: str) -> None:
        self._call("write", lambda: self.backend.set_password(SERVICE, self.key_name, value))

    def delete(self) -> None:
        try:
            self._call("delete", lambda: self.backend.delete_password(SERVICE, self.key_name))
        except KeyringUnavailable as exc:
            if not isinstance(exc.__cause__, PasswordDeleteError):
                raise
            # Nothing stored under our name: already gone is what we wanted.

    def _call(self, action: str, call: Callable[[], _T]) -> _T:
        try:
            return call()
        except KeyringLocked as exc:
            raise KeyringUnavailable(f"keyring locked ({action})", locked=True) from exc
        except KeyringError as exc:
            raise KeyringUnavailable(f"keyring {action} failed: {type(exc).__name__}") from exc
        except Exception as exc:  # D-Bus, ctypes and OS errors from odd backends
            log.debug("keyring %s raised %s", action, type(exc).__name__)
            raise KeyringUnavailable(f"keyring {action} failed: {type(exc).__name__}") from exc
