"""Issue 19: tapdesk started "as administrator" on Windows is refused, with the reason and the fix.

Windows is reproduced off Windows: sys.platform says win32 and ctypes.windll is a stand-in whose
shell32.IsUserAnAdmin answers as Windows would.
"""

from __future__ import annotations

import ctypes
import io
import sys
from types import SimpleNamespace

import pytest

from tapdesk.app.main import main
from tapdesk.demo import DemoTenant
from tapdesk.runtime.elevation import REFUSAL, elevation_refusal
from tapdesk.runtime.paths import AppPaths


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
    assert elevation_refusal() == (
        "tapdesk is running as administrator. Running elevated breaks the Windows sign-in "
        "broker, and the audit trail must name the technician who issues each pass, not an "
        "administrator account."
    )


def test_an_elevated_start_stops_before_anything_with_the_reason_and_the_fix(
    monkeypatch: pytest.MonkeyPatch, paths: AppPaths
) -> None:
    """The command says why and how on stderr, exits 2 and never reaches the tenant."""
    _windows(monkeypatch, 1)
    tenant = DemoTenant()
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["--demo", "status", "ava.newhire@northwind.example"],
        env={},
        paths=paths,
        demo_tenant=tenant,
        stdout=out,
        stderr=err,
    )
    assert (code, out.getvalue()) == (2, "")
    assert err.getvalue() == (
        f"tapdesk: Start tapdesk as yourself: {REFUSAL} Close it and start it as yourself: from "
        "the Start menu or a normal "
        "(not 'Run as administrator') console. Installing tapdesk needs administrator rights; "
        "running it does not.\n"
    )
    assert tenant.requests == []


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
