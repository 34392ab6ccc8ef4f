from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from tapdesk.app.services import Backend, Services
from tapdesk.config import Settings
from tapdesk.runtime.paths import AppPaths
from tests.helpers.clock import FakeClock


class Graph:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


def _services(tmp_path: Path) -> Services:
    paths = AppPaths.default({"TAPDESK_HOME": str(tmp_path)})
    return Services(Settings(demo=True), paths, Graph(), None, FakeClock())  # type: ignore[arg-type]


def test_services_are_built_once_on_first_use_from_any_thread(tmp_path: Path) -> None:
    builds: list[int] = []
    built = _services(tmp_path)

    def build() -> Services:
        builds.append(1)
        return built

    backend = Backend(built.settings, built.paths, built.clock, build)
    assert builds == [] and not backend.ready
    assert backend.demo and backend.signs_in  # known before anything is built
    found: list[Services] = []
    threads = [threading.Thread(target=lambda: found.append(backend.services())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert found == [built] * 8 and builds == [1] and backend.ready
    backend.close()
    assert built.graph.closed  # type: ignore[attr-defined]


def test_a_build_error_reaches_every_caller_and_close_never_builds(tmp_path: Path) -> None:
    def broken() -> Services:
        raise RuntimeError("no keyring")

    paths = AppPaths.default({"TAPDESK_HOME": str(tmp_path)})
    backend = Backend(Settings(access_token="t"), paths, FakeClock(), broken)
    backend.close()  # nothing built: nothing to close, and no build forced
    assert not backend.ready and not backend.signs_in
    for _ in range(2):
        with pytest.raises(RuntimeError):
            backend.services()


def test_ready_made_services(tmp_path: Path) -> None:
    built = _services(tmp_path)
    backend = Backend.of(built)
    assert backend.ready and backend.services() is built


def test_changed_settings_reach_the_services_built_before_or_after(tmp_path: Path) -> None:
    """Tools > Settings…: the front end's settings and the services' own change alike, and the
    services keep what only they have (a demo's Graph URL)."""
    built = _services(tmp_path)
    built.settings = replace(built.settings, graph_url="https://graph.microsoft.com/beta")
    backend = Backend(Settings(demo=True), built.paths, built.clock, lambda: built)
    assert backend.update_settings(lambda s: replace(s, hide_after_seconds=30)) is backend.settings
    assert backend.services().settings.hide_after_seconds == 30  # built after the change
    backend.update_settings(lambda s: replace(s, clipboard_clear_seconds=5))
    assert backend.settings.clipboard_clear_seconds == 5
    assert backend.settings.graph_url is None
    assert built.settings.clipboard_clear_seconds == 5
    assert built.settings.graph_url == "https://graph.microsoft.com/beta"
