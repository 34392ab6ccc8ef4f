"""A pass issued when tapdesk was interrupted: on the next start the window records it, says
so, and offers to revoke it (its value is gone)."""

from __future__ import annotations

from datetime import timedelta

from tapdesk.core.audit import AuditKind, IntentKind
from tapdesk.core.passrules import IssueRequest
from tapdesk.core.roles import Roles
from tapdesk.store import Store
from tapdesk.workflows.issuing import TRAIL_OFF, Issuer
from tapdesk.workflows.reconcile import RECONCILED
from tests.helpers.demo import UPN
from tests.helpers.qt import (
    WAIT_MS,
    confirm,
    issue,
    open_user,
    show_window,
    through_checklist,
    token_services,
    wait_idle,
)

AVA = UPN["ava.newhire"]


def test_the_next_start_records_it_and_offers_revoke(qtbot, tenant, clock, tmp_path) -> None:
    services = token_services(tenant, clock, tmp_path / "home")
    store, graph = services.store, services.graph
    assert store is not None
    user = graph.get_user(AVA)
    issuer = Issuer("tess.tech@northwind.example", Roles.unknown(), store, clock)
    store.begin_intent(issuer._intent(IntentKind.ISSUE, user))  # then tapdesk died mid-request
    tap = graph.create_tap(user.id, IssueRequest())

    window = show_window(qtbot, services)
    banner = window.banner
    qtbot.waitUntil(lambda: banner.title.text() == "Interrupted pass", timeout=WAIT_MS)
    assert AVA in banner.message.text() and "value is gone" in banner.message.text()
    assert banner.action_button.isVisible() and banner.action_button.text() == "Revoke…"
    assert AVA in window.notice.toolTip()  # it stays in the status bar after the banner goes

    banner.action_button.click()
    assert AVA in confirm(qtbot, window)  # it asks once, naming whose pass
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: tenant.users[AVA].tap is None, timeout=WAIT_MS)
    span = (clock.now() - timedelta(days=1), clock.now() + timedelta(days=1))
    events = [r.event for r in store.audit(*span)]
    assert [(e.kind, e.pass_id, e.detail) for e in events] == [
        (AuditKind.ISSUE, tap.id, RECONCILED),
        (AuditKind.REVOKE, tap.id, ""),
    ]
    assert not banner.action_button.isVisible()


def test_without_a_trail_the_window_issues_nothing_and_says_why(qtbot, tenant, clock, tmp_path):
    services = token_services(tenant, clock, tmp_path / "home")
    services.store = Store.in_memory()  # what a locked database leaves tapdesk with
    window = show_window(qtbot, services)
    open_user(qtbot, window, "ava", AVA)
    window.issue()  # the checklist starts at the identity check
    through_checklist(qtbot, window)  # ticked, then its Issue
    message = window.passes.error  # the checklist's Issue fails in the pass column
    qtbot.waitUntil(lambda: message.title.text() == "No audit trail", timeout=WAIT_MS)
    assert "No pass was issued" in message.message.text()
    assert tenant.users[AVA].tap is None and not window.passes.has_value


def test_a_site_that_allows_it_gets_the_pass_and_is_told_the_trail_is_off(
    qtbot, tenant, clock, tmp_path
):
    services = token_services(tenant, clock, tmp_path / "home", allow_issue_without_trail=True)
    services.store = Store.in_memory()
    window = show_window(qtbot, services)
    open_user(qtbot, window, "ava", AVA)
    window.form.set_path(None)  # a pass only: no checklist to save
    issue(qtbot, window)
    assert window.passes.has_value
    assert window.banner.message.text() == TRAIL_OFF


def test_a_refused_pass_leaves_its_checklist_open_and_on_record(window, qtbot, tenant):
    """The form's Issue starts the checklist at the identity check (saved, as one started by
    hand); Graph then refusing the checklist's pass (an admin target) is in the trail, and the
    checklist stays open at its issue step for the technician to close or retry."""
    alex = UPN["alex.admin"]
    open_user(qtbot, window, "alex", alex)
    window.form.set_path("passkey-authenticator")
    window.issue()
    through_checklist(qtbot, window)
    qtbot.waitUntil(lambda: not window.passes.error.isHidden(), timeout=WAIT_MS)
    wait_idle(qtbot, window)
    [summary] = window.session_summaries()
    assert not summary.closed and summary.upn == alex
    store = window.backend.services().store
    span = (window.clock.now() - timedelta(days=1), window.clock.now() + timedelta(days=1))
    events = [r.event for r in store.audit(*span)]
    assert [e.kind for e in events] == [AuditKind.CONFIRM, AuditKind.REFUSE]
    assert events[1].error_code and events[1].request_id
    assert tenant.users[alex].tap is None
