"""Keyring backends for tests: in memory, locked, and one that is not there at all."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """A working keyring in a dict; ``calls`` records (operation, service, username)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}
        self.calls: list[tuple[str, str, str]] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.calls.append(("get", service, username))
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls.append(("set", service, username))
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.calls.append(("delete", service, username))
        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class LockedKeyring(MemoryKeyring):
    """A keyring the user refuses to unlock: every call raises KeyringLocked."""

    def get_password(self, service: str, username: str) -> str | None:
        self.calls.append(("get", service, username))
        raise KeyringLocked("Failed to unlock the keyring")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls.append(("set", service, username))
        raise KeyringLocked("Failed to unlock the keyring")

    def delete_password(self, service: str, username: str) -> None:
        self.calls.append(("delete", service, username))
        raise KeyringLocked("Failed to unlock the keyring")
