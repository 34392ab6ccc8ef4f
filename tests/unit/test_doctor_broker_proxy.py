"""``tapdesk doctor``'s broker and proxy lines, with Windows reproduced off Windows.

The broker line imports a stand-in ``pymsalruntime`` (one that loads, one whose DLL fails, one
that is not installed) under a monkeypatched ``sys.platform``; the proxy line reads what
``urllib.request.getproxies`` returns, which on Windows is the registry when the environment
names no proxy.
"""

from __future__ import annotations

import argparse
import io
import sys
import types
from pathlib import Path

import pytest

from tapdesk.app.services import Services
from tapdesk.cli import doctor
from tapdesk.config import Settings
from tapdesk.runtime.paths import AppPaths
from tests.helpers.clock import FakeClock

PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


def doctor_lines(tmp_path: Path, **settings: object) -> dict[str, str]:
    """What ``tapdesk doctor`` prints, by check name: "<status> <detail>"."""
    services = Services(
        settings=Settings(**settings),  # type: ignore[arg-type]
        paths=AppPaths.default({"TAPDESK_HOME": str(tmp_path / "home")}),
        graph=None,  # type: ignore[arg-type]  # no http client: nothing is reached
        auth=None,
        clock=FakeClock(),
    )
    out = io.StringIO()
    doctor.cmd_doctor(services, argparse.Namespace(json=False), out, io.StringIO())
    lines: dict[str, str] = {}
    for line in out.getvalue().splitlines()[:-1]:
        status, name, detail = line.split(maxsplit=2)
        lines[name] = f"{status} {detail}"
    return lines


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def runtime(monkeypatch: pytest.MonkeyPatch, module: types.ModuleType | None) -> None:
    """A stand-in pymsalruntime: a module that loads, or None for one that is not installed."""
    monkeypatch.setitem(sys.modules, "pymsalruntime", module)  # type: ignore[arg-type]


# --- the broker line --------------------------------------------------------------------------


def test_on_windows_with_the_runtime_the_broker_line_says_wam_is_available(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    runtime(monkeypatch, types.ModuleType("pymsalruntime"))
    assert doctor_lines(tmp_path, broker=True)["broker"] == "ok WAM available"


def test_on_windows_without_the_runtime_the_broker_line_says_browser_and_reinstall(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    runtime(monkeypatch, None)  # import pymsalruntime raises ModuleNotFoundError
    assert doctor_lines(tmp_path, broker=True)["broker"] == (
        "warn configured but cannot load (ModuleNotFoundError) — browser sign-in is used; "
        "reinstall tapdesk"
    )


@pytest.mark.parametrize(
    "error",
    [
        ImportError("DLL load failed while importing PyMsalRuntime"),  # antivirus quarantine
        OSError("[WinError 126] The specified module could not be found"),  # a native loader
    ],
)
def test_a_runtime_that_is_installed_but_cannot_load_is_named_by_its_error_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.delitem(sys.modules, "pymsalruntime", raising=False)
    finder = _FailingFinder(error)
    monkeypatch.setattr(sys, "meta_path", [finder, *sys.meta_path])
    assert doctor_lines(tmp_path, broker=True)["broker"] == (
        f"warn configured but cannot load ({type(error).__name__}) — browser sign-in is used; "
        "reinstall tapdesk"
    )
    assert finder.asked


class _FailingFinder:
    """Finds pymsalruntime and fails to load it, as a missing or quarantined DLL does."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.asked = False

    def find_spec(self, name: str, path: object, target: object = None) -> object:
        if name != "pymsalruntime":
            return None
        self.asked = True
        raise self.error


def test_on_windows_with_the_setting_off_the_broker_line_says_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    runtime(monkeypatch, types.ModuleType("pymsalruntime"))
    assert doctor_lines(tmp_path, broker=False)["broker"] == "ok off"


@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_elsewhere_the_broker_line_says_it_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str
) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    runtime(monkeypatch, types.ModuleType("pymsalruntime"))
    assert doctor_lines(tmp_path, broker=True)["broker"] == "ok not used on this platform"


# --- the proxy line ---------------------------------------------------------------------------


def test_the_proxy_line_shows_the_windows_registry_proxy_httpx_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What urllib.request.getproxies() answers on Windows when the environment names none:
    # getproxies_registry() reads Internet Settings' ProxyServer and ProxyOverride.
    registry = {
        "http": "http://proxy.contoso.com:8080",
        "https": "https://tess:s3cret@proxy.contoso.com:8443",
        "no": "localhost,.contoso.com",
    }
    monkeypatch.setattr(doctor, "getproxies", lambda: registry)
    assert doctor_lines(tmp_path)["proxy"] == (
        "ok https=https://***@proxy.contoso.com:8443; http=http://proxy.contoso.com:8080; "
        "no=localhost,.contoso.com (from the system settings)"
    )


def test_the_proxy_line_shows_environment_proxies_with_credentials_masked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "tess:s3cret@proxy.contoso.com:3128")  # no scheme
    monkeypatch.setenv("ALL_PROXY", "socks5://proxy.contoso.com:1080")
    monkeypatch.setenv("TRAVIS_APT_PROXY", "http://apt:9")  # not a proxy httpx reads
    line = doctor_lines(tmp_path)["proxy"]
    assert line == (
        "ok https=http://***@proxy.contoso.com:3128; all=socks5://proxy.contoso.com:1080 "
        "(from the environment)"
    )
    assert "s3cret" not in line


def test_without_any_proxy_the_line_says_direct(tmp_path: Path) -> None:
    assert doctor_lines(tmp_path)["proxy"] == "ok none configured (direct connection)"
