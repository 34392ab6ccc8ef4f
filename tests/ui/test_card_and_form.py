"""What the card warns about before any attempt, and a form bounded by the tenant policy."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFrame
from shiboken6 import isValid

from tapdesk.core.readiness import Finding, Severity
from tapdesk.demo import Fault
from tapdesk.ui.text import RichLabel
from tapdesk.ui.widgets.issue_form import IssueForm, SetupPath
from tapdesk.ui.widgets.pass_panel import ELSEWHERE_TEXT, PanelState
from tapdesk.ui.widgets.user_card import UserCard
from tests.helpers.demo import UPN
from tests.helpers.qt import issue, open_user, read, search


def test_a_disabled_account_blocks_the_issue_button_with_the_reason(qtbot, window):
    open_user(qtbot, window, "carl", UPN["carl.disabled"])
    assert window.card.enabled_chip.text() == "Disabled"
    assert "disabled" in window.card.problem_codes()
    assert not window.form.can_issue
    assert "disabled" in window.form.blocked_note.text()


def test_a_user_outside_the_policy_groups_is_flagged_before_any_attempt(qtbot, window):
    open_user(qtbot, window, "oscar", UPN["oscar.outside"])
    assert "out-of-scope" in window.card.problem_codes()
    assert not window.form.can_issue


def test_an_external_guest_is_refused(qtbot, window):
    users = search(qtbot, window, "gina")
    window.select_user(users[0])
    qtbot.waitUntil(lambda: window.facts is not None and window.facts.tap_known)
    assert window.card.type_chip.text() == "Guest"
    assert "external-guest" in window.card.problem_codes()
    assert not window.form.can_issue


def test_an_existing_pass_is_shown_without_its_value_and_will_be_replaced(qtbot, window):
    open_user(qtbot, window, "erin", UPN["erin.existing"])
    assert window.card.existing.text().startswith("Expires in 30:00")
    assert "existing-pass" in window.card.problem_codes()
    assert window.form.issue_button.text() == "Replace the current pass…"
    assert not window.passes.has_value
    # Not blank: the panel names the pass it cannot show, and offers Revoke and Replace.
    assert window.passes.state is PanelState.ELSEWHERE
    assert window.passes.message.text() == ELSEWHERE_TEXT
    assert window.passes.countdown_label.text().startswith("Expires in 30:00")
    assert window.passes.revoke_button.isVisible() and window.card.revoke_button.isVisible()


def test_registered_methods_are_named_from_the_aaguid(qtbot, window):
    open_user(qtbot, window, "priya", UPN["priya.passkey"])
    text = window.card.methods.text()
    assert "Passkey: Microsoft Authenticator (iOS)" in text
    assert "Microsoft Authenticator on" in text


def test_issuing_to_yourself_is_refused_before_graph_is_asked(qtbot, window):
    open_user(qtbot, window, "tess", UPN["tess.tech"])
    assert "self-target" in window.card.problem_codes()
    assert not window.form.can_issue


def test_the_form_follows_the_tenant_policy(qtbot, tenant, make_window):
    tenant.set_policy(
        minimumLifetimeInMinutes=30,
        maximumLifetimeInMinutes=240,
        defaultLifetimeInMinutes=90,
        isUsableOnce=True,
    )
    window = make_window()
    form = window.form
    # The box takes any lifetime Graph does; the policy's range is the note and the check.
    assert (form.lifetime.minimum(), form.lifetime.maximum(), form.lifetime.value()) == (
        10,
        43200,
        90,
    )
    assert form.policy_note.text() == "Tenant policy: 30 min to 4 h, default 1 h 30 min."
    assert form.lifetime_problem.isHidden()
    assert form.one_time.isChecked() and not form.one_time.isEnabled()
    assert "every pass one-time" in form.one_time_note.text()
    assert form.request().usable_once is True


def test_a_policy_that_cannot_be_read_falls_back_to_the_documented_defaults(qtbot, make_window):
    window = make_window(scopes=["User.Read.All", "UserAuthenticationMethod.ReadWrite.All"])
    assert window.policy is not None and not window.policy.known
    form = window.form
    assert form.lifetime.value() == 60
    assert form.policy_note.text() == "Policy not readable: documented defaults, 1 h to 8 h."
    assert "not readable" in form.policy_note.text()
    assert "could not be read" in form.policy_note.toolTip()
    assert not form.policy_note.isHidden()


def test_one_time_against_a_reusable_suggestion_warns_with_the_flows_reason(qtbot, window):
    flow = next(f for f in window.guide.flows if f.id == SetupPath.OOBE)
    suggestion = flow.pass_suggestion
    assert suggestion is not None and suggestion.usable_once is False and suggestion.reason
    open_user(qtbot, window, "ava", UPN["ava.newhire"])
    form = window.form
    assert form.one_time.isChecked()  # as the recommended path suggests
    form.set_path(SetupPath.OOBE)
    assert not form.warning.isHidden()  # the form says so at once, before any Issue
    form.one_time.setChecked(False)
    assert form.warning.isHidden()
    form.one_time.setChecked(True)
    assert not form.warning.isHidden()
    assert form.warning.value() == f"⚠ {suggestion.reason}"  # the flow's words, none of ours
    form.set_path(SetupPath.AUTHENTICATOR)
    assert form.warning.isHidden()


def test_built_in_paths_warn_of_nothing_until_the_flows_say_why(qtbot, clock):
    form = IssueForm(clock)  # before any flow loads: the built-in paths
    qtbot.addWidget(form)
    form.set_path(SetupPath.OOBE)
    form.one_time.setChecked(True)
    assert form.choice is not None and form.choice.flow_id == SetupPath.OOBE
    assert form.choice.one_time_warning == ""
    assert form.warning.isHidden()


def test_a_graph_error_shows_inline_with_a_copyable_request_id(qtbot, window):
    open_user(qtbot, window, "alex", UPN["alex.admin"])  # an admin: Authentication Admin may not
    window.form.set_path(None)  # the form's own Issue
    issue(qtbot, window)
    banner = window.form.message  # by the Issue button, not at the top of the work
    assert not banner.isHidden() and window.banner.isHidden()
    assert banner.title.text() == "Not permitted"
    assert window.statusBar().currentMessage().startswith("Not permitted: ")
    rid = banner.request_id.property("rid")
    assert rid and rid in banner.request_id.text()
    banner.copy_id.click()
    assert QGuiApplication.clipboard().text() == rid
    assert window.form.can_issue  # not frozen: the technician can try again


def test_an_outage_on_issue_is_an_error_banner_not_a_crash(qtbot, window, tenant):
    open_user(qtbot, window, "ava", UPN["ava.newhire"])
    window.form.set_path(None)  # the form's own Issue
    tenant.inject(Fault.unavailable(503, "0", times=None, method="POST"))
    issue(qtbot, window)
    assert window.form.message.title.text() == "Microsoft Graph is unavailable"
    assert window.form.message.request_id.property("rid")
    assert not window.passes.has_value
    tenant.clear_faults()
    issue(qtbot, window)
    assert window.passes.has_value
    assert window.form.message.isHidden()  # it worked: the error no longer applies


def test_the_cards_findings_keep_their_rows_while_they_stay_the_same(qtbot):
    """The card's facts merge several times per user (each answer, the policy): its finding
    rows are rewritten where a finding changed, never built again for the same ones."""
    card = UserCard()
    qtbot.addWidget(card)
    found = [
        Finding("scope-unknown", Severity.WARNING, "Policy targets not checked yet."),
        Finding("existing-pass", Severity.INFO, "Has a pass.", "Issuing replaces it."),
    ]
    card.set_problems(found)
    rows = card.findChildren(QFrame, "problem")
    card.set_problems(list(found))
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert card.findChildren(QFrame, "problem") == rows
    assert all(isValid(r) for r in rows)

    found[0] = Finding("out-of-scope", Severity.BLOCKS, "Outside the policy groups.")
    card.set_problems(found)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert card.findChildren(QFrame, "problem") == rows and all(isValid(r) for r in rows)
    assert card.problem_codes() == ["out-of-scope", "existing-pass"]
    assert "Outside the policy groups." in read(rows[0].findChild(RichLabel))

    card.set_problems(found[1:])
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert card.problem_codes() == ["existing-pass"]
    assert len(card.findChildren(QFrame, "problem")) == 1
