"""The window against the demo tenant, on a fake clock, signed in with a minted token."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tapdesk.demo import DemoTenant
from tapdesk.ui import application
from tapdesk.ui.window.main_window import MainWindow
from tests.helpers.clock import FakeClock
from tests.helpers.demo import as_lead
from tests.helpers.qt import show_window, token_services


@pytest.fixture
def tenant(clock: FakeClock) -> DemoTenant:
    demo = as_lead(DemoTenant(clock=clock))
    demo.token_lifetime = 30 * 86400.0  # tests move the clock by hours; the token must last
    return demo


@pytest.fixture
def make_window(
    qtbot: Any, tenant: DemoTenant, clock: FakeClock, tmp_path: Path
) -> Callable[..., MainWindow]:
    """``make_window(**settings)``: a shown window, signed in, policy read."""
    application()

    def make(
        *, sign_in: bool = True, scopes: list[str] | None = None, **settings: Any
    ) -> MainWindow:
        services = token_services(tenant, clock, tmp_path / "home", scopes=scopes, **settings)
        return show_window(qtbot, services, sign_in=sign_in)

    return make


@pytest.fixture
def window(make_window: Callable[..., MainWindow]) -> MainWindow:
    return make_window()
