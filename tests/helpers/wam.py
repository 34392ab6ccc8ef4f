"""The Windows broker (WAM) off Windows: MSAL's broker calls replaced at the app boundary, and a
pymsalruntime that is installed but cannot load.

WAM exists only on Windows. :func:`install_wam` makes tapdesk choose the broker and replaces
MSAL's interactive and silent calls with a :class:`Wam` that records what it was asked and, unless
told otherwise, signs in for real with a device code against the demo tenant.
:class:`BrokenRuntime` is a ``pymsalruntime`` that ``find_spec`` finds but whose import fails, so
real MSAL meets it; :func:`pretend_windows` makes MSAL look for it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Callable, Sequence
from typing import Any

import msal
import pytest

from tapdesk.auth import authenticator as authenticator_module
from tapdesk.demo import DemoTenant


class Wam:
    """Stands in for MSAL's broker calls: records what acquire_token_interactive receives."""

    def __init__(self, tenant: DemoTenant) -> None:
        self.tenant = tenant
        self.requests: list[dict[str, Any]] = []
        self.answers: list[Callable[[], dict[str, Any]] | BaseException] = []
        self.silent: dict[str, Any] | None = None  # what the silent call answers, if set

    def interactive(
        self, app: msal.PublicClientApplication, scopes: list[str], **options: Any
    ) -> dict[str, Any]:
        self.requests.append({"prompt": options["prompt"], "login_hint": options["login_hint"]})
        if self.answers:
            answer = self.answers.pop(0)
            if isinstance(answer, BaseException):
                raise answer
            return answer()
        flow = app.initiate_device_flow(scopes=scopes)
        self.tenant.approve_device_code(flow["user_code"])
        result: dict[str, Any] = app.acquire_token_by_device_flow(flow)
        return result


def install_wam(tenant: DemoTenant, monkeypatch: pytest.MonkeyPatch) -> Wam:
    """Every Authenticator built from now on uses the broker, answered by the returned Wam."""
    fake = Wam(tenant)
    real_silent = msal.PublicClientApplication.acquire_token_silent_with_error

    def silent(app: msal.PublicClientApplication, *args: Any, **kwargs: Any) -> Any:
        return fake.silent if fake.silent is not None else real_silent(app, *args, **kwargs)

    def interactive(app: msal.PublicClientApplication, *args: Any, **kwargs: Any) -> Any:
        return fake.interactive(app, *args, **kwargs)

    monkeypatch.setattr(authenticator_module, "use_broker", lambda settings: True)
    monkeypatch.setattr(msal.PublicClientApplication, "acquire_token_interactive", interactive)
    monkeypatch.setattr(msal.PublicClientApplication, "acquire_token_silent_with_error", silent)
    return fake


class BrokenRuntime(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """pymsalruntime is installed (find_spec finds it) but its DLL fails to load."""

    def __init__(self, error: BaseException) -> None:
        self.error = error
        self.loads = 0

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name != "pymsalruntime":
            return None
        return importlib.machinery.ModuleSpec(name, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        self.loads += 1
        raise self.error


def pretend_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """sys.platform is win32, and MSAL imports its broker module (and so pymsalruntime) afresh
    when it next builds a broker app."""
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.delitem(sys.modules, "msal.broker", raising=False)
    monkeypatch.delitem(sys.modules, "pymsalruntime", raising=False)


def break_runtime(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> BrokenRuntime:
    """From now on pymsalruntime is found but fails its import with ``error``."""
    runtime = BrokenRuntime(error)
    monkeypatch.setattr(sys, "meta_path", [runtime, *sys.meta_path])
    return runtime
