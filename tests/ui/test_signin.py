"""The header against real MSAL and the demo authority: browser, device code, switch, sign-out."""

from __future__ import annotations

import pytest
from shiboken6 import isValid

from tapdesk.app.services import Backend
from tapdesk.ui.window.main_window import MainWindow
from tests.helpers.demo import UPN
from tests.helpers.qt import auth_services, decode_widget, open_user, signed_out_window, wait_idle


@pytest.fixture
def auth_window(qtbot, tenant, clock, tmp_path):
    tenant.auto_approve_after = None  # device codes wait for the test to approve them
    services = auth_services(tenant, clock, tmp_path / "home")
    yield signed_out_window(qtbot, services)
    services.close()


def test_first_start_is_signed_out_with_search_disabled(qtbot, auth_window):
    header = auth_window.header
    assert header.who.text() == "Not signed in"
    assert header.sign_in.isVisible() and not header.sign_out.isVisible()
    assert not auth_window.search.isEnabled()
    assert auth_window.card.sign_in_button.isVisible()


def test_browser_sign_in_shows_the_technician_and_roles_then_sign_out(qtbot, auth_window):
    auth_window.card.sign_in_button.click()
    qtbot.waitUntil(lambda: auth_window.technician is not None, timeout=15_000)
    wait_idle(qtbot, auth_window)
    header = auth_window.header
    assert header.who.text() == "Tess Technician"
    assert header.roles.text() == (
        "tess.tech@northwind.example · Authentication Administrator, Global Reader"
    )
    assert auth_window.search.isEnabled()
    # The roles feed the card: nothing to say about Ava. Alex holds a role that tapdesk, without
    # a permission to read roles (the documented scopes), sees as "some role": Entra decides.
    open_user(qtbot, auth_window, "ava", UPN["ava.newhire"])
    assert auth_window.card.problem_codes() == []
    open_user(qtbot, auth_window, "alex", UPN["alex.admin"])
    assert "role-unknown" in auth_window.card.problem_codes()

    header.sign_out.click()
    qtbot.waitUntil(lambda: auth_window.technician is None)
    wait_idle(qtbot, auth_window)
    assert header.who.text() == "Signed out"
    assert auth_window.card.user is None
    assert not auth_window.search.isEnabled()


def test_device_code_dialog_shows_the_code_and_a_qr_of_the_page(qtbot, auth_window, tenant):
    auth_window.header.device_action.trigger()
    qtbot.waitUntil(lambda: auth_window.signin.device_dialog is not None, timeout=10_000)
    dialog = auth_window.signin.device_dialog
    code = dialog.code.text()
    assert len(code) == 8
    assert decode_widget(dialog.qr) == ["https://login.tapdesk-demo.test/device"]
    tenant.approve_device_code(code)
    qtbot.waitUntil(lambda: auth_window.technician is not None, timeout=15_000)
    assert auth_window.signin.device_dialog is None
    qtbot.waitUntil(lambda: not isValid(dialog) or not dialog.isVisible())


def test_device_code_sign_in_can_be_cancelled(qtbot, auth_window):
    auth_window.header.device_action.trigger()
    qtbot.waitUntil(lambda: auth_window.signin.device_dialog is not None, timeout=10_000)
    auth_window.signin.device_dialog.reject()
    wait_idle(qtbot, auth_window, timeout=15_000)
    assert auth_window.technician is None
    assert auth_window.header.who.text() == "Sign-in cancelled"
    assert auth_window.banner.isHidden()  # a cancel is not an error


def test_a_browser_sign_in_that_never_returns_can_be_cancelled(qtbot, tenant, clock, tmp_path):
    opened: list[str] = []

    def browser_that_never_comes_back(url: str) -> bool:
        opened.append(url)
        return True

    services = auth_services(
        tenant, clock, tmp_path / "home", open_browser=browser_that_never_comes_back
    )
    window = MainWindow(Backend.of(services), heartbeat_ms=0)
    qtbot.addWidget(window)
    window.show()
    window.header.sign_in.click()
    qtbot.waitUntil(lambda: bool(opened) and window.header.cancel.isVisible(), timeout=10_000)
    assert window.header.spinner.spinning
    window.header.cancel.click()
    qtbot.waitUntil(lambda: not window.header.spinner.spinning, timeout=10_000)
    wait_idle(qtbot, window)
    assert window.header.who.text() == "Sign-in cancelled"
    assert window.banner.isHidden() and window.technician is None
    services.close()


def test_closing_the_window_during_a_device_code_sign_in_does_not_hang(qtbot, auth_window):
    import time

    auth_window.header.device_action.trigger()
    qtbot.waitUntil(lambda: auth_window.signin.device_dialog is not None, timeout=10_000)
    started = time.monotonic()
    auth_window.close()
    assert time.monotonic() - started < 4.0
    assert auth_window.runner.wait_for_done(0)  # every worker has finished


def test_demo_browser_completes_a_browser_sign_in(tmp_path) -> None:
    """`tapdesk --demo`: Sign in with the browser works without a real browser or network."""
    from tapdesk.app.main import build_services
    from tapdesk.config import load_settings
    from tapdesk.runtime.paths import AppPaths
    from tests.helpers.keyring import MemoryKeyring

    paths = AppPaths.default({"TAPDESK_HOME": str(tmp_path)})
    services = build_services(
        load_settings(paths, {}, {"demo": True}), paths, keyring_backend=MemoryKeyring()
    )
    try:
        account = services.auth.sign_in_interactive(timeout=20)
        assert account.username == "tess.tech@northwind.example"
    finally:
        services.close()
