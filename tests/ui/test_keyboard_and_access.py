"""Keyboard paths, accessible names, large text, dark palettes, a stale search never wins."""

from __future__ import annotations

import threading

import httpx
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QListWidget,
    QWidget,
)

from tapdesk.app.services import Backend
from tapdesk.ui import theme
from tapdesk.ui.dev.screenshots import dark_palette
from tapdesk.ui.theme import Tone
from tapdesk.ui.widgets.pass_panel import PanelState
from tapdesk.ui.window.main_window import MainWindow
from tests.helpers.demo import UPN
from tests.helpers.qt import (
    WAIT_MS,
    decode_widget,
    issue,
    open_user,
    search,
    sign_in_with_token,
    token_services,
    wait_idle,
)

CONTROLS = (QAbstractButton, QLineEdit, QAbstractSpinBox, QListWidget)


def test_every_control_has_an_accessible_name(qtbot, window):
    open_user(qtbot, window, "ava", UPN["ava.newhire"])
    issue(qtbot, window)
    unnamed = [
        f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r}"
        for w in window.findChildren(QWidget)
        if isinstance(w, CONTROLS)
        and not w.accessibleName()
        and not isinstance(w.parent(), (QLineEdit, QAbstractSpinBox))  # Qt's own inner parts
    ]
    assert unnamed == []


def test_ctrl_f_then_keys_only_from_search_to_a_shown_pass(qtbot, window):
    window.card.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.box.hasFocus()
    qtbot.keyClicks(window.search.box, "ava")
    qtbot.waitUntil(lambda: window.search.results.count() == 1)
    qtbot.keyClick(window.search.box, Qt.Key.Key_Down)
    qtbot.keyClick(window.search.results, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.facts is not None and window.facts.tap_known)
    wait_idle(qtbot, window)
    assert window.form.issue_button.hasFocus()
    window.form.set_path(None)  # the pass alone (a checklist path begins with the identity check)
    qtbot.keyClick(window.form.issue_button, Qt.Key.Key_Return)  # Enter issues
    qtbot.waitUntil(lambda: window.passes.has_value)
    assert window.passes.state is PanelState.SHOWN


def test_a_slow_stale_search_never_replaces_a_newer_answer(qtbot, tenant, clock, tmp_path):
    gate = threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        if "an" in request.url.params.get("$search", "").split(":")[-1]:
            gate.wait(5)  # the older search is the slow one
        return tenant.handler(request)

    transport = httpx.MockTransport(handler)
    window = MainWindow(
        Backend.of(token_services(tenant, clock, tmp_path, transport=transport)), heartbeat_ms=0
    )
    qtbot.addWidget(window)
    window.show()
    sign_in_with_token(qtbot, window)
    window.search.search_requested.emit("an")  # andy, nora, …: its answer comes last
    window.search.search_requested.emit("ava")
    qtbot.waitUntil(lambda: window.search.results.count() > 0)
    gate.set()
    wait_idle(qtbot, window)
    qtbot.wait(20)
    assert [u.user_principal_name for u in window.search.users()] == [UPN["ava.newhire"]]
    assert window.search.status.text().endswith("Enter to open.")


def test_typing_is_debounced_into_one_search(qtbot, window, tenant):
    before = len(tenant.requests)
    users = search(qtbot, window, "priya")
    searches = [path for method, path, _ in tenant.requests[before:] if path.endswith("/users")]
    assert len(searches) == 1
    assert users[0].user_principal_name == UPN["priya.passkey"]


def test_large_text_makes_everything_bigger_and_still_fits(qtbot, make_window):
    app = QApplication.instance()
    normal = app.font().pointSizeF()
    theme.apply_large_text(app, True)
    try:
        assert app.font().pointSizeF() >= normal * 1.25
        window = make_window()
        open_user(qtbot, window, "ava", UPN["ava.newhire"])
        issue(qtbot, window)
        # Nothing runs off the right edge at the size screenshots use.
        work = window.card.parentWidget()
        assert work.minimumSizeHint().width() <= work.width()
        assert decode_widget(window.passes.qr) == [
            window.passes.code_label.plain_text().replace(" ", "")
        ]
    finally:
        theme.apply_large_text(app, False)
    assert app.font().pointSizeF() == normal


def test_tints_follow_a_dark_palette(qtbot):
    dark = dark_palette()
    assert theme.is_dark(dark)
    for tone in Tone:
        assert theme.tint(dark, tone).lightness() < 100  # backgrounds stay dark
        assert theme.ink(dark, tone).lightness() > 110  # text stays readable on them
    light = QGuiApplication.palette()
    assert not theme.is_dark(light)
    assert all(theme.tint(light, tone).lightness() > 180 for tone in Tone)


def test_the_pass_font_is_monospaced(qtbot):
    assert theme.is_monospaced(theme.pass_font(20))


def test_one_click_opens_a_search_result_as_in_the_session_list(qtbot, window) -> None:
    found = search(qtbot, window, "ava")
    assert [u.user_principal_name for u in found] == [UPN["ava.newhire"]]
    results = window.search.results
    spot = results.visualItemRect(results.item(0)).center()
    qtbot.mouseClick(results.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    qtbot.waitUntil(lambda: window.card.user is not None, timeout=WAIT_MS)
    assert window.card.user.user_principal_name == UPN["ava.newhire"]
