"""The header while a sign-in waits on the technician: the browser can be cancelled, WAM cannot.

WAM runs only on Windows: here MSAL's broker calls are replaced at the app boundary
(tests/helpers/wam.py) and sign in with a device code against the demo tenant, and a broker that
cannot load is a pymsalruntime whose import fails while ``sys.platform`` is ``win32``.
"""

from __future__ import annotations

import pytest

from tapdesk.ui.window.main_window import MainWindow
from tapdesk.ui.window.signin import BROKER_BUSY, BROWSER_BUSY
from tests.helpers.qt import auth_services, signed_out_window, wait_idle
from tests.helpers.wam import break_runtime, install_wam, pretend_windows


def window_with(qtbot, tenant, clock, tmp_path, **settings) -> MainWindow:
    return signed_out_window(qtbot, auth_services(tenant, clock, tmp_path / "home", **settings))


def busy_header_after_sign_in_click(qtbot, window: MainWindow) -> tuple[str, bool]:
    """What the header says, and whether Cancel shows, the moment Sign in is clicked."""
    window.card.sign_in_button.click()
    seen = (window.header.who.text(), window.header.cancel.isVisible())
    qtbot.waitUntil(lambda: window.technician is not None, timeout=15_000)
    wait_idle(qtbot, window)
    return seen


def test_a_broker_sign_in_points_to_the_windows_window_and_offers_no_dead_cancel(
    qtbot, tenant, clock, tmp_path, monkeypatch
):
    wam = install_wam(tenant, monkeypatch)
    window = window_with(qtbot, tenant, clock, tmp_path, broker=True)
    assert busy_header_after_sign_in_click(qtbot, window) == (
        "Finish signing in in the Windows sign-in window (Alt+Tab if it is hidden)…",
        False,
    )
    assert len(wam.requests) == 1  # WAM did the sign-in
    assert not window.header.sign_in.isVisible()  # signed in: the header moved on


def test_a_broker_that_fell_back_points_to_the_browser_with_a_cancel(
    qtbot, tenant, clock, tmp_path, monkeypatch
):
    """The runtime failed to load at the start-up sign-in: the browser signs in, with Cancel."""
    pretend_windows(monkeypatch)
    runtime = break_runtime(monkeypatch, ImportError("DLL load failed"))
    window = window_with(qtbot, tenant, clock, tmp_path, broker=True)
    assert runtime.loads == 1  # the start-up sign-in met the broken runtime
    assert busy_header_after_sign_in_click(qtbot, window) == (BROWSER_BUSY, True)


@pytest.mark.parametrize("broker", [False, True])
def test_without_a_broker_the_browser_sign_in_can_be_cancelled(
    qtbot, tenant, clock, tmp_path, broker
):
    """broker=True off Windows changes nothing (tapdesk.auth.strategies.wants_broker)."""
    window = window_with(qtbot, tenant, clock, tmp_path, broker=broker)
    assert busy_header_after_sign_in_click(qtbot, window) == (BROWSER_BUSY, True)
    assert BROWSER_BUSY == "Finish signing in in your browser…" != BROKER_BUSY
