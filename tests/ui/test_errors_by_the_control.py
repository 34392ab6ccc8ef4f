"""An error shows next to the control that failed, and in the status bar, and belongs to the
user it is about (issue 14, problem 5): not in a banner at the top of the work while nothing
changes by the button, and not above another user's card."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tapdesk.demo import Fault
from tests.helpers.demo import UPN
from tests.helpers.qt import WAIT_MS, confirm, issue, open_user, wait_idle

AVA, ALEX = UPN["ava.newhire"], UPN["alex.admin"]


def test_an_issue_error_shows_by_the_button_and_stays_with_its_user(qtbot: Any, window: Any):
    open_user(qtbot, window, "alex", ALEX)  # an admin: an Authentication Administrator may not
    window.form.set_path(None)
    issue(qtbot, window)
    message = window.form.message
    assert not message.isHidden() and message.title.text() == "Not permitted"
    assert window.banner.isHidden()
    assert window.statusBar().currentMessage().startswith("Not permitted: ")

    open_user(qtbot, window, "ava", AVA)
    assert message.isHidden()  # Ava's form says nothing of Alex's refusal
    open_user(qtbot, window, "alex", ALEX)
    assert not message.isHidden() and message.title.text() == "Not permitted"
    message.close_button.click()  # dismissed: gone for good
    open_user(qtbot, window, "ava", AVA)
    open_user(qtbot, window, "alex", ALEX)
    assert message.isHidden()


def test_an_error_for_a_user_left_behind_waits_for_them(qtbot: Any, window: Any):
    ava = window.backend.services().graph.get_user(AVA)
    open_user(qtbot, window, "alex", ALEX)
    window.form.set_path(None)
    window.form.issue_button.click()
    window.select_user(ava)  # before Graph's answer is delivered
    wait_idle(qtbot, window)
    assert window.form.message.isHidden() and window.banner.isHidden()
    assert window.statusBar().currentMessage().startswith("For Alex Admin: Not permitted")
    open_user(qtbot, window, "alex", ALEX)
    assert window.form.message.title.text() == "Not permitted"


def test_not_found_is_said_by_the_search_not_above_the_open_card(qtbot: Any, window: Any):
    open_user(qtbot, window, "ava", AVA)
    window.search.box.setFocus()  # where the technician types
    window.search.box.setText("nobody@northwind.example")
    qtbot.keyClick(window.search.box, Qt.Key.Key_Return)
    status = window.search.status
    qtbot.waitUntil(lambda: "was not found" in status.text(), timeout=WAIT_MS)
    wait_idle(qtbot, window)
    assert window.banner.isHidden()
    assert "nobody@northwind.example" in status.text()
    assert window.card.user.user_principal_name == AVA


def test_a_failed_revoke_shows_in_the_pass_column(qtbot: Any, window: Any, tenant: Any):
    open_user(qtbot, window, "ava", AVA)
    window.form.set_path(None)
    issue(qtbot, window)
    tenant.inject(Fault.unavailable(503, "0", times=None, method="DELETE"))
    window.passes.revoke_button.click()
    confirm(qtbot, window)
    qtbot.waitUntil(lambda: not window.passes.error.isHidden(), timeout=WAIT_MS)
    assert window.passes.error.title.text() == "Microsoft Graph is unavailable"
    assert window.banner.isHidden() and window.form.message.isHidden()
    assert window.passes.has_value  # the pass is still there to try again
    tenant.clear_faults()
    window.passes.revoke_button.click()
    confirm(qtbot, window)
    qtbot.waitUntil(lambda: tenant.users[AVA].tap is None, timeout=WAIT_MS)
    wait_idle(qtbot, window)
    assert window.passes.error.isHidden()
