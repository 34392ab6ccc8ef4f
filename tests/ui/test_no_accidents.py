"""Nothing destroyed by one key, and Revoke wherever a live pass is named (issue 14, problems 2
and 4): Enter never replaces, Replace and Revoke ask once with Cancel as the default, the card
revokes any live pass, and closing a session offers to revoke its pass."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tapdesk.core.audit import AuditKind
from tapdesk.ui.widgets.pass_panel import EMPTY_TEXT, PanelState
from tests.helpers.demo import UPN, IssuedPasses
from tests.helpers.qt import WAIT_MS, confirm, issue, open_user, through_checklist, wait_idle
from tests.ui.onboarding_helpers import FLOWS, onboarding_window, row, settle, start_flow

AVA, ERIN, NORA = UPN["ava.newhire"], UPN["erin.existing"], UPN["nora.newhire"]
EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def test_enter_twice_issues_one_pass_and_says_so(qtbot: Any, make_window: Any, tenant: Any):
    issued = IssuedPasses(tenant)
    window = make_window(hide_after_seconds=0, transport=issued)
    open_user(qtbot, window, "ava", AVA)
    window.form.lifetime.setFocus()
    qtbot.keyClick(window.form.lifetime, Qt.Key.Key_Return)  # starts the checklist: identity
    through_checklist(qtbot, window)
    qtbot.waitUntil(lambda: window.passes.has_value, timeout=WAIT_MS)
    wait_idle(qtbot, window)
    first = tenant.users[AVA].tap.id
    assert window.form.status.text().startswith("Issued ")
    assert window.focusWidget() is window.passes.copy_button  # not Issue

    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Return)  # the same key, at once
    wait_idle(qtbot, window)
    assert tenant.users[AVA].tap.id == first and len(issued.values) == 1
    window.guide.panel.form_button.click()  # "Pass settings": the form again, Enter in it
    assert window.form.isVisible()
    window.form.lifetime.setFocus()
    qtbot.keyClick(window.form.lifetime, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    assert tenant.users[AVA].tap.id == first and len(issued.values) == 1
    assert window.confirm_dialog is None
    assert window.form.status.text().startswith("Enter does not replace a live pass")


def test_replace_is_never_the_default_and_enter_on_it_replaces_nothing(
    qtbot: Any, window: Any, tenant: Any
):
    open_user(qtbot, window, "erin", ERIN)
    wait_idle(qtbot, window)
    button = window.form.issue_button
    assert button.text() == "Replace the current pass…"
    assert not button.autoDefault() and not button.isDefault()
    before = tenant.users[ERIN].tap.id
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    assert tenant.users[ERIN].tap.id == before and window.confirm_dialog is None


def test_replace_and_revoke_ask_once_and_enter_cancels(qtbot: Any, make_window: Any, tenant):
    issued = IssuedPasses(tenant)
    window = make_window(hide_after_seconds=0, transport=issued)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    first = tenant.users[AVA].tap.id
    for button in (window.passes.replace_button, window.passes.revoke_button):
        button.click()
        dialog = window.confirm_dialog
        assert dialog is not None and dialog.isVisible()
        assert dialog.cancel_button.isDefault() and not dialog.action_button.autoDefault()
        qtbot.keyClick(dialog, Qt.Key.Key_Return)  # the safe answer
        qtbot.waitUntil(lambda: window.confirm_dialog is None, timeout=WAIT_MS)
        wait_idle(qtbot, window)
        assert tenant.users[AVA].tap.id == first and window.passes.has_value

    window.passes.replace_button.click()
    assert "stops working at once" in confirm(qtbot, window)
    qtbot.waitUntil(lambda: len(issued.values) == 2, timeout=WAIT_MS)
    wait_idle(qtbot, window)
    assert tenant.users[AVA].tap.id != first
    assert window.form.status.text().endswith("the earlier pass no longer works.")
    window.passes.revoke_button.click()
    confirm(qtbot, window)
    qtbot.waitUntil(lambda: tenant.users[AVA].tap is None, timeout=WAIT_MS)


def test_erins_pass_issued_elsewhere_is_revoked_from_the_card(qtbot: Any, window: Any, tenant):
    open_user(qtbot, window, "erin", ERIN)
    wait_idle(qtbot, window)
    assert window.card.revoke_button.isVisible()
    window.card.revoke_button.click()
    assert "Erin" in confirm(qtbot, window)
    qtbot.waitUntil(lambda: tenant.users[ERIN].tap is None, timeout=WAIT_MS)
    wait_idle(qtbot, window)
    assert window.card.existing.text() == "None"
    assert not window.card.revoke_button.isVisible()
    assert window.passes.state is PanelState.FINAL
    assert window.passes.message.text() == "This pass was revoked; it no longer works."


def test_a_forgotten_or_masked_pass_can_still_be_revoked(qtbot: Any, make_window: Any, tenant: Any):
    window = make_window(hide_after_seconds=0)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.passes.is_masked and window.passes.revoke_button.isVisible()
    window.passes.forget_button.click()
    assert window.passes.state is PanelState.FORGOTTEN
    window.passes.revoke_button.click()
    confirm(qtbot, window)
    qtbot.waitUntil(lambda: tenant.users[AVA].tap is None, timeout=WAIT_MS)


def test_close_session_offers_to_revoke_the_pass_and_does_it_first(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Path
):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home", hide_after_seconds=0)
    session = start_flow(qtbot, window, NORA, FLOWS["passkey-authenticator"])
    row(window, "confirm-identity").tick_button.click()
    settle(qtbot, window)
    row(window, "issue-pass").issue_button.click()
    qtbot.waitUntil(lambda: window.passes.has_value, timeout=WAIT_MS)
    settle(qtbot, window)
    window.guide.panel.close_button.click()
    dialog = window.guide.reason_dialog
    assert dialog is not None and dialog.option is not None and dialog.option.isChecked()
    assert "revoke the pass" in dialog.option.text()
    dialog.text.setPlainText("Wrong person at the desk")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: session.closed, timeout=WAIT_MS)
    settle(qtbot, window)
    assert tenant.users[NORA].tap is None
    store = window.backend.services().store
    kinds = [r.event.kind for r in store.audit(*EVER) if r.event.session_id == session.session_id]
    assert kinds.index(AuditKind.REVOKE) < kinds.index(AuditKind.ABANDON)
    assert window.passes.state is PanelState.FINAL


def test_every_panel_state_says_something(qtbot: Any, make_window: Any, tenant: Any):
    window = make_window(hide_after_seconds=0)
    panel = window.passes
    said: dict[PanelState | str, str] = {"no user": panel.empty_note.text()}
    open_user(qtbot, window, "erin", ERIN)
    wait_idle(qtbot, window)
    said[panel.state] = panel.message.text()  # elsewhere
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    said["masked"] = panel.message.text()
    panel.forget_button.click()
    said[panel.state] = panel.message.text()  # forgotten
    panel.revoke_button.click()
    confirm(qtbot, window)
    qtbot.waitUntil(lambda: panel.state is PanelState.FINAL, timeout=WAIT_MS)
    said[panel.state] = panel.message.text()
    assert said["no user"] == EMPTY_TEXT
    assert set(said) == {
        "no user",
        "masked",
        *(s for s in PanelState if s is not PanelState.EMPTY and s is not PanelState.SHOWN),
    }
    assert all(text.strip() for text in said.values()), said


def test_replacing_on_a_checklist_path_asks_when_the_pass_is_about_to_go(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Path
):
    """Erin has a live pass. The form's Issue on a checklist path replaces nothing yet (the
    checklist starts at who she is), so it asks nothing; the checklist's Issue then asks."""
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home", hide_after_seconds=0)
    open_user(qtbot, window, "erin", ERIN)
    wait_idle(qtbot, window)
    before = tenant.users[ERIN].tap.id
    window.form.set_path("web-sign-in")
    window.form.issue_button.click()
    settle(qtbot, window)
    assert window.confirm_dialog is None and tenant.users[ERIN].tap.id == before
    row(window, "confirm-identity").tick_button.click()
    settle(qtbot, window)
    row(window, "issue-pass").issue_button.click()
    assert "Erin" in confirm(qtbot, window)
    qtbot.waitUntil(lambda: window.passes.has_value, timeout=WAIT_MS)
    assert tenant.users[ERIN].tap.id != before


def test_the_question_shows_a_directory_name_as_text(qtbot: Any) -> None:
    """The confirmation names the user from the directory: markup there is shown, not run."""
    from tapdesk.ui.widgets.confirm import ConfirmDialog

    name = '<b>Eve</b><img src="file:///etc/passwd">'
    dialog = ConfirmDialog(f"Revoke the pass for {name}?", f"{name}'s pass stops.", action="Revoke")
    qtbot.addWidget(dialog)
    assert dialog.question.textFormat() is Qt.TextFormat.PlainText
    assert dialog.question.text() == f"{name}'s pass stops."
    assert dialog.windowTitle() == f"Revoke the pass for {name}?"  # titles are never markup
