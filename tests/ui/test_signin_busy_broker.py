"""The header while a sign-in waits on the technician: the browser can be cancelled, WAM cannot.

WAM runs only on Windows: ``sys.platform`` is ``win32`` while the header is set (the click); the
sign-in itself then runs against the demo authority as usual.
"""

from __future__ import annotations

import sys

import pytest

from tapdesk.app.services import Backend
from tapdesk.ui.window.main_window import MainWindow
from tests.helpers.qt import auth_services, wait_idle


def signed_out_window(qtbot, tenant, clock, tmp_path, **settings) -> MainWindow:
    services = auth_services(tenant, clock, tmp_path / "home", **settings)
    window = MainWindow(Backend.of(services), heartbeat_ms=0)
    qtbot.addWidget(window)
    window.resize(1280, 860)
    window.show()
    window.start()
    wait_idle(qtbot, window)
    return window


def busy_header_on(
    qtbot, window: MainWindow, platform: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, bool]:
    """What the header says, and whether Cancel shows, the moment Sign in is clicked."""
    with monkeypatch.context() as patch:
        patch.setattr(sys, "platform", platform)
        window.card.sign_in_button.click()
        seen = (window.header.who.text(), window.header.cancel.isVisible())
    qtbot.waitUntil(lambda: window.technician is not None, timeout=15_000)
    wait_idle(qtbot, window)
    return seen


def test_a_broker_sign_in_points_to_the_windows_window_and_offers_no_dead_cancel(
    qtbot, tenant, clock, tmp_path, monkeypatch
):
    window = signed_out_window(qtbot, tenant, clock, tmp_path, broker=True)
    assert busy_header_on(qtbot, window, "win32", monkeypatch) == (
        "Finish signing in in the Windows sign-in window…",
        False,
    )
    assert not window.header.sign_in.isVisible()  # signed in: the header moved on


def test_a_browser_sign_in_points_to_the_browser_with_a_cancel(
    qtbot, tenant, clock, tmp_path, monkeypatch
):
    window = signed_out_window(qtbot, tenant, clock, tmp_path, broker=False)
    assert busy_header_on(qtbot, window, "win32", monkeypatch) == (
        "Finish signing in in your browser…",
        True,
    )


def test_off_windows_the_broker_setting_changes_nothing(
    qtbot, tenant, clock, tmp_path, monkeypatch
):
    window = signed_out_window(qtbot, tenant, clock, tmp_path, broker=True)
    assert busy_header_on(qtbot, window, "linux", monkeypatch) == (
        "Finish signing in in your browser…",
        True,
    )
