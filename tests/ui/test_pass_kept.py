"""A pass on screen is masked, kept and forgotten on purpose, never lost by accident (issue 14,
problems 1 and 3): the idle timer waits while the new hire uses the pass, a pass kept for a user
comes back masked, and every way of forgetting it leaves nothing of it behind and says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication

from tapdesk.config import Origin
from tapdesk.core.models import PassCode
from tapdesk.ui.widgets.pass_panel import FORGOTTEN_TEXT, SIGNED_OUT_TEXT, PanelState
from tests.helpers.demo import UPN, IssuedPasses
from tests.helpers.qt import confirm, decode_widget, issue, open_user, read, wait_idle
from tests.helpers.walk import contents
from tests.ui.onboarding_helpers import FLOWS, onboarding_window, row, settle, start_flow

AVA, NORA, ANDY = UPN["ava.newhire"], UPN["nora.newhire"], UPN["andy.app"]
SITE = (("hide_after_seconds", Origin("site", "privacy.hide_after_seconds", "/etc/tapdesk.toml")),)


def _checklist_pass(qtbot: Any, window: Any) -> None:
    """Nora on the passkey flow, identity confirmed, the pass issued from the checklist."""
    start_flow(qtbot, window, NORA, FLOWS["passkey-authenticator"])
    row(window, "confirm-identity").tick_button.click()
    settle(qtbot, window)
    row(window, "issue-pass").issue_button.click()
    qtbot.waitUntil(lambda: window.passes.has_value)
    settle(qtbot, window)


def _idle_for(qtbot: Any, window: Any, clock: Any, seconds: int) -> None:
    for _ in range(seconds // 30):
        clock.advance(30)
        window.tick()
    settle(qtbot, window)


def test_idle_never_masks_while_the_checklist_waits_for_the_new_hire(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Path
) -> None:
    issued = IssuedPasses(tenant)
    window = onboarding_window(
        qtbot, tenant, clock, tmp_path / "home", hide_after_seconds=120, transport=issued
    )
    _checklist_pass(qtbot, window)
    assert window.guide.panel.session.checklist.active_step.id == "add-account"
    _idle_for(qtbot, window, clock, 600)  # installing Authenticator from a store takes a while
    panel = window.passes
    assert panel.state is PanelState.SHOWN and not panel.is_masked
    assert panel.idle_note.isHidden()
    assert decode_widget(panel.qr) == [issued.last]


def test_a_site_set_idle_time_masks_even_while_the_checklist_waits(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Path
) -> None:
    window = onboarding_window(
        qtbot, tenant, clock, tmp_path / "home", hide_after_seconds=120, origins=SITE
    )
    _checklist_pass(qtbot, window)
    _idle_for(qtbot, window, clock, 150)
    assert window.passes.is_masked and decode_widget(window.passes.qr) == []


def test_a_pass_revoked_elsewhere_while_away_no_longer_works_on_return(
    qtbot: Any, make_window: Any, tenant: Any
) -> None:
    window = make_window(hide_after_seconds=0)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    ava = window.card.user
    open_user(qtbot, window, "andy", ANDY)
    graph = window.backend.services().graph  # another technician revokes it meanwhile
    [tap] = graph.list_taps(ava.id)
    graph.delete_tap(ava.id, tap.id)
    open_user(qtbot, window, "ava", AVA)
    wait_idle(qtbot, window)
    panel = window.passes
    assert panel.state is PanelState.FINAL and not panel.has_value
    assert panel.countdown_label.text() == "Revoked"
    assert "no longer works" in panel.message.text()
    assert not panel.reveal_button.isVisible()


def _no_value_left(window: Any, code: str) -> None:
    panel = window.passes
    assert not panel.has_value and panel.kept_for(AVA) is None
    assert [o for o in contents(vars(panel)) if isinstance(o, PassCode)] == []
    assert read(panel.code_label) == "" and decode_widget(panel.qr) == []
    assert code not in QGuiApplication.clipboard().text()


def test_signing_out_forgets_every_kept_value_and_says_so(
    qtbot: Any, make_window: Any, tenant: Any
) -> None:
    issued = IssuedPasses(tenant)
    window = make_window(hide_after_seconds=0, transport=issued)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    window.passes.copy()
    ava = window.card.user
    open_user(qtbot, window, "andy", ANDY)
    assert window.passes.kept_for(ava.id) is not None  # kept, masked, for coming back
    window.signin.signed_out.emit()  # what any sign-out does (the button, idle, switching)
    wait_idle(qtbot, window)
    assert window.passes.kept_for(ava.id) is None
    _no_value_left(window, issued.last)
    assert window.passes.state is PanelState.EMPTY
    assert window.passes.empty_note.text() == SIGNED_OUT_TEXT


def test_closing_the_session_without_revoking_forgets_the_value(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Path
) -> None:
    issued = IssuedPasses(tenant)
    window = onboarding_window(
        qtbot, tenant, clock, tmp_path / "home", hide_after_seconds=0, transport=issued
    )
    _checklist_pass(qtbot, window)
    window.guide.panel.close_button.click()
    dialog = window.guide.reason_dialog
    dialog.option.setChecked(False)  # keep the pass working
    dialog.text.setPlainText("The new hire went home ill")
    dialog.ok_button.click()
    settle(qtbot, window)
    panel = window.passes
    assert window.guide.onboarding.sessions()[0].closed
    assert panel.state is PanelState.FORGOTTEN
    assert panel.message.text() == f"The session was closed. {FORGOTTEN_TEXT}"
    assert tenant.users[NORA].tap is not None
    assert [o for o in contents(vars(panel)) if isinstance(o, PassCode)] == []
    assert decode_widget(window) == []
    # ...and the card still offers to revoke it.
    assert window.card.revoke_button.isVisible()


def test_closing_the_window_forgets_every_value(qtbot: Any, make_window: Any, tenant: Any) -> None:
    window = make_window(hide_after_seconds=0)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    open_user(qtbot, window, "andy", ANDY)
    panel = window.passes
    window.close()
    assert [o for o in contents(vars(panel)) if isinstance(o, PassCode)] == []


def test_replace_asks_and_the_replacement_is_the_one_kept(
    qtbot: Any, make_window: Any, tenant: Any
) -> None:
    issued = IssuedPasses(tenant)
    window = make_window(hide_after_seconds=0, transport=issued)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    window.passes.replace_button.click()
    confirm(qtbot, window)
    qtbot.waitUntil(lambda: len(issued.values) == 2)
    wait_idle(qtbot, window)
    open_user(qtbot, window, "andy", ANDY)
    open_user(qtbot, window, "ava", AVA)
    wait_idle(qtbot, window)
    window.passes.reveal_button.click()
    assert decode_widget(window.passes.qr) == [issued.last]
