"""The onboarding checklist beside the pass: its panel, the session list, the simulated phone.

The main window places the views (:attr:`Guide.panel`, :attr:`Guide.session_list`,
:attr:`Guide.phone`), calls a handful of hooks (:meth:`Guide.start`, :meth:`Guide.show_user`,
:meth:`Guide.tick`, :meth:`Guide.plan_issue`, :meth:`Guide.record_issued`,
:meth:`Guide.record_revoked`) and hears back only through signals. The two widgets the
checklist steers, the issue form and the work area, are handed to it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from tapdesk.core.clock import Clock
from tapdesk.core.flow_text import TextFacts
from tapdesk.core.flows import Action, Flow
from tapdesk.core.models import AuthMethod, User
from tapdesk.core.roles import Technician
from tapdesk.ui.onboarding.controller import ConfirmFirst, IssuePlan, Onboarding
from tapdesk.ui.onboarding.panel import ChecklistPanel
from tapdesk.ui.onboarding.session_list import SessionList
from tapdesk.ui.operations import Operations
from tapdesk.ui.theme import Tone
from tapdesk.ui.widgets.issue_form import IssueForm
from tapdesk.ui.widgets.work_area import WorkArea
from tapdesk.workflows.issuing import Issued
from tapdesk.workflows.onboarding import SessionSummary

if TYPE_CHECKING:
    from tapdesk.ui.onboarding.phone import PhonePanel
    from tapdesk.ui.onboarding.reason import ReasonDialog


class Guide(QObject):
    issue_requested = Signal()  # issue (or replace) with the form's settings
    revoke_requested = Signal(str)  # user id: revoke that user's session pass
    close_requested = Signal(str, str, bool)  # session id, reason, and revoke its live pass
    open_session_requested = Signal(str)  # session id, chosen in the list
    error = Signal(object)  # TapdeskError
    notice = Signal(str, str, bool)  # title, text, standing (stays in the status bar)
    status = Signal(str, int)  # a passing status-bar message, milliseconds
    sessions_changed = Signal()
    pass_observed = Signal(str, object)  # user id, TemporaryAccessPass | None (a poll read it)
    account_changed = Signal(str)  # user id: Graph showed a step done (a method added…)

    def __init__(
        self,
        ops: Operations,
        clock: Clock,
        form: IssueForm,
        work: WorkArea,
        *,
        technician: Callable[[], Technician | None],
        demo: bool,
        parent: QWidget,
        known_methods: Callable[[User], tuple[AuthMethod, ...] | None] = lambda _user: None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._clock = clock
        self._known_methods = known_methods  # the card's read (None: not read yet)
        self._form = form
        self._work = work
        self._dialog_parent = parent
        self.onboarding = Onboarding(
            ops,
            clock,
            self,
            technician=lambda: _username(technician()),
        )
        self.panel = ChecklistPanel()
        self.session_list = SessionList()
        self.phone: PhonePanel | None = None
        self.reason_dialog: ReasonDialog | None = None
        self._user: User | None = None
        self._form_wanted = False  # the technician opened the form beside an issued pass
        work.add_to_form_column(self.panel, 1)
        form.set_flows(self.onboarding.flows)
        if demo:
            from tapdesk.ui.onboarding.phone import PhonePanel  # the demo tenant's only

            self.phone = PhonePanel(parent)
            self.phone.action_requested.connect(self.run_phone)
        self._connect()

    def _connect(self) -> None:
        ob, panel, form = self.onboarding, self.panel, self._form
        ob.session_changed.connect(self._on_session_changed)
        ob.sessions_changed.connect(self._refresh_list)
        ob.step_finished.connect(self._on_step_finished)
        ob.sessions_changed.connect(self.sessions_changed)
        ob.failed.connect(self.error)
        ob.notice.connect(lambda title, text: self.notice.emit(title, text, False))
        ob.service_notice.connect(lambda text: self.notice.emit("Please note", text, True))
        ob.pass_observed.connect(self.pass_observed)
        ob.resumed.connect(self._on_resumed)
        panel.start_requested.connect(self.start_checklist)
        panel.tick_requested.connect(self._tick)
        panel.override_requested.connect(self.ask_override)
        panel.skip_requested.connect(self.ask_skip)
        panel.issue_requested.connect(self.issue_requested)
        panel.replace_requested.connect(self.issue_requested)
        panel.revoke_requested.connect(self.revoke_shown)
        panel.check_again_requested.connect(lambda: self._with_session(ob.check_again))
        panel.save_again_requested.connect(lambda: self._with_session(ob.save_again))
        panel.close_requested.connect(self.ask_close)
        panel.form_toggled.connect(self._toggle_form)
        # In view as after a Tab: the step shows some turns after the form that had the
        # keyboard went (Qt scrolled to where the focus fell then, before the steps were there).
        panel.focused.connect(self._work.reveal)
        form.changed.connect(self._form_changed)
        self.session_list.session_chosen.connect(self.open_session_requested)
        form.paths.buttonToggled.connect(lambda *_: self._show_empty_choice())

    # -- window hooks ---------------------------------------------------------------------------
    def start(self) -> None:
        for problem in self.onboarding.flow_problems:  # the other flows still load
            self.notice.emit(problem.title, problem.message, True)
        self.onboarding.read_notices()

    def show_user(self, user: User | None) -> None:
        """The window now shows ``user`` (None: nobody)."""
        if user is None or self._user is None or user.id != self._user.id:
            self._form_wanted = False
        self._user = user
        self.onboarding.show_user(user.id if user else None)
        if self.phone is not None:
            self.phone.set_target(
                user.user_principal_name if user else None, user.display_name if user else ""
            )
        self._render()

    def tick(self) -> None:
        self.onboarding.heartbeat()
        session = self.panel.session
        if session is not None and not self.panel.isHidden():
            self.panel.tick(self.onboarding.poll_text(session.session_id))

    @property
    def flows(self) -> list[Flow]:
        """The checklists this run loaded (once, at start)."""
        return self.onboarding.flows

    def signed_in(self) -> None:
        """The tenant's sessions show (resumed from the store the first time); checks stopped
        for want of a sign-in carry on by themselves."""
        self.onboarding.unlock()
        self.onboarding.signed_in_again()

    def signed_out(self) -> None:
        """Nobody is signed in: no session, checklist or phone shows until someone is."""
        self.onboarding.lock()
        self.show_user(None)

    def summaries(self) -> list[SessionSummary]:
        return self.onboarding.summaries()

    def user_of(self, upn_or_id: str) -> User | None:
        """A user some session of this run knows (no Graph call needed to open them)."""
        wanted = upn_or_id.strip().lower()
        for summary in reversed(self.summaries()):
            if wanted in (summary.user_id.lower(), summary.upn.lower()):
                session = self.onboarding.get(summary.session_id)
                if session is not None:
                    return session.user
        return None

    def user_of_session(self, session_id: str) -> User | None:
        session = self.onboarding.get(session_id)
        return session.user if session is not None else None

    def plan_issue(self, user: User, flow_id: str | None) -> IssuePlan | ConfirmFirst | None:
        """A checklist's pass (None: a pass only, as the form's path says; ConfirmFirst: its
        steps before the pass come first, see :meth:`show_first_step`)."""
        return self.onboarding.plan_issue(user, flow_id)

    def show_first_step(self, confirm: ConfirmFirst) -> None:
        """Show the checklist at its first step still to do, with the keyboard on its tick."""
        session = self.onboarding.get(confirm.session_id)
        if session is None or self._user is None or session.user_id != self._user.id:
            return
        if self.panel.session is not session:  # a checklist just started was drawn already
            self._render()
        self.panel.focus_step(confirm.steps[0].id, issue=False)

    def record_issued(self, plan: IssuePlan, user: User, issued: Issued) -> None:
        self.onboarding.record_issued(plan, user, issued)

    def session_pass(self, user_id: str, pass_id: str | None = None) -> str | None:
        """The id of the open session that holds the user's pass (that pass), if any."""
        session = self.onboarding.session_with_pass(user_id, pass_id)
        return session.session_id if session is not None else None

    def live_session_pass(self, session_id: str) -> str | None:
        """The id of the session's pass while it may still work (not revoked, used or out)."""
        session = self.onboarding.get(session_id)
        if session is None or session.closed:
            return None
        checklist = session.checklist
        facts = checklist.pass_facts
        if facts is None or checklist.revoked or self._clock.now() >= facts.expires:
            return None
        if facts.usable_once and checklist.pass_first_used_at is not None:
            return None
        return facts.id

    def pass_in_use(self, user_id: str, pass_id: str) -> bool:
        """The user's open checklist holds this pass and waits for the new hire to use it."""
        session = self.onboarding.session_with_pass(user_id, pass_id)
        return session is not None and session.checklist.waiting_for_pass_use

    def pass_id_of(self, session_id: str) -> str | None:
        session = self.onboarding.get(session_id)
        facts = session.pass_facts if session is not None else None
        return facts.id if facts is not None else None

    def record_revoked(self, session_id: str) -> None:
        self.onboarding.record_revoked(session_id)

    def shutdown(self) -> None:
        """The window closes: no more polls."""
        self.onboarding.shutdown()

    def flush(self) -> None:
        """After the workers stopped: store the last checklist changes."""
        self.onboarding.flush()

    def open_session(self, session_id: str) -> User | None:
        """Show that session's checklist; returns its user (None: no such session)."""
        session = self.onboarding.choose(session_id)
        if session is None:
            return None
        self._render()
        return session.user

    # -- the panel's buttons --------------------------------------------------------------------
    def start_checklist(self) -> None:
        user, flow = self._user, self.onboarding.flow(self._form.flow_id)
        if user is None or flow is None or self.onboarding.open_for(user.id) is not None:
            return
        self.onboarding.start(flow, user)
        self._render()

    def revoke_shown(self) -> None:
        session = self.panel.session
        if session is not None and session.pass_facts is not None:
            self.revoke_requested.emit(session.user_id)

    def ask_override(self, step_id: str) -> None:
        self._ask_about_step(
            step_id,
            "Override",
            "tapdesk has not seen “{title}” in Microsoft Graph. Mark it done anyway? "
            "Say what you saw.",
            self.onboarding.override,
        )

    def ask_skip(self, step_id: str) -> None:
        self._ask_about_step(
            step_id,
            "Skip",
            "Leave out “{title}”? A reason helps whoever reads the record.",
            self.onboarding.skip,
            required=False,
        )

    def _ask_about_step(
        self,
        step_id: str,
        action: str,
        question: str,
        then: Callable[[str, str, str], object],
        *,
        required: bool = True,
    ) -> None:
        """A reason for doing ``action`` to a step of the shown session, then ``then(sid, step, reason)``."""
        from tapdesk.ui.onboarding.reason import ReasonDialog

        session = self.panel.session
        if session is None:
            return
        title, sid = session.flow.step(step_id).title, session.session_id
        self._ask(
            ReasonDialog(
                f"{action}: {title}",
                question.format(title=title),
                action=action,
                required=required,
                parent=self._dialog_parent,
            ),
            lambda reason: then(sid, step_id, reason),
        )

    def ask_close(self) -> None:
        from tapdesk.ui.onboarding.reason import ReasonDialog

        session = self.panel.session
        if session is None:
            return
        sid = session.session_id
        live = self.live_session_pass(sid) is not None
        question = (
            f"Close the checklist for {session.name} without finishing it? Say why."
            if live
            else f"Close the checklist for {session.name} without finishing it? Its pass no "
            "longer works. Say why."
        )
        dialog = ReasonDialog(
            "Close the session",
            question,
            action="Close session",
            option="and revoke the pass (it stops working at once)" if live else None,
            parent=self._dialog_parent,
        )
        self._ask(
            dialog, lambda reason: self.close_requested.emit(sid, reason, dialog.option_chosen())
        )

    def _ask(self, dialog: ReasonDialog, then: Callable[[str], object]) -> None:
        if self.reason_dialog is not None:
            self.reason_dialog.reject()
        self.reason_dialog = dialog

        def accepted() -> None:
            # Any pass shown in this run leaves the reason in the checklist (core.redaction).
            then(dialog.reason())

        def finished() -> None:
            if self.reason_dialog is dialog:
                self.reason_dialog = None
            dialog.deleteLater()

        dialog.accepted.connect(accepted)
        dialog.finished.connect(finished)
        dialog.open()

    # -- the simulated phone --------------------------------------------------------------------
    def run_phone(self, key: str) -> None:
        from tapdesk.workflows.training_phone import ACTION_BY_KEY

        phone, user = self.phone, self._user
        action = ACTION_BY_KEY.get(key)
        if phone is None or user is None or action is None:
            return
        upn = user.user_principal_name
        phone.set_busy(True)
        self._ops.phone(
            upn,
            action,
            lambda text: self._phone_done(upn, f"✓ {text}", Tone.OK),
            lambda error: self._phone_done(upn, f"✖ {error.message} {error.hint}", Tone.ERROR),
        )

    def _phone_done(self, upn: str, text: str, tone: Tone) -> None:
        if self.phone is None:
            return
        self.phone.set_busy(False)
        if self.phone.upn == upn:
            self.phone.show_status(text.strip(), tone)

    # -- rendering ------------------------------------------------------------------------------
    def _with_session(self, fn: Callable[..., object], *args: object) -> None:
        session = self.panel.session
        if session is not None:
            fn(session.session_id, *args)

    def _render(self) -> None:
        user = self._user
        form = self._form
        if user is None:
            self.panel.show_nothing()
            form.follow_session(None)
            form.show()
            self._work.set_form_column_weight(2)
            self._refresh_list()
            return
        session = self.onboarding.for_user(user.id)
        open_session = self.onboarding.open_for(user.id)
        form.follow_session(
            open_session.flow.id if open_session else None,
            open_session.name if open_session else "",
        )
        # An open checklist takes the form's place beside the pass; "Pass settings" brings the
        # form back (the issue step and Replace use its settings).
        following = open_session is not None
        form.setVisible(not following or self._form_wanted)
        self._work.set_form_column_weight(3 if form.isHidden() else 2)
        self.panel.form_button.setVisible(following)
        self.panel.form_button.blockSignals(True)
        self.panel.form_button.setChecked(following and self._form_wanted)
        self.panel.form_button.blockSignals(False)
        self._form_changed()
        if session is None:
            self._show_empty_choice()
        else:
            self.panel.show_session(
                session,
                poll_text=self.onboarding.poll_text(session.session_id),
                can_issue=form.can_issue,
            )
        self._refresh_list()

    def _form_changed(self) -> None:
        """The form's settings, or the card's facts (they pass through the form), changed."""
        form, user = self._form, self._user
        request = form.request()
        methods = self._known_methods(user) if user is not None else None
        minutes, start = request.lifetime_minutes, request.start
        facts = TextFacts.of(
            usable_once=request.usable_once,
            lifetime_minutes=minutes,
            # A pass that starts later ends at a known time; one that starts now, when issued.
            expires=start + timedelta(minutes=minutes) if start and minutes else None,
            kinds=None if methods is None else (m.kind for m in methods),
        )
        self.panel.set_issue_state(form.can_issue, form.summary() if user else "", facts)

    def _toggle_form(self, wanted: bool) -> None:
        self._form_wanted = wanted
        self._render()

    def _show_empty_choice(self) -> None:
        user = self._user
        if user is None or self.onboarding.for_user(user.id) is not None:
            return
        flow = self.onboarding.flow(self._form.flow_id)
        self.panel.show_empty(
            user.display_name or user.user_principal_name, flow.title if flow else None
        )
        if flow is not None:  # the checklist offered here starts without building its rows
            self.panel.prepare(flow)

    def _on_session_changed(self, session_id: str) -> None:
        session = self.onboarding.get(session_id)
        if session is None or self._user is None or session.user_id != self._user.id:
            return
        shown = self.panel.session
        if shown is None or shown.session_id == session_id or shown.closed:
            self._render()

    def _refresh_list(self) -> None:
        shown = self.panel.session
        self.session_list.set_sessions(
            self.onboarding.summaries(), shown.session_id if shown else None
        )

    def _on_step_finished(self, session_id: str, step_id: str) -> None:
        session = self.onboarding.get(session_id)
        if session is None:
            return
        step = session.flow.step(step_id)
        self.status.emit(f"✓ {session.name}: {step.title}", 10_000)
        if step.check is not None:  # what Graph saw changed the account the card describes
            self.account_changed.emit(session.user_id)

    def _tick(self, step_id: str) -> None:
        self._with_session(self.onboarding.tick, step_id)
        session = self.panel.session
        upcoming = session.checklist.active_step if session is not None else None
        if upcoming is not None and upcoming.action is Action.ISSUE_PASS:
            # Identity confirmed: the keyboard goes on to the checklist's Issue (once redrawn).
            self.panel.focus_step(upcoming.id, issue=True)

    def _on_resumed(self, count: int) -> None:
        noun = "session" if count == 1 else "sessions"
        self.status.emit(
            f"Resumed {count} open {noun}. Pass values do not survive a restart: replace a pass "
            "if it is still needed.",
            15_000,
        )
        self._render()


def _username(technician: Technician | None) -> str:
    return technician.username if technician is not None else ""
