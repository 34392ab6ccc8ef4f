"""What the window shows is what is true (issue 14, problem 6): the card follows what the
checklist saw, the pass comes after the identity check on every checklist path, the form starts
afresh for each person, a lifetime outside the policy is shown as typed, the roster's device and
notes reach the card, and sign-in on the demo names no browser."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tapdesk.app.main import build_services
from tapdesk.config import Settings
from tapdesk.core.checklist import StepState
from tapdesk.core.passrules import lifetime_bounds
from tapdesk.core.roster import parse_roster
from tapdesk.runtime.paths import AppPaths
from tapdesk.ui.dev.screenshots import ROSTER
from tapdesk.ui.window.signin import DEMO_BUSY
from tests.helpers.demo import UPN
from tests.helpers.keyring import MemoryKeyring
from tests.helpers.qt import (
    WAIT_MS,
    open_user,
    read,
    signed_out_window,
    tip_text,
    wait_idle,
)
from tests.ui.onboarding_helpers import (
    FLOWS,
    next_poll,
    onboarding_window,
    phone,
    row,
    session_of,
    settle,
    start_flow,
    state,
)

AVA, ANDY, NORA = UPN["ava.newhire"], UPN["andy.app"], UPN["nora.newhire"]
NO_APP_YET = "No Authenticator or passkey yet"


def pass_requests(tenant) -> list[str]:
    """The create-pass requests Graph has had so far."""
    return [
        path
        for method, path, _h in tenant.requests
        if method == "POST" and path.endswith("temporaryAccessPassMethods")
    ]


def issue_from_the_checklist(qtbot, window) -> None:
    row(window, "confirm-identity").tick_button.click()
    row(window, "issue-pass").issue_button.click()
    qtbot.waitUntil(lambda: window.passes.has_value, timeout=WAIT_MS)
    settle(qtbot, window)


def test_the_card_shows_what_the_checklist_saw(qtbot, tenant, clock, tmp_path):
    """Authenticator and a passkey seen by the checklist's polls are on the card too, without
    opening the user again."""
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    session = start_flow(qtbot, window, NORA, FLOWS["passkey-authenticator"])
    issue_from_the_checklist(qtbot, window)
    assert NO_APP_YET in window.card.methods.text()

    phone(qtbot, window, "authenticator-ios")
    next_poll(qtbot, window, clock)
    assert state(session, "add-account") is StepState.DONE
    phone(qtbot, window, "passkey-android")
    next_poll(qtbot, window, clock)
    assert state(session, "create-passkey") is StepState.DONE
    wait_idle(qtbot, window)

    methods = window.card.methods.text()
    assert "Microsoft Authenticator" in methods and "Passkey:" in methods
    assert NO_APP_YET not in methods
    facts = window.facts
    assert facts is not None and facts.scope_checked  # the other facts were kept, not reset


def test_opening_the_same_user_again_reads_the_card_again(qtbot, tenant, clock, tmp_path):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    user = open_user(qtbot, window, "nora", NORA)
    assert NO_APP_YET in window.card.methods.text()
    tenant.phone(NORA).register_authenticator("android")  # done elsewhere, not by a checklist
    window.select_user(user)
    wait_idle(qtbot, window)
    assert "Microsoft Authenticator" in window.card.methods.text()
    assert NO_APP_YET not in window.card.methods.text()


def test_issuing_from_the_form_confirms_identity_first(qtbot, tenant, clock, tmp_path):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    open_user(qtbot, window, "ava", AVA)
    window.form.set_path("web-sign-in")
    window.form.issue_button.click()
    settle(qtbot, window)

    session = session_of(window)
    assert session.flow.id == "web-sign-in"
    assert tenant.users[AVA].tap is None and pass_requests(tenant) == []  # Graph not asked
    assert state(session, "confirm-identity") is StepState.ACTIVE
    assert state(session, "issue-pass") is StepState.PENDING
    assert window.focusWidget() is row(window, "confirm-identity").tick_button
    assert window.form.status.text() == (
        "Confirm who the new hire is (Ava Newhire) first, then issue from the checklist."
    )

    row(window, "confirm-identity").tick_button.click()
    clock.advance(30)  # a little talk with the new hire
    row(window, "issue-pass").issue_button.click()
    qtbot.waitUntil(lambda: window.passes.has_value, timeout=WAIT_MS)
    settle(qtbot, window)
    assert tenant.users[AVA].tap is not None and len(pass_requests(tenant)) == 1
    confirmed = session.checklist.record("confirm-identity")
    issued = session.checklist.record("issue-pass")
    assert confirmed.finished_at is not None and issued.finished_at is not None
    assert confirmed.finished_at < issued.finished_at


def test_an_open_checklist_before_its_pass_is_not_skipped_from_the_form(
    qtbot, tenant, clock, tmp_path
):
    """ "Pass settings" brings the form back beside a checklist still at the identity check: its
    Issue shows that step instead of issuing."""
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    session = start_flow(qtbot, window, AVA, FLOWS["passkey-authenticator"])
    window.guide.panel.form_button.click()
    assert window.form.isVisible()
    window.form.issue_button.click()
    settle(qtbot, window)
    assert pass_requests(tenant) == [] and not window.passes.has_value
    assert [s.session_id for s in window.guide.onboarding.sessions()] == [session.session_id]
    assert state(session, "confirm-identity") is StepState.ACTIVE
    assert window.focusWidget() is row(window, "confirm-identity").tick_button
    assert "first, then issue from the checklist" in window.form.status.text()


def test_pass_only_still_issues_from_the_form(qtbot, tenant, clock, tmp_path):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    open_user(qtbot, window, "ava", AVA)
    window.form.set_path(None)
    window.form.issue_button.click()
    qtbot.waitUntil(lambda: window.passes.has_value, timeout=WAIT_MS)
    assert window.guide.onboarding.sessions() == []


def test_the_form_resets_for_the_next_person(qtbot, tenant, clock, tmp_path):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    form = window.form
    open_user(qtbot, window, "ava", AVA)
    form.lifetime.setValue(120)
    form.one_time.setChecked(False)
    form.start_later.setChecked(True)
    form.set_path("web-sign-in")

    andy = open_user(qtbot, window, "andy", ANDY)
    assert window.policy is not None
    assert form.lifetime.value() == lifetime_bounds(window.policy).default
    assert form.one_time.isChecked()  # the recommended path suggests a one-time pass
    assert form.start_now.isChecked() and form.start_time() is None
    assert form.flow_id == "passkey-authenticator"

    form.lifetime.setValue(90)  # the same person opened again keeps what was set
    window.select_user(andy)
    wait_idle(qtbot, window)
    assert form.lifetime.value() == 90


def test_the_form_resets_to_the_technicians_defaults(qtbot, tenant, clock, tmp_path):
    window = onboarding_window(
        qtbot,
        tenant,
        clock,
        tmp_path / "home",
        default_lifetime_minutes=180,
        default_one_time=False,
    )
    form = window.form
    open_user(qtbot, window, "ava", AVA)
    form.lifetime.setValue(120)
    form.one_time.setChecked(True)
    open_user(qtbot, window, "andy", ANDY)
    assert (form.lifetime.value(), form.one_time.isChecked()) == (180, False)


def test_an_out_of_range_lifetime_is_shown_not_changed(qtbot, tenant, clock, tmp_path):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    form = window.form
    open_user(qtbot, window, "ava", AVA)
    assert window.policy is not None and window.policy.known
    assert form.lifetime_problem.isHidden() and form.can_issue
    wanted = "The tenant policy allows 60 to 480 minutes (1 h to 8 h)."

    for typed in ("30", "500"):
        form.lifetime.setFocus()
        form.lifetime.selectAll()
        qtbot.keyClicks(form.lifetime, typed)
        qtbot.keyClick(form.lifetime, Qt.Key.Key_Tab)
        assert form.lifetime.value() == int(typed)
        assert form.lifetime.text() == f"{typed} min"
        assert read(form.lifetime_problem) == wanted
        assert form.lifetime_problem.isVisible()
        assert not form.issue_button.isEnabled()

    form.lifetime.setValue(120)
    assert form.lifetime_problem.isHidden() and form.can_issue


def test_roster_device_and_notes_show_on_the_card(qtbot, tenant, clock, tmp_path):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    user = open_user(qtbot, window, "ava", AVA)
    assert window.card.roster.isHidden()  # no roster loaded: nothing to say
    roster = window.day_tools.open_roster()
    hostile = ROSTER.replace("desk 4.12", "desk 4.12, <b>ask for Kim</b> at reception")
    roster.show_roster(parse_roster(hostile), "new-hires.csv")
    qtbot.waitUntil(
        lambda: bool(roster.model.rows) and not roster.queue.running and not roster.runner.busy,
        timeout=WAIT_MS,
    )
    roster.close()

    window.select_user(user)  # opened again: the roster row is now known
    wait_idle(qtbot, window)
    line = window.card.roster
    whole = "Roster: LAP-0141 · desk 4.12, <b>ask for Kim</b> at reception"
    assert line.isVisible() and line.value() == whole
    assert line.textFormat() is Qt.TextFormat.PlainText  # roster text is data, never markup
    assert tip_text(line.toolTip()) == whole

    open_user(qtbot, window, "andy", ANDY)
    assert window.card.roster.value() == "Roster: LAP-0151"
    open_user(qtbot, window, "erin", UPN["erin.existing"])  # on the roster, nothing to say
    assert window.card.roster.isHidden()


def test_the_demo_sign_in_does_not_send_you_to_a_browser(qtbot, tenant, clock, tmp_path):
    """The composition root's own demo: its sign-in page answers in-process (no browser)."""
    services = build_services(
        Settings(demo=True),
        AppPaths.default({"TAPDESK_HOME": str(tmp_path / "home")}),
        clock=clock,
        demo_tenant=tenant,
        keyring_backend=MemoryKeyring(),
    )
    assert services.browser_simulated
    window = signed_out_window(qtbot, services)
    try:
        window.signin.sign_in()
        header = window.header.who.text()
        assert header == DEMO_BUSY
        assert "browser" not in header.lower()
        qtbot.waitUntil(lambda: window.technician is not None, timeout=15_000)
    finally:
        wait_idle(qtbot, window)
        services.close()


def test_a_reusable_pass_is_never_called_one_time_in_the_checklist(qtbot, tenant, clock, tmp_path):
    """A guard: this already holds (the flow text follows the pass since issue 17); it stays
    true for every step of a reusable pass's checklist, before and after the pass."""
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    start_flow(qtbot, window, AVA, FLOWS["web-sign-in"])  # the flow suggests a reusable pass
    assert not window.form.one_time.isChecked()

    def words() -> str:
        labels = window.guide.panel.findChildren(QLabel)
        return "\n".join(read(label) for label in labels).lower()

    assert "one-time" not in words()
    issue_from_the_checklist(qtbot, window)
    assert session_of(window).pass_facts is not None
    assert not session_of(window).pass_facts.usable_once
    text = words()
    assert "reusable" in text or "temporary" in text
    assert "one-time" not in text


def test_after_the_identity_tick_the_keyboard_is_on_the_checklists_issue(
    qtbot, tenant, clock, tmp_path
):
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    open_user(qtbot, window, "ava", AVA)
    window.form.set_path("web-sign-in")
    window.form.issue_button.click()  # starts the checklist at who the new hire is
    tick = row(window, "confirm-identity").tick_button
    settle(qtbot, window)
    assert window.focusWidget() is tick
    qtbot.keyClick(tick, Qt.Key.Key_Space)  # ticked from the keyboard
    issue_button = row(window, "issue-pass").issue_button
    qtbot.waitUntil(lambda: window.focusWidget() is issue_button, timeout=WAIT_MS)
