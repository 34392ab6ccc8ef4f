"""The technician's main path on the real window: search, select, issue, read, scan, revoke."""

from __future__ import annotations

import logging
from urllib.parse import quote

from PySide6.QtCore import Qt

from tapdesk.config import QrPayload
from tapdesk.ui.qr import signin_url
from tapdesk.ui.widgets.pass_panel import FORGOTTEN_TEXT, PanelState
from tests.helpers.demo import UPN, IssuedPasses
from tests.helpers.qt import (
    confirm,
    decode_widget,
    grab,
    ink,
    issue,
    open_user,
    read,
    reference_text,
    search,
    wait_idle,
)

AVA = UPN["ava.newhire"]


def test_search_select_issue_shows_the_pass_and_a_qr_that_scans_to_it(
    qtbot, make_window, tenant, caplog
):
    caplog.set_level(logging.DEBUG)
    issued = IssuedPasses(tenant)  # what Graph answered: the pass the tenant now holds
    window = make_window(transport=issued)
    users = search(qtbot, window, "ava")
    assert [u.user_principal_name for u in users] == [AVA]
    # Keyboard: Down from the box into the list, Enter opens the user.
    qtbot.keyClick(window.search.box, Qt.Key.Key_Down)
    assert window.search.results.hasFocus()
    qtbot.keyClick(window.search.results, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.facts is not None and window.facts.tap_known)
    wait_idle(qtbot, window)
    assert window.card.name.text() == "Ava Newhire"
    assert window.card.upn.text() == AVA
    assert window.card.enabled_chip.text() == "Enabled"

    issue(qtbot, window)

    assert window.passes.state is PanelState.SHOWN
    code = issued.last
    assert len(code) == 8  # the tenant policy's defaultLength
    # Painted as a plain label paints it grouped in fours for reading aloud (en space between).
    grouped = reference_text(qtbot, window.passes.code_label, f"{code[:4]}\u2002{code[4:]}")
    assert ink(grab(window.passes.code_label)) == ink(grouped)
    assert decode_widget(window.passes.qr) == [code]
    assert window.passes.countdown_label.text() == "Expires in 1:00:00"
    held = tenant.users[AVA].tap
    assert held is not None and held.lifetime_minutes == 60
    # The pass reached no log record at any level.
    assert all(code not in record.getMessage() for record in caplog.records)


def test_qr_can_carry_the_sign_in_page_instead_of_the_pass(qtbot, make_window):
    window = make_window(qr_payload=QrPayload.SIGNIN)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    assert decode_widget(window.passes.qr) == [signin_url(AVA)]
    assert signin_url(AVA).endswith("login_hint=" + quote(AVA, safe=""))


def test_enter_in_the_search_box_looks_up_an_exact_sign_in_name(qtbot, window):
    window.search.box.setText(UPN["andy.app"])
    qtbot.keyClick(window.search.box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.card.user is not None)
    wait_idle(qtbot, window)
    assert window.card.user.user_principal_name == UPN["andy.app"]
    assert "Microsoft Authenticator" in window.card.methods.text()


def test_a_new_hire_still_replicating_is_found_after_a_wait_with_progress(qtbot, window, tenant):
    seen: list[str] = []
    original = window.search.set_status
    window.search.set_status = lambda text: (seen.append(text), original(text))  # type: ignore[method-assign]
    window.search.box.setText(UPN["ben.fresh"])
    qtbot.keyClick(window.search.box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.card.user is not None, timeout=10_000)
    assert window.card.user.user_principal_name == UPN["ben.fresh"]
    assert any("replicat" in text for text in seen)


def test_revoke_removes_the_pass_from_the_tenant(qtbot, window, tenant):
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    assert tenant.users[AVA].tap is not None
    window.passes.revoke_button.click()
    assert "stops working at once" in confirm(qtbot, window)
    qtbot.waitUntil(lambda: window.passes.state is PanelState.FINAL)
    wait_idle(qtbot, window)
    assert tenant.users[AVA].tap is None
    assert window.passes.countdown_label.text() == "Revoked"
    assert read(window.passes.code_label) == ""
    assert decode_widget(window.passes.qr) == []
    assert window.card.existing.text() == "None"


def test_replace_issues_a_new_pass_in_place_of_the_old(qtbot, window, tenant):
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    first = tenant.users[AVA].tap.id
    window.passes.forget_pass("test")
    assert FORGOTTEN_TEXT in window.passes.message.text()
    window.passes.replace_button.click()
    assert "Replace the pass for Ava" in window.confirm_dialog.windowTitle()
    confirm(qtbot, window)
    qtbot.waitUntil(lambda: window.passes.state is PanelState.SHOWN)
    wait_idle(qtbot, window)
    assert tenant.users[AVA].tap.id != first
