"""The technician's window: find the new hire, check the account, issue the pass, show it once,
then walk the onboarding checklist (:mod:`tapdesk.ui.onboarding`).

This class wires the parts together. Every Graph call goes through the task runner; results
for a user the technician has already moved away from are dropped (channels), and the pass
itself never leaves the pass panel.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from tapdesk.core import readiness
from tapdesk.core.clock import Clock
from tapdesk.core.lifecycle import pass_state
from tapdesk.core.models import AuthMethod, TapPolicy, TemporaryAccessPass, User, UserStatus
from tapdesk.core.passrules import validate_request
from tapdesk.core.readiness import Finding, TargetFacts
from tapdesk.core.roles import Roles, Technician
from tapdesk.errors import NotFound, TapdeskError
from tapdesk.ui import theme
from tapdesk.ui.onboarding.guide import Guide
from tapdesk.ui.qr import qr_payload
from tapdesk.ui.tasks import TaskRunner
from tapdesk.ui.theme import Tone
from tapdesk.ui.tools import menu as tools_menu
from tapdesk.ui.widgets.banner import Banner
from tapdesk.ui.widgets.header import HeaderBar
from tapdesk.ui.widgets.issue_form import IssueForm
from tapdesk.ui.widgets.pass_panel import PanelState, PassPanel
from tapdesk.ui.widgets.search import SearchPanel
from tapdesk.ui.widgets.user_card import UserCard
from tapdesk.ui.widgets.work_area import WorkArea
from tapdesk.ui.window.card_loader import CardLoader
from tapdesk.ui.window.clipboard import ClipboardGuard
from tapdesk.ui.window.finder import UserFinder
from tapdesk.ui.window.idle import IdleWatch
from tapdesk.ui.window.signin import SignIn
from tapdesk.workflows.issuing import Issued, Issuer

if TYPE_CHECKING:
    from tapdesk.app.services import Services
    from tapdesk.workflows.onboarding import SessionSummary

log = logging.getLogger(__name__)

POLL_SECONDS = 20.0  # how often a shown pass is re-read (used? revoked elsewhere?)


class MainWindow(QMainWindow):
    """The main window.

    Public API for other windows (the new-hire-day roster):

    - :meth:`open_user` (a UPN or object id) shows that user, as if chosen in the search;
    - :meth:`open_session` (a session id) shows that session's user and checklist;
    - :meth:`session_summaries` lists every session of this run (open ones resumed after a
      restart included) with its queue status;
    - :attr:`sessions_changed` fires when a session starts, closes, or its status or problem
      changes: re-read :meth:`session_summaries` then.
    """

    sessions_changed = Signal()

    def __init__(
        self,
        services: Services,
        *,
        clock: Clock | None = None,
        runner: TaskRunner | None = None,
        heartbeat_ms: int = 1000,
    ) -> None:
        super().__init__()
        self.services = services
        self.settings = services.settings
        self.clock = clock or services.clock
        self.graph = services.graph
        self.runner = runner or TaskRunner(parent=self)
        self.policy: TapPolicy | None = None
        self.technician: Technician | None = None
        self._problems: list[Finding] = []
        self._notices: list[str] = []
        self._pass_final = False
        self._last_poll = 0.0
        self.setWindowTitle("tapdesk: Temporary Access Passes")
        self.setAccessibleName("tapdesk")
        self.setMinimumSize(980, 640)

        demo = services.demo is not None or self.settings.demo
        self.header = HeaderBar(tenant_label="Demo tenant" if demo else "", demo=demo)
        self.banner = Banner()
        self.search = SearchPanel()
        self.card = UserCard()
        self.form = IssueForm(
            self.clock,
            default_lifetime=self.settings.default_lifetime_minutes,
            default_one_time=self.settings.default_one_time,
        )
        self.clipboard = ClipboardGuard(self.clock, self.settings.clipboard_clear_seconds)
        self.passes = PassPanel(
            self.clock,
            self.clipboard,
            mask_until_revealed=self.settings.mask_until_revealed,
            qr_is_secret=self.settings.qr_payload.value == "pass",
        )
        self.idle = IdleWatch(self.clock, self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)  # any key or click in the app counts as activity
        self.signin = SignIn(services, self.runner, self.header, self)
        self.finder = UserFinder(self.runner, self.graph, self.search)
        self.loader = CardLoader(self.runner, self.graph, self)
        self._build_layout()
        self.guide = Guide(self)  # the onboarding checklist, session list and simulated phone
        self._connect()
        self._shortcuts()
        self.day_tools = tools_menu.install(self)  # Tools menu: new-hire day roster, audit
        self._set_signed_in(False)

        self.heartbeat = QTimer(self)
        self.heartbeat.setInterval(heartbeat_ms)
        self.heartbeat.timeout.connect(self.tick)
        if heartbeat_ms > 0:
            self.heartbeat.start()

    # -- construction ---------------------------------------------------------------------------
    def _build_layout(self) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(12, 12, 6, 12)
        find = QLabel("Find the user")
        find.setFont(theme.scaled_font(self, 1.15, bold=True))
        left_layout.addWidget(find)
        left_layout.addWidget(self.search, 1)
        self.left_layout = left_layout
        left.setMinimumWidth(260)
        self.work = WorkArea(self.banner, self.card, self.form, self.passes)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.work)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 900])
        splitter.setChildrenCollapsible(False)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.statusBar().setAccessibleName("Status")
        self.notice = QLabel()
        self.notice.setAccessibleName("Notice")
        self.notice.hide()
        self.statusBar().addPermanentWidget(self.notice)

    def _connect(self) -> None:
        self.signin.signed_in.connect(self._on_signed_in)
        self.signin.signed_out.connect(self._on_signed_out)
        self.signin.failed.connect(self.show_error)
        self.signin.notice.connect(self._show_notice)
        self.finder.found.connect(self.select_user)
        self.finder.failed.connect(self.show_error)
        self.search.user_chosen.connect(self.select_user)
        self.loader.status_loaded.connect(self._on_status)
        self.loader.status_failed.connect(self._on_status_failed)
        self.loader.facts_changed.connect(lambda _facts: self._recheck())
        self.card.sign_in_button.clicked.connect(lambda: self.signin.sign_in())
        self.form.issue_requested.connect(self.issue)
        self.passes.revoke_requested.connect(self.revoke)
        self.passes.replace_requested.connect(self.issue)
        self.passes.hidden.connect(self._on_pass_hidden)
        self.guide.onboarding.revoked.connect(self._on_revoked)
        self.guide.onboarding.revoke_failed.connect(self._on_revoke_failed)

    def _shortcuts(self) -> None:
        def bind(
            keys: QKeySequence | QKeySequence.StandardKey | str,
            slot: Any,
            context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut,
        ) -> QShortcut:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)
            return shortcut

        bind(QKeySequence.StandardKey.Find, self.search.focus_search)
        bind("Ctrl+Shift+C", self.passes.copy)
        bind("Esc", self.escape)
        bind("Ctrl+Return", self.issue)
        # Enter anywhere in the form issues (the search box keeps Enter for its own lookup).
        for key in ("Return", "Enter"):
            shortcut = QShortcut(QKeySequence(key), self.form)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.issue)

    # -- start ----------------------------------------------------------------------------------
    def start(self) -> None:
        """After the window is on screen: silent sign-in, then the policy; open sessions."""
        self.signin.start()
        self.guide.start()

    # -- for other windows (see the class docstring) --------------------------------------------
    def open_user(self, upn_or_id: str) -> None:
        """Show a user by UPN or object id (looked up in Graph unless a session knows them)."""
        wanted = upn_or_id.strip().lower()
        for summary in reversed(self.guide.summaries()):
            if wanted in (summary.user_id.lower(), summary.upn.lower()):
                session = self.guide.onboarding.get(summary.session_id)
                if session is not None:
                    self.select_user(session.user)
                    return
        graph = self.graph
        self.runner.submit(
            lambda: graph.get_user(upn_or_id),
            self.select_user,
            self.show_error,
            channel="open user",
            name="open user",
        )

    def open_session(self, session_id: str) -> bool:
        """Show a session's user and its checklist; False when there is no such session."""
        session = self.guide.onboarding.get(session_id)
        if session is None:
            return False
        self.guide.onboarding.choose(session_id)
        self.select_user(session.user)
        self.guide.open_session(session_id)
        return True

    def session_summaries(self) -> list[SessionSummary]:
        return self.guide.summaries()

    def _set_signed_in(self, signed_in: bool) -> None:
        self.card.set_signed_in(signed_in)
        self.search.setEnabled(signed_in)
        self.form.setEnabled(signed_in)
        if not signed_in:
            self.search.set_status("Sign in to find users.")

    def _on_signed_in(self, technician: Technician) -> None:
        self.technician = technician
        self._set_signed_in(True)
        self.search.set_status("")
        self.search.focus_search()
        self.runner.submit(
            self.graph.get_tap_policy,
            self._on_policy,
            self._on_policy_failed,
            channel="policy",
            name="policy",
        )

    def _on_signed_out(self) -> None:
        self.technician = None
        self.passes.hide_pass("Signed out.")
        self.passes.clear()
        self._select_none()
        self.search.clear_results()
        self._set_signed_in(False)

    def _on_policy(self, policy: TapPolicy) -> None:
        self.policy = policy
        self.form.set_policy(policy)
        self._recheck()

    def _on_policy_failed(self, error: TapdeskError) -> None:
        self.policy = TapPolicy.documented_defaults()
        self.form.set_policy(self.policy)
        self.show_error(error)

    # -- the selected user ----------------------------------------------------------------------
    @property
    def user(self) -> User | None:
        return self.card.user

    @property
    def facts(self) -> TargetFacts | None:
        return self.loader.facts

    def select_user(self, user: User) -> None:
        if self.card.user is not None and self.card.user.id == user.id:
            self.form.issue_button.setFocus()
            return
        self._leave_user()
        self.banner.dismiss()
        self.card.show_user(user)
        self.card.set_loading(True)
        self.loader.load(user, self.policy)
        self.guide.show_user(user)
        self.form.issue_button.setFocus()

    def _leave_user(self) -> None:
        """Privacy: the pass of the previous user leaves the screen before the next one shows."""
        self.loader.cancel()
        self.runner.cancel("pass.poll")
        if self.passes.state is PanelState.SHOWN:
            self.passes.hide_pass("You moved to another user.")
        self.passes.clear()

    def _select_none(self) -> None:
        self._leave_user()
        self.card.clear()
        self.loader.clear()
        self.guide.show_user(None)

    def _on_status(self, status: UserStatus) -> None:
        self.card.set_loading(False)
        self.card.show_user(status.user)
        self.card.show_methods(list(status.methods))
        self.card.show_existing(status.tap, self.clock.now())

    def _on_status_failed(self, error: TapdeskError) -> None:
        self.card.set_loading(False)
        self.card.show_methods(None)
        self.card.show_existing(None, self.clock.now(), known=False)
        self.show_error(error)

    def _recheck(self) -> None:
        facts = self.loader.facts
        if facts is None:
            self.form.set_user_state(has_user=False)
            self.card.set_problems([])
            return
        if self.policy is not None and facts.policy is None:
            self.loader.merge(policy=self.policy)  # comes back here with the policy filled in
            return
        self._problems = readiness.assess(facts, self.technician, self.clock.now())
        self.card.set_problems(self._problems)
        blocker = readiness.blocking(self._problems)
        replaces = facts.tap is not None and not pass_state(facts.tap, self.clock.now()).final
        self.form.set_user_state(
            has_user=True, blocked=blocker.text if blocker else "", replaces=replaces
        )

    # -- issue, revoke --------------------------------------------------------------------------
    def issue(self) -> None:
        user = self.card.user
        if user is None or not self.form.can_issue:
            return
        try:
            request = validate_request(
                self.form.request(),
                self.policy or TapPolicy.documented_defaults(),
                self.clock.now(),
            )
        except TapdeskError as error:
            self.show_error(error)
            return
        self.banner.dismiss()
        self.form.set_busy(True)
        self.passes.set_busy(True)
        plan = self.guide.plan_issue(user, self.form.flow_id)
        if plan is not None:  # a checklist's pass: the session records it and its audit
            self.guide.issue(
                plan,
                user,
                request,
                self.session_issuer(),
                lambda issued: self._on_issued(user, issued),
                self._on_issue_failed,
                known_methods=self._methods_read_for(user),
            )
            return
        graph, issuer = self.graph, self._issuer()
        self.runner.submit(
            lambda: issuer.issue(graph, user, request),
            lambda issued: self._on_issued(user, issued),
            self._on_issue_failed,
            name="issue",
        )

    def _methods_read_for(self, user: User) -> tuple[AuthMethod, ...] | None:
        """The card's methods, if they are this user's (the checklist's baseline, no re-read)."""
        facts = self.loader.facts
        return facts.methods if facts is not None and facts.user.id == user.id else None

    def _issuer(self, *, audit: bool = True) -> Issuer:
        technician = self.technician
        return Issuer(
            technician.username if technician else "",
            technician.roles if technician else Roles.unknown(),
            self.services.store if audit else None,
            self.clock,
        )

    def session_issuer(self) -> Issuer:
        """For a checklist's pass: the session's own record is the audit (saved with it)."""
        return self._issuer(audit=False)

    def _on_issued(self, user: User, issued: Issued) -> None:
        tap = issued.tap
        self.form.set_busy(False)
        self.passes.set_busy(False)
        for warning in issued.warnings:
            self.banner.show_notice("Audit record not saved", warning, tone=Tone.WARNING)
        if self.card.user is None or self.card.user.id != user.id:
            # The technician moved on while Graph worked: the value is not shown to the wrong
            # person's screen, and it is gone for good.
            self.banner.show_notice(
                "Pass issued but not shown",
                f"A pass was issued for {user.display_name or user.user_principal_name} after "
                "you moved to another user, so it was not shown.",
                tone=Tone.WARNING,
                hint="Open that user again and use Replace or Revoke.",
            )
            return
        payload = qr_payload(
            self.settings, user.user_principal_name, tap.code.reveal() if tap.code else ""
        )
        self.passes.show_pass(tap, user, payload)
        QTimer.singleShot(0, self, lambda: self.work.reveal(self.passes))
        self.card.show_existing(tap.without_code(), self.clock.now(), shown_here=True)
        self.loader.merge(tap=tap.without_code(), tap_known=True, tap_shown=True)
        self._last_poll = self.clock.monotonic()
        self.idle.touch()
        self.statusBar().showMessage(f"Pass issued for {user.user_principal_name}.", 8000)

    def _on_issue_failed(self, error: TapdeskError) -> None:
        self.form.set_busy(False)
        self.passes.set_busy(False)
        self.show_error(error)

    def revoke(self) -> None:
        user, tap = self.card.user, self.passes.tap
        if user is None or tap is None:
            return
        self.passes.set_busy(True)
        session = self.guide.session_with_pass(user.id, tap.id)
        if session is not None:  # recorded by the checklist, which then confirms it in Graph
            self.guide.revoke(session)
            return
        graph, issuer = self.graph, self._issuer()
        self.runner.submit(
            lambda: issuer.revoke(graph, user, tap.id),
            lambda warnings: self._on_revoked(user, warnings),
            self._on_revoke_failed,
            name="revoke",
        )

    def _on_revoked(self, user: User, warnings: tuple[str, ...] = ()) -> None:
        self.passes.set_busy(False)
        for warning in warnings:
            self.banner.show_notice("Audit record not saved", warning, tone=Tone.WARNING)
        if self.card.user is None or self.card.user.id != user.id:
            return
        self.passes.mark_revoked()
        self.card.show_existing(None, self.clock.now())
        self.loader.merge(tap=None, tap_shown=False)
        self.statusBar().showMessage(f"Pass revoked for {user.user_principal_name}.", 8000)

    def _on_revoke_failed(self, error: TapdeskError) -> None:
        self.passes.set_busy(False)
        self.show_error(error)

    # -- the heartbeat: countdown, clipboard, idle, polling -------------------------------------
    def tick(self) -> None:
        now = self.clock.now()
        self.passes.tick()
        facts = self.loader.facts
        final = facts is not None and facts.tap is not None and pass_state(facts.tap, now).final
        if final != self._pass_final:  # expired: the form no longer "replaces" anything
            self._pass_final = final
            self._recheck()
        self.card.refresh_existing(now)
        self.clipboard.tick()
        hide_after = self.settings.hide_after_seconds
        if (
            self.passes.state is PanelState.SHOWN
            and hide_after > 0
            and self.idle.idle_seconds() >= hide_after
        ):
            self.passes.hide_pass(f"Hidden after {hide_after} s without activity.")
        self._poll()
        self.guide.tick()

    def _poll(self) -> None:
        """Re-read a live pass now and then: a one-time pass shows 'used' once it has been."""
        tap, user = self.passes.tap, self.card.user
        if tap is None or user is None or self.passes.state is PanelState.FINAL:
            return
        if self.clock.monotonic() - self._last_poll < POLL_SECONDS:
            return
        self._last_poll = self.clock.monotonic()
        graph = self.graph
        self.runner.submit(
            lambda: graph.get_tap(user.id, tap.id),
            self._on_polled,
            self._on_poll_failed,
            channel="pass.poll",
            name="pass poll",
        )

    def _on_polled(self, tap: TemporaryAccessPass) -> None:
        if self.passes.tap is not None and self.passes.tap.id == tap.id:
            self.passes.update_tap(tap)
            self.card.show_existing(tap, self.clock.now(), shown_here=True)

    def _on_poll_failed(self, error: TapdeskError) -> None:
        if isinstance(error, NotFound):
            self.passes.mark_revoked()
            self.card.show_existing(None, self.clock.now())
        else:
            log.info("pass poll failed: %s", error.title)

    # -- privacy, errors, closing ---------------------------------------------------------------
    def escape(self) -> None:
        if self.passes.state is PanelState.SHOWN:
            self.passes.hide_pass("You hid the pass.")
        elif not self.banner.isHidden():
            self.banner.dismiss()

    def show_notice(self, title: str, text: str, *, standing: bool = False) -> None:
        """Something the technician must read (a session not saved); ``standing``: it stays in
        the status bar until restart too (the database was set aside)."""
        self.banner.show_notice(title, text, tone=Tone.WARNING)
        if standing:
            self._show_notice(text)

    def _show_notice(self, text: str) -> None:
        """Standing notices from sign-in (say, tokens kept in memory only), until restart."""
        if text in self._notices:
            return
        self._notices.append(text)
        full = "  ·  ".join(self._notices)
        metrics = self.notice.fontMetrics()
        self.notice.setText("ℹ " + metrics.elidedText(full, Qt.TextElideMode.ElideRight, 460))
        self.notice.setToolTip("\n\n".join(self._notices))
        self.notice.setAccessibleDescription(full)
        self.notice.show()

    def _on_pass_hidden(self, reason: str) -> None:
        self.statusBar().showMessage(f"Pass hidden. {reason}", 10000)

    def show_error(self, error: TapdeskError) -> None:
        log.info(
            "shown to the technician: %s (request-id %s)", error.title, error.request_id or "-"
        )
        self.banner.show_error(error)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.heartbeat.stop()
        self.guide.onboarding.shutdown()
        self.passes.forget()
        self.clipboard.clear_now()
        self.signin.shutdown()
        self.runner.wait_for_done(5000)
        self.guide.onboarding.flush()  # the last checklist changes, if a save had not yet run
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        super().closeEvent(event)
