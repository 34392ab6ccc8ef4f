"""``demo_process`` (TAPDESK_DEMO_PROCESS, --demo-process): read like every setting, and
refused where no second process can be started."""

from __future__ import annotations

import sys

import pytest

from tapdesk.app.main import _flag_overrides, build_services
from tapdesk.cli.parser import build_parser
from tapdesk.config import Origin, Settings, load_settings
from tapdesk.demo import DemoTenant
from tapdesk.errors import ConfigError
from tapdesk.runtime.paths import AppPaths
from tests.helpers.keyring import MemoryKeyring


def flags(*argv: str) -> dict[str, object]:
    return _flag_overrides(build_parser().parse_args([*argv, "doctor"]))


def test_off_unless_asked(paths: AppPaths) -> None:
    assert load_settings(paths, {}, flags("--demo")).demo_process is False


def test_from_the_environment(paths: AppPaths) -> None:
    settings = load_settings(paths, {"TAPDESK_DEMO_PROCESS": "1"}, flags())
    assert settings.demo_process is True
    assert settings.origin("demo_process") == Origin("environment", "TAPDESK_DEMO_PROCESS")
    with pytest.raises(ConfigError, match="TAPDESK_DEMO_PROCESS"):
        load_settings(paths, {"TAPDESK_DEMO_PROCESS": "sometimes"}, flags())


def test_from_the_command_line(paths: AppPaths) -> None:
    settings = load_settings(paths, {"TAPDESK_DEMO_PROCESS": "0"}, flags("--demo-process"))
    assert settings.demo_process is True


def test_a_frozen_build_refuses_it_before_anything_starts(
    paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PyInstaller's tapdesk.exe has no ``python -m`` to start the server with."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    settings = load_settings(paths, {"TAPDESK_DEMO_PROCESS": "1"}, flags("--demo"))
    with pytest.raises(ConfigError, match=r"TAPDESK_DEMO_PROCESS.*packaged app") as refused:
        build_services(settings, paths, keyring_backend=MemoryKeyring())
    assert "Unset the environment variable TAPDESK_DEMO_PROCESS" in refused.value.hint


def test_a_tenant_in_memory_cannot_be_shared(paths: AppPaths) -> None:
    with pytest.raises(ValueError, match="in memory"):
        build_services(
            Settings(demo=True, demo_process=True),
            paths,
            demo_tenant=DemoTenant(),
            keyring_backend=MemoryKeyring(),
        )
