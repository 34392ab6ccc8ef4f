"""The pass panel over time (fake clock): start, countdown colours, expiry, use; clipboard; privacy."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from tapdesk.ui.widgets.pass_panel import FORGOTTEN_TEXT, SHOW_BRINGS_IT_BACK, PanelState
from tests.helpers.demo import UPN, IssuedPasses
from tests.helpers.qt import (
    click_through_the_window,
    decode_widget,
    issue,
    open_user,
    read,
    wait_idle,
)

AVA = UPN["ava.newhire"]


def test_countdown_runs_from_start_through_expiry_on_the_fake_clock(qtbot, make_window, clock):
    window = make_window(hide_after_seconds=0)
    open_user(qtbot, window, "ava", AVA)
    window.form.start_later.setChecked(True)  # the next full hour: 09:00 on the fake clock
    issue(qtbot, window)
    panel = window.passes
    assert panel.countdown_label.text() == "Valid in 60 min"
    assert panel.progress.property("urgency") == "ok"

    clock.advance(3600 + 10)
    window.tick()
    assert panel.countdown_label.text() == "Expires in 59:50"
    assert panel.progress.value() > 990

    clock.advance(50 * 60)  # 9:50 left of 60 min: warning
    window.tick()
    assert panel.countdown_label.text() == "Expires in 09:50"
    assert panel.progress.property("urgency") == "warning"

    clock.advance(8 * 60)  # 1:50 left: critical
    window.tick()
    assert panel.progress.property("urgency") == "critical"
    assert panel.has_value

    clock.advance(2 * 60)
    window.tick()
    assert panel.countdown_label.text() == "Expired"
    assert panel.state is PanelState.FINAL
    assert not panel.has_value and read(panel.code_label) == "" and decode_widget(panel.qr) == []
    assert "expired" in panel.message.text()
    assert panel.replace_button.text() == "Issue a new pass"
    assert window.form.issue_button.text() == "Issue pass"  # nothing left to replace


def test_a_one_time_pass_shows_used_once_the_phone_signs_in(qtbot, window, tenant, clock):
    open_user(qtbot, window, "ava", AVA)
    window.form.one_time.setChecked(True)
    issue(qtbot, window)
    tenant.phone(AVA).sign_in_with_pass()
    clock.advance(25)  # past the poll interval: the window re-reads the pass
    window.tick()
    qtbot.waitUntil(lambda: window.passes.countdown_label.text() == "Used")
    assert window.passes.state is PanelState.FINAL


def test_copy_puts_the_pass_on_the_clipboard_and_clears_it_after_the_setting(
    qtbot, make_window, tenant, clock
):
    """The clipboard holds the pass Graph issued, and no longer once the setting's time is up."""
    issued = IssuedPasses(tenant)
    window = make_window(clipboard_clear_seconds=30, hide_after_seconds=0, transport=issued)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    code = issued.last
    clipboard = QGuiApplication.clipboard()

    qtbot.keyClick(
        window,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert clipboard.text() == code
    assert "30 s" in window.passes.copy_note.text()
    clock.advance(29)
    window.tick()
    assert clipboard.text() == code
    clock.advance(1)  # exactly 30 s: the deadline itself clears
    window.tick()
    assert clipboard.text() == ""
    assert window.passes.copy_note.text() == "Clipboard cleared."


def test_the_clipboard_is_left_alone_if_the_technician_copied_something_else(
    qtbot, make_window, clock
):
    window = make_window(clipboard_clear_seconds=30, hide_after_seconds=0)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    window.passes.copy_button.click()
    QGuiApplication.clipboard().setText("ticket INC-1234")
    clock.advance(31)
    window.tick()
    assert QGuiApplication.clipboard().text() == "ticket INC-1234"


def test_moving_to_another_user_masks_the_pass_and_coming_back_finds_it(qtbot, make_window, tenant):
    issued = IssuedPasses(tenant)
    window = make_window(hide_after_seconds=0, transport=issued)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    window.passes.copy()
    assert QGuiApplication.clipboard().text()
    open_user(qtbot, window, "andy", UPN["andy.app"])
    assert window.passes.state is PanelState.EMPTY
    assert not window.passes.has_value
    assert read(window.passes.code_label) == "" and window.passes.code_label.text() == ""
    assert decode_widget(window.passes.qr) == []
    assert QGuiApplication.clipboard().text() == ""
    # Back to Ava: her pass is there, masked, until Show.
    open_user(qtbot, window, "ava", AVA)
    wait_idle(qtbot, window)
    panel = window.passes
    assert panel.state is PanelState.SHOWN and panel.is_masked
    assert decode_widget(panel.qr) == [] and read(panel.spelled) == ""
    assert "opened another user" in panel.message.text()
    assert SHOW_BRINGS_IT_BACK in panel.message.text()
    assert "in the pass panel" in window.card.existing.text()
    panel.reveal_button.click()
    assert decode_widget(panel.qr) == [issued.last]
    assert not panel.is_masked and panel.message.isHidden()


def test_idle_warns_then_masks_and_show_brings_it_back(qtbot, make_window, tenant, clock):
    issued = IssuedPasses(tenant)
    window = make_window(hide_after_seconds=120, transport=issued)
    open_user(qtbot, window, "ava", AVA)
    window.form.set_path(None)  # the pass alone: no checklist reads it or waits for its use
    issue(qtbot, window)
    panel = window.passes
    clock.advance(99)
    window.tick()
    assert panel.idle_note.isHidden() and not panel.is_masked
    clock.advance(1)  # 100 s: twenty seconds of warning
    window.tick()
    assert not panel.idle_note.isHidden() and "20 s" in panel.idle_note.text()
    click_through_the_window(window, panel.countdown_label)  # activity
    window.tick()
    assert panel.idle_note.isHidden()
    clock.advance(121)
    window.tick()
    assert panel.state is PanelState.SHOWN and panel.is_masked and panel.has_value
    assert decode_widget(panel.qr) == [] and panel.idle_note.isHidden()
    assert "Masked after 120 s without activity." in panel.message.text()
    assert panel.countdown_label.text().startswith("Expires in")  # the pass lives on
    assert panel.reveal_button.text() == "Show"
    panel.reveal_button.click()
    assert decode_widget(panel.qr) == [issued.last]


def test_input_is_watched_only_while_a_pass_is_on_screen(qtbot, make_window, tenant, clock):
    """Watching input is a Python filter on every event of the app, which costs start-up time
    and memory (python -m tests.bench): it runs while the idle mask can act, and Show starts
    the idle time afresh rather than masking again at once."""
    window = make_window(hide_after_seconds=120)
    assert not window.idle.watching  # nothing on screen to mask
    open_user(qtbot, window, "ava", AVA)
    window.form.set_path(None)
    issue(qtbot, window)
    panel = window.passes
    assert window.idle.watching
    clock.advance(121)
    window.tick()
    assert panel.is_masked and not window.idle.watching
    clock.advance(600)
    panel.reveal_button.click()  # the technician is back
    window.tick()
    assert not panel.is_masked and panel.idle_note.isHidden() and window.idle.watching


def test_a_key_in_another_window_of_the_app_counts_as_activity(qtbot, make_window, tenant, clock):
    window = make_window(hide_after_seconds=120)
    open_user(qtbot, window, "ava", AVA)
    window.form.set_path(None)
    issue(qtbot, window)
    shortcuts = window.help.open_shortcuts()  # a window of its own
    qtbot.waitExposed(shortcuts)
    clock.advance(110)
    QTest.keyClick(shortcuts.windowHandle(), Qt.Key.Key_Down)  # as the platform delivers it
    clock.advance(20)
    window.tick()
    assert not window.passes.is_masked  # 20 s since the key, not 130 since the pass


def test_escape_masks_the_pass_and_show_brings_it_back(qtbot, make_window, tenant):
    issued = IssuedPasses(tenant)
    window = make_window(hide_after_seconds=0, transport=issued)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    panel = window.passes
    assert panel.state is PanelState.SHOWN and panel.is_masked
    assert decode_widget(panel.qr) == []
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # a second Esc changes nothing
    assert panel.has_value
    panel.reveal_button.click()
    assert decode_widget(panel.qr) == [issued.last]


def test_forget_drops_the_value_and_says_so(qtbot, make_window, tenant):
    window = make_window(hide_after_seconds=0)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    panel = window.passes
    panel.forget_button.click()
    assert panel.state is PanelState.FORGOTTEN and not panel.has_value
    assert read(panel.code_label) == "" and decode_widget(panel.qr) == []
    assert panel.message.text() == f"You chose Forget. {FORGOTTEN_TEXT}"
    assert panel.revoke_button.isVisible() and panel.replace_button.isVisible()
    assert panel.countdown_label.text().startswith("Expires in")
    window.tick()
    assert "cannot be shown again" in window.card.existing.text()
    assert tenant.users[AVA].tap is not None  # Forget is not Revoke


# Mask until revealed, from the painted label and the scanned QR: tests/ui/test_pass_painted.py.


def test_a_result_for_a_user_left_behind_is_not_shown(qtbot, window, tenant):
    andy = window.backend.services().graph.get_user(UPN["andy.app"])
    open_user(qtbot, window, "ava", AVA)
    window.form.set_path(None)  # the pass alone: the form's Issue asks Graph at once
    window.form.issue_button.click()
    window.select_user(andy)  # before the answer is delivered (deliveries queue on this thread)
    wait_idle(qtbot, window)
    assert window.card.user == andy
    assert window.passes.state is PanelState.EMPTY and not window.passes.has_value
    assert window.banner.title.text() == "Pass issued but not shown"
    assert tenant.users[AVA].tap is not None


def test_lifetime_and_start_reach_graph(qtbot, window, tenant, clock):
    open_user(qtbot, window, "ava", AVA)
    window.form.lifetime.setValue(120)
    window.form.start_later.setChecked(True)
    window.form.start_at.setDateTime(window.form.start_at.dateTime().addSecs(3600))
    issue(qtbot, window)
    held = tenant.users[AVA].tap
    assert held.lifetime_minutes == 120
    assert held.start == clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
