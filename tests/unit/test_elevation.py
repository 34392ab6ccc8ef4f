"""Issue 19: tapdesk started "as administrator" on Windows is refused, with the reason and the fix.

Windows is reproduced off Windows: sys.platform says win32 and ctypes.windll is a stand-in whose
shell32.IsUserAnAdmin answers as Windows would.
"""

from __future__ import annotations

import ctypes
import sys
from types import SimpleNamespace

import pytest

from tapdesk.runtime.elevation import elevation_refusal


def _windows(monkeypatch: pytest.MonkeyPatch, admin: int | Exception) -> None:
    def is_user_an_admin() -> int:
        if isinstance(admin, Exception):
            raise admin
        return admin

    monkeypatch.setattr(sys, "platform", "win32")
    fake = SimpleNamespace(shell32=SimpleNamespace(IsUserAnAdmin=is_user_an_admin))
    monkeypatch.setattr(ctypes, "windll", fake, raising=False)


def test_elevated_windows_process_is_told_to_start_as_the_technician(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _windows(monkeypatch, 1)
    text = elevation_refusal()
    assert text is not None
    assert text.startswith("tapdesk is running as administrator. Close it and start it as yourself")
    assert "sign-in broker" in text  # why: WAM fails elevated
    assert "audit" in text and "technician" in text  # why: the audit must name the person


def test_standard_user_on_windows_is_not_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _windows(monkeypatch, 0)
    assert elevation_refusal() is None


def test_an_unanswerable_check_never_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    """A shell32 without the export (or a failing call) must not lock a technician out."""
    _windows(monkeypatch, OSError("no shell32"))
    assert elevation_refusal() is None


@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_other_systems_are_never_refused(monkeypatch: pytest.MonkeyPatch, platform: str) -> None:
    _windows(monkeypatch, 1)  # even with an "admin" answer available
    monkeypatch.setattr(sys, "platform", platform)
    assert elevation_refusal() is None
