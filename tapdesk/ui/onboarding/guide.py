"""Wires the onboarding checklist into the main window.

The window calls a handful of hooks (:meth:`Guide.start`, :meth:`Guide.show_user`,
:meth:`Guide.tick`, and the issue/revoke routing); everything else, the checklist panel, the
session list, the simulated phone and their dialogs, lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt

from tapdesk.core.models import AuthMethod, User
from tapdesk.core.passrules import IssueRequest
from tapdesk.errors import TapdeskError
from tapdesk.ui.onboarding.controller import IssuePlan, Onboarding
from tapdesk.ui.onboarding.panel import ChecklistPanel
from tapdesk.ui.onboarding.session_list import SessionList
from tapdesk.ui.theme import Tone
from tapdesk.workflows.onboarding import OnboardingSession, SessionSummary

if TYPE_CHECKING:
    from tapdesk.ui.onboarding.phone import PhonePanel
    from tapdesk.ui.onboarding.reason import ReasonDialog
    from tapdesk.ui.window.main_window import MainWindow
    from tapdesk.workflows.issuing import Issued, Issuer


class Guide(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.onboarding = Onboarding(
            window.services,
            window.runner,
            window.clock,
            self,
            technician=lambda: window.technician.username if window.technician else "",
        )
        self.panel = ChecklistPanel()
        self.session_list = SessionList()
        self.phone: PhonePanel | None = None
        self.reason_dialog: ReasonDialog | None = None
        self._user: User | None = None
        self._form_wanted = False  # the technician opened the form beside an issued pass
        window.work.add_to_form_column(self.panel, 1)
        window.left_layout.addWidget(self.session_list)
        window.form.set_flows(self.onboarding.flows)
        if window.services.demo is not None:
            from tapdesk.ui.onboarding.phone import PhonePanel  # the demo tenant's only

            self.phone = PhonePanel(window)
            # Along the bottom: the form and the pass keep the width to sit side by side.
            window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.phone)
            self.phone.action_requested.connect(self.run_phone)
        self._connect()

    def _connect(self) -> None:
        ob, panel, window = self.onboarding, self.panel, self.window
        ob.session_changed.connect(self._on_session_changed)
        ob.sessions_changed.connect(self._refresh_list)
        ob.step_finished.connect(self._on_step_finished)
        ob.sessions_changed.connect(window.sessions_changed)
        ob.failed.connect(window.show_error)
        ob.notice.connect(window.show_notice)
        ob.service_notice.connect(
            lambda text: window.show_notice("Please note", text, standing=True)
        )
        window.signin.signed_in.connect(lambda _technician: ob.signed_in_again())
        ob.resumed.connect(self._on_resumed)
        panel.start_requested.connect(self.start_checklist)
        panel.tick_requested.connect(lambda step: self._with_session(ob.tick, step))
        panel.override_requested.connect(self.ask_override)
        panel.skip_requested.connect(self.ask_skip)
        panel.issue_requested.connect(window.issue)
        panel.replace_requested.connect(window.issue)
        panel.revoke_requested.connect(self.revoke_shown)
        panel.check_again_requested.connect(lambda: self._with_session(ob.check_again))
        panel.save_again_requested.connect(lambda: self._with_session(ob.save_again))
        panel.close_requested.connect(self.ask_close)
        panel.form_toggled.connect(self._toggle_form)
        window.form.changed.connect(self._form_changed)
        self.session_list.session_chosen.connect(window.open_session)
        window.form.paths.buttonToggled.connect(lambda *_: self._show_empty_choice())

    # -- window hooks ---------------------------------------------------------------------------
    def start(self) -> None:
        for problem in self.onboarding.flow_problems:  # the other flows still load
            self.window.show_notice(problem.title, problem.message, standing=True)
        self.onboarding.resume()
        for flow in self.onboarding.flows:  # the first checklist then shows without a stall
            self.panel.prepare(flow)

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

    def summaries(self) -> list[SessionSummary]:
        return self.onboarding.summaries()

    def plan_issue(self, user: User, flow_id: str | None) -> IssuePlan | None:
        return self.onboarding.plan_issue(user, flow_id)

    def issue(
        self,
        plan: IssuePlan,
        user: User,
        request: IssueRequest,
        issuer: Issuer,
        on_issued: Callable[[Issued], None],
        on_failed: Callable[[TapdeskError], None],
        known_methods: tuple[AuthMethod, ...] | None = None,
    ) -> None:
        self.onboarding.issue(plan, user, request, issuer, on_issued, on_failed, known_methods)

    def session_with_pass(self, user_id: str, pass_id: str) -> OnboardingSession | None:
        session = self.onboarding.open_for(user_id)
        facts = session.pass_facts if session else None
        return session if facts is not None and facts.id == pass_id else None

    def revoke(self, session: OnboardingSession) -> None:
        self.onboarding.revoke(session, self.window.session_issuer())

    def open_session(self, session_id: str) -> OnboardingSession | None:
        session = self.onboarding.choose(session_id)
        if session is not None:
            self._render()
        return session

    # -- the panel's buttons --------------------------------------------------------------------
    def start_checklist(self) -> None:
        user, flow = self._user, self.onboarding.flow(self.window.form.flow_id)
        if user is None or flow is None or self.onboarding.open_for(user.id) is not None:
            return
        self.onboarding.start(flow, user)
        self._render()

    def revoke_shown(self) -> None:
        session = self.panel.session
        if session is None:
            return
        passes = self.window.passes
        if passes.tap is not None and passes.tap.id == getattr(session.pass_facts, "id", None):
            self.window.revoke()  # the pass panel shows it: revoke from there, as its button does
        else:
            self.window.passes.set_busy(True)
            self.revoke(session)

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
                parent=self.window,
            ),
            lambda reason: then(sid, step_id, reason),
        )

    def ask_close(self) -> None:
        from tapdesk.ui.onboarding.reason import ReasonDialog

        session = self.panel.session
        if session is None:
            return
        sid = session.session_id
        self._ask(
            ReasonDialog(
                "Close the session",
                f"Close the checklist for {session.name} without finishing it? The pass is not "
                "revoked by this. Say why.",
                action="Close session",
                parent=self.window,
            ),
            lambda reason: self.onboarding.abandon(sid, reason),
        )

    def _ask(self, dialog: ReasonDialog, then: Callable[[str], object]) -> None:
        if self.reason_dialog is not None:
            self.reason_dialog.reject()
        self.reason_dialog = dialog

        def accepted() -> None:
            # The pass panel holds the only copy of the pass: it takes any copy out of the text.
            then(self.window.passes.redact(dialog.reason()))

        def finished() -> None:
            if self.reason_dialog is dialog:
                self.reason_dialog = None
            dialog.deleteLater()

        dialog.accepted.connect(accepted)
        dialog.finished.connect(finished)
        dialog.open()

    # -- the simulated phone --------------------------------------------------------------------
    def run_phone(self, key: str) -> None:
        from tapdesk.ui.onboarding.phone import ACTION_BY_KEY, perform

        phone, user = self.phone, self._user
        action = ACTION_BY_KEY.get(key)
        if phone is None or user is None or action is None:
            return
        demo, upn = self.window.services.demo, user.user_principal_name
        phone.set_busy(True)
        self.window.runner.submit(
            lambda: perform(demo, upn, action),
            lambda text: self._phone_done(upn, f"✓ {text}", Tone.OK),
            lambda error: self._phone_done(upn, f"✖ {error.message} {error.hint}", Tone.ERROR),
            name="simulated phone",
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
        form = self.window.form
        if user is None:
            self.panel.show_nothing()
            form.follow_session(None)
            form.show()
            self.window.work.set_form_column_weight(2)
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
        self.window.work.set_form_column_weight(3 if form.isHidden() else 2)
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
        form = self.window.form
        self.panel.set_issue_state(form.can_issue, form.summary() if self._user else "")

    def _toggle_form(self, wanted: bool) -> None:
        self._form_wanted = wanted
        self._render()

    def _show_empty_choice(self) -> None:
        user = self._user
        if user is None or self.onboarding.for_user(user.id) is not None:
            return
        flow = self.onboarding.flow(self.window.form.flow_id)
        self.panel.show_empty(
            user.display_name or user.user_principal_name, flow.title if flow else None
        )

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
        self.window.statusBar().showMessage(f"✓ {session.name}: {step.title}", 10_000)

    def _on_resumed(self, count: int) -> None:
        noun = "session" if count == 1 else "sessions"
        self.window.statusBar().showMessage(
            f"Resumed {count} open {noun}. Pass values do not survive a restart: replace a pass "
            "if it is still needed.",
            15_000,
        )
        self._render()
