"""A bench several technicians share: who is at the keyboard is asked, idle sign-out clears all.

Real MSAL against the demo authority, whose sign-in page signs in whoever ``at_keyboard`` names
and keeps a browser session (its cookie) with the time of the last authentication.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tapdesk.app.services import Backend, Services
from tapdesk.config import Settings
from tapdesk.core.audit import AuditKind
from tapdesk.demo import DemoTenant
from tapdesk.runtime.paths import AppPaths
from tapdesk.ui.widgets.pass_panel import PanelState
from tapdesk.ui.window.main_window import MainWindow
from tests.helpers.clock import FakeClock
from tests.helpers.demo import UPN, ScriptedBrowser
from tests.helpers.keyring import MemoryKeyring
from tests.helpers.qt import WAIT_MS, auth_services, issue, open_user, signed_out_window, wait_idle

Start = Callable[[], MainWindow]
TESS, GWEN = UPN["tess.tech"], "gwen.lead@northwind.example"
EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


@pytest.fixture
def browser(tenant: DemoTenant) -> ScriptedBrowser:
    return ScriptedBrowser(httpx.Client(transport=tenant.transport()))


@pytest.fixture
def bench(
    qtbot: Any, tenant: DemoTenant, clock: FakeClock, tmp_path: Path, browser: ScriptedBrowser
) -> Iterator[Start]:
    """``start()``: tapdesk started again on one bench (one home folder, one keyring)."""
    keyring = MemoryKeyring()
    made: list[Services] = []

    def start() -> MainWindow:
        services = auth_services(
            tenant,
            clock,
            tmp_path / "home",
            open_browser=browser.open,
            keyring=keyring,
            shared_bench=True,
        )
        made.append(services)
        return signed_out_window(qtbot, services)

    yield start
    for services in made:
        services.close()


def signed_in(qtbot: Any, window: MainWindow) -> str:
    qtbot.waitUntil(lambda: window.technician is not None, timeout=15_000)
    wait_idle(qtbot, window)
    assert window.technician is not None
    return window.technician.username


def test_the_next_technician_is_asked_declines_and_issues_as_themselves(
    qtbot: Any, bench: Start, tenant: DemoTenant
) -> None:
    first = bench()
    assert first.card.continue_button.isHidden()  # nobody signed in here before
    first.card.sign_in_button.click()
    assert signed_in(qtbot, first) == TESS
    first.close()

    tenant.at_keyboard(GWEN)  # Tess has gone; Gwen sits down and starts tapdesk
    second = bench()
    card = second.card
    assert second.technician is None and not second.search.isEnabled()
    assert card.placeholder.text() == (
        f"Tess Technician ({TESS}) was the last to sign in on this computer. Is that you?"
    )
    assert card.continue_button.isVisible()
    assert card.continue_button.text() == "Continue as Tess Technician"
    assert card.sign_in_button.text() == "Use another account"

    card.sign_in_button.click()  # "No, I am not Tess"
    assert signed_in(qtbot, second) == GWEN
    assert second.header.who.text() == "Gwen Lead"
    open_user(qtbot, second, "ava", UPN["ava.newhire"])
    issue(qtbot, second)
    store = second.backend.services().store
    assert store is not None
    issued = [r.event for r in store.audit(*EVER) if r.event.kind is AuditKind.ISSUE]
    assert [(e.technician, e.target_upn) for e in issued] == [(GWEN, UPN["ava.newhire"])]
    # Tess's sign-in was wiped before Gwen's: the cache holds Gwen only.
    saved = second.backend.services().auth.saved_sign_in()  # type: ignore[union-attr]
    assert saved is not None and saved.account.username == GWEN


def test_continuing_is_one_click_while_the_sign_in_is_recent_then_entra_asks_again(
    qtbot: Any, bench: Start, clock: FakeClock, browser: ScriptedBrowser
) -> None:
    first = bench()
    first.card.sign_in_button.click()
    signed_in(qtbot, first)
    first.close()
    [first_url] = browser.urls
    # Every sign-in on a bench asks Entra for one at most an hour old and lets the person pick.
    asked = parse_qs(urlsplit(first_url).query)
    assert asked["max_age"] == ["3600"] and asked["prompt"] == ["select_account"]

    clock.advance(50 * 60)
    again = bench()
    again.card.continue_button.click()
    assert signed_in(qtbot, again) == TESS
    assert len(browser.urls) == 1  # one click: no sign-in page
    again.close()

    clock.advance(20 * 60)  # 70 minutes since Tess last authenticated
    later = bench()
    later.card.continue_button.click()
    assert signed_in(qtbot, later) == TESS
    asked = parse_qs(urlsplit(browser.urls[-1]).query)
    assert len(browser.urls) == 2
    assert asked["max_age"] == ["3600"] and asked["login_hint"] == [TESS]
    assert "prompt" not in asked  # Tess's own account: Entra decides to ask her again
    saved = later.backend.services().auth.saved_sign_in()  # type: ignore[union-attr]
    assert saved is not None and saved.authenticated_at == clock.now().replace(microsecond=0)


def with_a_pass_on_screen(qtbot: Any, bench: Start) -> MainWindow:
    """Tess signed in on the bench, with a pass for Ava on screen (and its checklist)."""
    window = bench()
    window.card.sign_in_button.click()
    signed_in(qtbot, window)
    open_user(qtbot, window, "ava", UPN["ava.newhire"])
    issue(qtbot, window)
    assert window.passes.state is PanelState.SHOWN
    return window


def test_idle_sign_out_clears_the_pass_clipboard_sessions_audit_and_saved_sign_in(
    qtbot: Any, bench: Start, clock: FakeClock
) -> None:
    window = with_a_pass_on_screen(qtbot, bench)
    window.passes.copy()
    clipboard = QApplication.clipboard()
    assert clipboard.text() != ""
    qtbot.waitUntil(lambda: window.guide.session_list.isVisible(), timeout=WAIT_MS)
    audit = window.day_tools.open_audit()
    qtbot.waitUntil(lambda: audit.table.rowCount() > 0, timeout=WAIT_MS)
    cache = window.backend.services().auth.cache_path  # type: ignore[union-attr]
    assert cache.exists()
    window.resize(1024, 700)  # a bench screen: the work area scrolls, and is scrolled down
    scroll = window.work.tasks.verticalScrollBar()
    qtbot.waitUntil(lambda: scroll.maximum() > 0, timeout=WAIT_MS)
    scroll.setValue(scroll.maximum())

    clock.advance(15 * 60 - 1)
    window.tick()
    assert window.technician is not None  # not yet: 15 minutes on a bench
    clock.advance(2)
    window.tick()
    wait_idle(qtbot, window)

    assert window.technician is None
    assert window.header.who.text() == "Signed out after 15 min without activity"
    assert window.passes.state is PanelState.EMPTY and window.passes.tap is None
    assert window.passes.code_label.text() == ""
    assert clipboard.text() == ""
    assert window.guide.session_list.isHidden()
    assert window.guide.session_list.session_ids() == []
    assert window.session_summaries() == []
    assert window.day_tools.audit is None
    assert not window.day_tools.audit_action.isEnabled()
    assert not window.day_tools.roster_action.isEnabled()
    assert window.card.user is None and not window.search.isEnabled()
    assert not cache.exists()
    # The card and its sign-in are in view again, however far the work area had scrolled.
    card, viewport = window.card, window.work.tasks.viewport()
    qtbot.waitUntil(lambda: card.mapTo(viewport, QPoint(0, 0)).y() >= 0, timeout=WAIT_MS)


def test_a_key_on_the_bench_keeps_the_technician_signed_in(
    qtbot: Any, bench: Start, clock: FakeClock
) -> None:
    window = bench()
    window.card.sign_in_button.click()
    signed_in(qtbot, window)
    assert window.passes.state is PanelState.EMPTY  # no pass: the sign-out alone watches input
    clock.advance(14 * 60)
    window.search.box.setFocus()
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_A)  # as the platform delivers a key
    clock.advance(14 * 60)
    window.tick()
    assert window.technician is not None  # 14 minutes since the key, not 28 since sign-in
    clock.advance(2 * 60)
    window.tick()
    wait_idle(qtbot, window)
    assert window.technician is None


def test_a_configured_tenant_is_named_in_the_header(qtbot: Any, tmp_path: Path) -> None:
    """Which tenant the window works in is on screen (the demo's chip says "Demo tenant")."""
    settings = Settings(tenant_id="contoso.onmicrosoft.com", client_id=str(uuid.UUID(int=1)))
    paths = AppPaths.default({"TAPDESK_HOME": str(tmp_path)})

    def never() -> Services:
        raise AssertionError("nothing is built before the window starts")

    window = MainWindow(Backend(settings, paths, FakeClock(), never), heartbeat_ms=0)
    qtbot.addWidget(window)
    assert window.header.tenant.text() == "contoso.onmicrosoft.com"
    assert not window.header.tenant.isHidden()


def test_switch_account_clears_the_first_technicians_work_before_the_next_signs_in(
    qtbot: Any, bench: Start, tenant: DemoTenant
) -> None:
    window = with_a_pass_on_screen(qtbot, bench)
    tenant.at_keyboard(GWEN)
    window.header.switch.click()  # one click: Tess's pass and tokens go, Gwen signs in
    assert window.technician is None and window.card.user is None
    assert window.passes.state is PanelState.EMPTY and window.passes.code_label.text() == ""
    assert signed_in(qtbot, window) == GWEN
    # The session is the tenant's: Gwen sees it, with who started it.
    qtbot.waitUntil(lambda: window.guide.session_list.session_ids() != [], timeout=WAIT_MS)
    [item] = [window.guide.session_list.list.item(0)]
    assert item.text().endswith("· by tess.tech")
    assert f"Started by {TESS}" in item.toolTip()
    saved = window.backend.services().auth.saved_sign_in()  # type: ignore[union-attr]
    assert saved is not None and saved.account.username == GWEN
