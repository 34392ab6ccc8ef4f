"""Issue 19: tapdesk started "as administrator" on Windows is refused, with the reason and the fix.

Windows is reproduced off Windows: sys.platform says win32 and the token's elevation type is
what Windows answers (TOKEN_ELEVATION_TYPE: 1 Default, 2 Full, 3 Limited), or a failure.
"""

from __future__ import annotations

import io
import sys

import pytest

from tapdesk.app.main import main
from tapdesk.demo import DemoTenant
from tapdesk.runtime import elevation
from tapdesk.runtime.elevation import REFUSAL, elevation_refusal
from tapdesk.runtime.paths import AppPaths

FULL, DEFAULT, LIMITED = 2, 1, 3


def _windows(monkeypatch: pytest.MonkeyPatch, answer: int | None) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(elevation, "token_elevation_type", lambda: answer)


def test_elevated_windows_process_is_told_to_start_as_the_technician(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _windows(monkeypatch, FULL)
    assert elevation_refusal() == (
        "tapdesk is running as administrator. Running elevated breaks the Windows sign-in "
        "broker, and the audit trail must name the technician who issues each pass, not an "
        "administrator account."
    )


def test_an_elevated_start_stops_before_anything_with_the_reason_and_the_fix(
    monkeypatch: pytest.MonkeyPatch, paths: AppPaths
) -> None:
    """The command says why and how on stderr, exits 2 and never reaches the tenant."""
    _windows(monkeypatch, FULL)
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


@pytest.mark.parametrize(
    "answer",
    [
        LIMITED,  # an administrator's normal start, UAC on
        DEFAULT,  # a standard user; or an administrator without UAC, who has no other way
        None,  # Windows did not answer: never refuse on a guess
    ],
)
def test_only_an_elevated_token_is_refused(
    monkeypatch: pytest.MonkeyPatch, answer: int | None
) -> None:
    _windows(monkeypatch, answer)
    assert elevation_refusal() is None


def test_off_windows_the_token_is_never_asked() -> None:
    def asked() -> int:
        raise AssertionError("asked")

    assert elevation_refusal(platform="linux", elevation_type=asked) is None


@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_other_systems_are_never_refused(monkeypatch: pytest.MonkeyPatch, platform: str) -> None:
    _windows(monkeypatch, FULL)  # even with an "elevated" answer available
    monkeypatch.setattr(sys, "platform", platform)
    assert elevation_refusal() is None


@pytest.mark.skipif(sys.platform == "win32", reason="Windows answers for real there")
def test_without_windows_apis_the_token_has_no_answer() -> None:
    assert elevation.token_elevation_type() is None
