"""When a session meets trouble: overrides with a reason, a user deleted mid-flow, throttling,
a lost permission, a store that will not save, a restart that lost the pass value."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tapdesk.app.services import Backend
from tapdesk.core.audit import AuditEvent, AuditKind
from tapdesk.core.checklist import ChecklistSnapshot, StepState
from tapdesk.core.polling import PollPhase
from tapdesk.core.roster import RosterStatus
from tapdesk.demo import Fault
from tapdesk.store import DiskFull, Store
from tapdesk.ui.theme import Tone
from tapdesk.ui.window.main_window import MainWindow
from tests.helpers.clock import START
from tests.helpers.demo import UPN
from tests.helpers.qt import (
    WAIT_MS,
    confirm,
    open_user,
    settings_with,
    sign_in_with_token,
    token_services,
)
from tests.ui.onboarding_helpers import (
    FLOWS,
    next_poll,
    onboarding_window,
    phone,
    row,
    settle,
    start_flow,
    state,
)

AVA = UPN["ava.newhire"]
DAY = (START, START + timedelta(days=1))


def method_lists(tenant: Any) -> int:
    """Checklist polls so far: method lists under /authentication/ (the pass watcher's list of
    passes is its own, on its own schedule)."""
    return sum(
        1
        for _m, path, _h in tenant.requests
        if path.endswith("Methods") and not path.endswith("temporaryAccessPassMethods")
    )


def issued_session(qtbot: Any, window: MainWindow, flow_id: str = "passkey-authenticator") -> Any:
    session = start_flow(qtbot, window, AVA, FLOWS[flow_id])
    row(window, "confirm-identity").tick_button.click()
    row(window, "issue-pass").issue_button.click()
    qtbot.waitUntil(lambda: window.passes.has_value, timeout=WAIT_MS)
    settle(qtbot, window)
    return session


def test_override_needs_a_reason_and_records_it_without_the_pass(qtbot, tenant, clock, tmp_path):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    session = issued_session(qtbot, window)
    code = window.passes.code_label.plain_text().replace(" ", "")

    row(window, "add-account").override_button.click()
    dialog = window.guide.reason_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.ok_button.isEnabled()  # a reason is required
    dialog.text.setPlainText("   ")
    assert not dialog.ok_button.isEnabled()
    dialog.text.setPlainText(f"Saw the account in Authenticator; she typed {code} on the phone")
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    settle(qtbot, window)

    assert state(session, "add-account") is StepState.OVERRIDDEN
    record = session.checklist.record("add-account")
    assert code not in record.reason and "[pass removed]" in record.reason
    assert record.actor == "tess.tech@northwind.example"
    assert "Overridden" in row(window, "add-account").record.text()
    assert "Reason: Saw the account" in row(window, "add-account").record.text()
    overrides = [
        r.event
        for r in window.backend.services().store.audit(*DAY)
        if r.event.kind is AuditKind.OVERRIDE
    ]
    assert len(overrides) == 1
    event = overrides[0]
    assert (event.step_id, event.technician, event.target_upn) == (
        "add-account",
        "tess.tech@northwind.example",
        AVA,
    )
    assert event.pass_id == session.pass_facts.id and event.lifetime_minutes == 60
    assert code not in event.detail and event.detail.startswith("Saw the account")
    assert window.guide.reason_dialog is None
    # The next step is active and polls for what it needs.
    assert session.checklist.active_step.id == "create-passkey"
    # The pass reached no file the store wrote (database and write-ahead log).
    written = [p for p in (tmp_path / "home" / "data").iterdir() if p.name.startswith("tapdesk.db")]
    assert written and all(code.encode() not in p.read_bytes() for p in written)


def test_the_phone_refuses_a_spent_pass_in_words(qtbot, tenant, clock, tmp_path):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    issued_session(qtbot, window)
    assert phone(qtbot, window, "sign-in").startswith("✓")
    status = phone(qtbot, window, "authenticator-ios")  # a one-time pass works once
    assert status.startswith("✖") and "OneTimeUsed" in status and "replace it" in status
    assert window.banner.isHidden()  # the phone's trouble is the trainee's, not an app error


def test_no_simulated_phone_on_a_real_tenant(qtbot, tenant, clock, tmp_path):
    services = token_services(tenant, clock, tmp_path / "home")
    services.demo = None
    window = MainWindow(Backend.of(settings_with(services, demo=False)), heartbeat_ms=0)
    qtbot.addWidget(window)
    assert window.guide.phone is None


def test_a_user_deleted_mid_flow_gets_a_clear_message_and_the_session_stays(
    qtbot, tenant, clock, tmp_path
):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    session = issued_session(qtbot, window)
    tenant.delete_user(AVA)

    next_poll(qtbot, window, clock)

    note = window.guide.panel.problem_note
    assert note.isVisible()
    assert "User not found" in note.text.text() and "deleted" in note.text.text()
    assert note.button.isVisible() and note.button.text() == "Check again"
    poller = window.guide.onboarding.poller(session.session_id)
    assert poller.phase is PollPhase.BLOCKED  # waiting would not bring the user back
    before = method_lists(tenant)
    clock.advance(600)
    window.tick()
    settle(qtbot, window)
    assert method_lists(tenant) == before  # no more polling until asked
    assert not session.closed and state(session, "add-account") is StepState.ACTIVE
    summary = window.session_summaries()[0]
    assert summary.status is RosterStatus.PROBLEM and summary.problem == "User not found"
    assert window.guide.session_list.session_ids() == [session.session_id]
    # The technician can still close it with a reason; the record stays.
    window.guide.panel.close_button.click()
    dialog = window.guide.reason_dialog
    dialog.text.setPlainText("Account deleted by HR: start date moved")
    dialog.ok_button.click()
    settle(qtbot, window)
    assert session.closed and poller.phase is PollPhase.STOPPED
    kinds = [r.event.kind for r in window.backend.services().store.audit(*DAY)]
    # "and revoke the pass" is on by default: the pass went with the account, which the
    # revoke records before the session closes.
    assert kinds == [AuditKind.CONFIRM, AuditKind.ISSUE, AuditKind.REVOKE, AuditKind.ABANDON]


def test_throttling_waits_as_long_as_graph_asks_then_carries_on(qtbot, tenant, clock, tmp_path):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    session = issued_session(qtbot, window)
    tenant.inject(Fault.throttle("30", path_contains="microsoftAuthenticatorMethods"))
    tenant.phone(AVA).register_authenticator("ios")

    next_poll(qtbot, window, clock)

    note = window.guide.panel.problem_note
    assert note.isVisible() and "slow down" in note.text.text()
    poller = window.guide.onboarding.poller(session.session_id)
    assert poller.phase is PollPhase.BACKING_OFF
    assert "next check in" in window.guide.panel.poll_line.text()
    before = method_lists(tenant)
    next_poll(qtbot, window, clock)  # 13 s of Graph's 30: nothing asked
    assert method_lists(tenant) == before
    clock.advance(21)  # 34 s: past Retry-After and its spread
    window.tick()
    settle(qtbot, window)
    assert state(session, "add-account") is StepState.DONE
    assert not note.isVisible()


def test_a_lost_permission_blocks_checking_until_check_again(qtbot, tenant, clock, tmp_path):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    session = issued_session(qtbot, window)
    tenant.revoke_consent()
    next_poll(qtbot, window, clock)
    note = window.guide.panel.problem_note
    assert "Not permitted" in note.text.text()
    poller = window.guide.onboarding.poller(session.session_id)
    assert poller.phase is PollPhase.BLOCKED

    tenant.restore_consent()
    tenant.phone(AVA).register_authenticator("ios")
    note.button.click()  # Check again
    settle(qtbot, window)
    assert state(session, "add-account") is StepState.DONE
    assert not note.isVisible()


class FlakyStore:
    """The real store, with saves that fail while ``broken`` (a full disk)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.broken = False

    def save_session(self, snapshot: ChecklistSnapshot, events: Sequence[AuditEvent] = ()) -> None:
        if self.broken:
            raise DiskFull("The disk holding the tapdesk database is full.", hint="Free space.")
        self.store.save_session(snapshot, events)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def test_a_failed_save_is_a_visible_warning_and_nothing_is_lost(qtbot, tenant, clock, tmp_path):
    home = tmp_path / "home"
    store = FlakyStore(Store.open(home / "data" / "tapdesk.db"))
    window = onboarding_window(qtbot, tenant, clock, home, store=store)  # type: ignore[arg-type]
    store.broken = True
    session = issued_session(qtbot, window)

    save_note = window.guide.panel.save_note
    assert save_note.isVisible() and "could not be saved" in save_note.text.text()
    assert window.banner.title.text() == "Session not saved"
    assert window.banner.tone is Tone.WARNING
    assert state(session, "issue-pass") is StepState.DONE  # kept in memory
    assert window.session_summaries()[0].problem == "Not saved"
    assert store.store.session(session.session_id) is None

    store.broken = False
    save_note.button.click()  # Save again
    settle(qtbot, window)
    assert not save_note.isVisible()
    saved = store.store.session(session.session_id)
    assert saved is not None and saved.pass_facts is not None
    kinds = [r.event.kind for r in store.store.audit(*DAY)]
    assert kinds == [AuditKind.CONFIRM, AuditKind.ISSUE]


def test_after_a_restart_the_session_resumes_and_offers_to_replace_the_pass(
    qtbot, tenant, clock, tmp_path
):
    home = tmp_path / "home"
    store = Store.open(home / "data" / "tapdesk.db")
    first = onboarding_window(qtbot, tenant, clock, home, store=store)
    session = issued_session(qtbot, first)
    old_pass = session.pass_facts.id
    first.close()

    second = onboarding_window(qtbot, tenant, clock, home, store=store)
    settle(qtbot, second)
    [resumed] = second.guide.onboarding.sessions()
    assert resumed.session_id == session.session_id and resumed.restored
    assert "Resumed 1 open session" in second.statusBar().currentMessage()
    second.open_user(AVA)
    qtbot.waitUntil(lambda: second.facts is not None and second.facts.tap_known, timeout=WAIT_MS)
    settle(qtbot, second)
    panel = second.guide.panel
    assert panel.session is resumed
    assert state(resumed, "confirm-identity") is StepState.DONE
    assert panel.restart_note.isVisible() and "value of this pass is gone" in (
        panel.restart_note.text.text()
    )
    assert not second.passes.has_value

    panel.restart_note.button.click()  # Replace the pass
    confirm(qtbot, second)  # the old pass still works: replacing it asks once
    qtbot.waitUntil(lambda: second.passes.has_value, timeout=WAIT_MS)
    settle(qtbot, second)
    assert not panel.restart_note.isVisible()
    assert resumed.pass_facts.id != old_pass
    issues = [r.event for r in store.audit(*DAY) if r.event.kind is AuditKind.ISSUE]
    assert issues[-1].replaces_pass_id == old_pass and issues[-1].step_id == "issue-pass"
    assert issues[-1].session_id == session.session_id


def test_service_notices_are_shown_once_after_start(qtbot, tenant, clock, tmp_path):
    services = token_services(tenant, clock, tmp_path / "home")
    services.notices = ["Database damaged: it was set aside as tapdesk.db.corrupt-1."]
    window = MainWindow(Backend.of(services), heartbeat_ms=0)
    qtbot.addWidget(window)
    window.show()
    sign_in_with_token(qtbot, window)
    qtbot.waitUntil(lambda: window.guide.onboarding.resume_done, timeout=WAIT_MS)
    assert not window.banner.isHidden()
    assert "set aside" in window.banner.message.text()
    assert "set aside" in window.notice.toolTip() and window.notice.isVisible()
    open_user(qtbot, window, "ava", AVA)  # selecting a user clears the banner; no repeat
    QApplication.processEvents()
    assert window.banner.isHidden()


def test_the_phone_panel_stacks_when_docked_at_a_side(qtbot, tenant, clock, tmp_path):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home", sign_in=False)
    dock = window.guide.phone
    assert window.dockWidgetArea(dock) is Qt.DockWidgetArea.BottomDockWidgetArea
    assert dock.across  # one compact row
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    qtbot.waitUntil(lambda: not dock.across)
    assert not any(b.isEnabled() for b in dock.buttons.values())  # nobody chosen yet
    assert "Choose a user" in dock.target.text()
