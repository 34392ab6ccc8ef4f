"""The technician's window: find the new hire, check the account, issue the pass, show it once,
then walk the onboarding checklist (:mod:`tapdesk.ui.onboarding`).

This class wires the parts together. Every call to Graph, sign-in or the store is a named
operation (:mod:`tapdesk.ui.operations`); results for a user the technician has already moved
away from are dropped (channels), and the pass itself never leaves the pass panel. There is one
route to issue and one to revoke, whether or not a checklist is open (:meth:`MainWindow.issue`,
:meth:`MainWindow.revoke`); the workflow behind them decides who writes the audit record.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent, QScreen
from PySide6.QtWidgets import QMainWindow, QSplitter, QVBoxLayout, QWidget

from tapdesk.core import readiness
from tapdesk.core.clock import Clock
from tapdesk.core.lifecycle import IdleStep, idle_step, pass_state
from tapdesk.core.models import (
    AuthMethod,
    PassCode,
    TapPolicy,
    TemporaryAccessPass,
    User,
    UserStatus,
)
from tapdesk.core.passrules import validate_request
from tapdesk.core.readiness import Finding, TargetFacts
from tapdesk.core.roles import Technician
from tapdesk.errors import SessionNotSaved, TapdeskError
from tapdesk.ui import theme
from tapdesk.ui.operations import Operations
from tapdesk.ui.tasks import TaskRunner
from tapdesk.ui.text import Label
from tapdesk.ui.theme import Tone
from tapdesk.ui.tools import help as help_menu
from tapdesk.ui.tools import menu as tools_menu
from tapdesk.ui.tools import settings_menu
from tapdesk.ui.turns import next_turn
from tapdesk.ui.widgets.banner import Banner
from tapdesk.ui.widgets.confirm import ConfirmDialog
from tapdesk.ui.widgets.header import HeaderBar
from tapdesk.ui.widgets.issue_form import IssueForm
from tapdesk.ui.widgets.notices import Notices
from tapdesk.ui.widgets.pass_panel import SIGNED_OUT_TEXT, PanelState, PassPanel
from tapdesk.ui.widgets.search import SearchPanel
from tapdesk.ui.widgets.user_card import UserCard
from tapdesk.ui.widgets.user_strip import UserStrip
from tapdesk.ui.widgets.work_area import WorkArea
from tapdesk.ui.window import keys
from tapdesk.ui.window.card_loader import CardLoader
from tapdesk.ui.window.clipboard import ClipboardGuard
from tapdesk.ui.window.errors import ErrorRouter
from tapdesk.ui.window.finder import UserFinder
from tapdesk.ui.window.idle import IdleWatch
from tapdesk.ui.window.new_hire import NewHireView
from tapdesk.ui.window.pass_watcher import PassWatcher
from tapdesk.ui.window.signin import SignIn
from tapdesk.workflows import preferences

if TYPE_CHECKING:
    from tapdesk.app.services import Backend
    from tapdesk.config import Settings
    from tapdesk.ui.onboarding.controller import ConfirmFirst, IssuePlan
    from tapdesk.ui.onboarding.guide import Guide
    from tapdesk.ui.roster.link import RosterLink
    from tapdesk.workflows.issuing import Issued
    from tapdesk.workflows.onboarding import SessionSummary
    from tapdesk.workflows.reconcile import Settled

log = logging.getLogger(__name__)


SEARCH_LEAST, SEARCH_MOST = 190, 320  # the search column's width
GUIDE_AT_THE_LATEST_MS = 1500  # the checklist part, when sign-in takes longer (app start-up)
POLICY_FIRST_MS = 300  # what sign-in starts besides the policy waits for it at most this long
SEARCH_SHARE = 0.18  # of the window: at 1024 px the tasks and the pass need the rest


def _pass_words(tap: TemporaryAccessPass) -> str:
    """ "one-time, expires 10:02": how a confirmation names the pass it is about."""
    use = "one-time" if tap.usable_once else "reusable"
    return f"{use}, expires {tap.expires.astimezone():%H:%M}"


class MainWindow(QMainWindow):
    """The main window.

    Other windows get what they need through :meth:`roster_link` (the new-hire day) or the
    operations; for them and for tests:

    - :meth:`open_user` (a UPN or object id) shows that user, as if chosen in the search;
    - :meth:`open_session` (a session id) shows that session's user and checklist;
    - :meth:`session_summaries` lists every session of this run (open ones resumed after a
      restart included) with its queue status;
    - :attr:`sessions_changed` fires when a session starts, closes, or its status or problem
      changes;
    - :attr:`ready_to_issue` fires when a technician is signed in and the policy is read.
    """

    sessions_changed = Signal()
    ready_to_issue = Signal()

    def __init__(
        self,
        backend: Backend,
        *,
        clock: Clock | None = None,
        runner: TaskRunner | None = None,
        heartbeat_ms: int = 1000,
        guide_later: bool = False,
    ) -> None:
        """``guide_later``: build the checklist's part on first use (the app's start-up does, after
        the first paint) instead of now."""
        super().__init__()
        self.backend = backend
        self.settings = backend.settings
        self.clock = clock or backend.clock
        self.runner = runner or TaskRunner(parent=self)
        self.ops = Operations(backend, self.runner, self.clock)
        self.policy: TapPolicy | None = None
        self.technician: Technician | None = None
        self._problems: list[Finding] = []
        self._reconciled = False
        self._pass_final = False
        self.confirm_dialog: ConfirmDialog | None = None
        self._mirror = QTimer(self)  # the strip's Issue follows the form's, once per turn
        self._mirror.setSingleShot(True)
        self._mirror.setInterval(0)
        self.setWindowTitle("tapdesk: Temporary Access Passes")
        self.setAccessibleName("tapdesk")
        self.setMinimumSize(980, 640)

        demo = backend.demo
        self.header = HeaderBar(tenant_label=self.settings.tenant_name, demo=demo)
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
            payload_for=self._qr_payload,
            mask_until_revealed=self.settings.mask_until_revealed,
            qr_is_secret=self.settings.qr_payload.value == "pass",
        )
        self.new_hire: NewHireView | None = None  # the new hire's full-screen view, once opened
        self.idle = IdleWatch(self.clock, self)
        self.signin = SignIn(self.ops, self.header, self)
        self.finder = UserFinder(self.ops, self.search)
        self.loader = CardLoader(self.ops, self)
        self.watcher = PassWatcher(self.ops, self.clock, self)
        self._build_layout()
        self.errors = ErrorRouter(
            self.statusBar(), self.banner, lambda: self.card.user.id if self.card.user else None
        )
        self.errors.add_spot(self.form.message)
        self.errors.add_spot(self.passes.error)
        self._guide: Guide | None = None  # built after the first paint, or when first needed
        self._guide_user: tuple[User | None] | None = None  # whom it shows next (select_user)
        self._guide_started = False
        self._after_policy_due = False  # signed in, the policy not answered yet (_after_policy)
        self._connect()
        self._shortcuts()
        self.day_tools = tools_menu.install(self, self.ops, self.roster_link)
        self.preferences = settings_menu.install(
            self, self.day_tools.menu, self.ops, self.apply_settings
        )
        self.help = help_menu.install(self, backend)
        self._set_signed_in(False)
        # Once the window is built: a filter in Python would see each event building it.
        self._watch_idle_if_needed()
        if not guide_later:
            self._guide = self._build_guide()

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
        find = Label("Find the user")
        find.setFont(theme.scaled_font(self, 1.15, bold=True))
        left_layout.addWidget(find)
        left_layout.addWidget(self.search, 1)
        self.left_layout = left_layout
        left.setMinimumWidth(SEARCH_LEAST)
        self.strip = UserStrip()
        self.work = WorkArea(self.banner, self.strip, self.card, self.form, self.passes)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.work)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 900])
        self._columns = splitter
        splitter.setChildrenCollapsible(False)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.statusBar().setAccessibleName("Status")
        self.notice = Notices()
        self.statusBar().addPermanentWidget(self.notice)

    def _connect(self) -> None:
        self.signin.signed_in.connect(self._on_signed_in)
        self.signin.signed_out.connect(self._on_signed_out)
        self.signin.failed.connect(self.show_error)
        self.signin.notice.connect(self._show_notice)
        self.signin.confirm_requested.connect(
            lambda account: self.card.ask_continue(account.name, account.username)
        )
        self.card.continue_button.clicked.connect(self.signin.continue_as_saved)
        self.finder.found.connect(self.select_user)
        self.finder.failed.connect(self._on_find_failed)
        self.search.user_chosen.connect(self.select_user)
        self.loader.status_loaded.connect(self._on_status)
        self.loader.status_failed.connect(self._on_status_failed)
        self.loader.facts_changed.connect(lambda _facts: self._recheck())
        self.card.sign_in_button.clicked.connect(self._sign_in_clicked)
        self.card.revoke_button.clicked.connect(self._revoke_from_card)
        self.form.issue_requested.connect(lambda: self.request_issue(self.form.message))
        # The strip's Issue stands in while the form's is out of view: its errors go to the pass
        # column, which always is in view.
        self.strip.issue_button.clicked.connect(lambda: self.request_issue(self.passes.error))
        self._mirror.timeout.connect(self._mirror_issue)
        # Through a lambda: QTimer.start(int) would take the scroll position as its interval.
        self.form.changed.connect(lambda: self._mirror.start())
        bar = self.work.tasks.verticalScrollBar()
        bar.valueChanged.connect(lambda _value: self._mirror.start())
        bar.rangeChanged.connect(lambda _low, _high: self._mirror.start())
        self.passes.revoke_requested.connect(self.revoke)
        self.passes.emptied.connect(self.work.set_pass_empty)
        self.passes.replace_requested.connect(lambda: self.request_issue(self.passes.error))
        self.passes.masked.connect(self._on_pass_masked)
        self.passes.changed.connect(self._watch_idle_if_needed)
        self.passes.new_hire_requested.connect(self.show_new_hire)
        self.watcher.updated.connect(self._on_watched)
        self.watcher.gone.connect(self._on_pass_gone)

    @property
    def guide(self) -> Guide:
        """The onboarding checklist, session list and simulated phone (built on first use),
        showing the user the window shows."""
        if self._guide is None:
            self._guide = self._build_guide()
        if self._after_policy_due:  # wanted before the policy came: it hears of the sign-in now
            self._after_policy()
        self._guide_catches_up()
        return self._guide

    def _guide_catches_up(self) -> None:
        pending, self._guide_user = self._guide_user, None
        if pending is not None and self._guide is not None:
            self._guide.show_user(pending[0])

    def _build_guide(self) -> Guide:
        # Its modules (the checklist machinery, flows, the phone) load here, after the first
        # paint: the window shows without them.
        from tapdesk.ui.onboarding.guide import Guide

        guide = Guide(
            self.ops,
            self.clock,
            self.form,
            self.work,
            technician=lambda: self.technician,
            demo=self.backend.demo,
            parent=self,
            known_methods=self._methods_read_for,
        )
        self.left_layout.addWidget(guide.session_list)
        if guide.phone is not None:
            # Along the bottom: the form and the pass keep the width to sit side by side.
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, guide.phone)
        # The checklist's pass actions fail in the pass column: always in view, where the pass
        # would have been.
        guide.issue_requested.connect(lambda: self.request_issue(self.passes.error))
        guide.revoke_requested.connect(self._revoke_session_pass)
        guide.close_requested.connect(self._close_session)
        guide.open_session_requested.connect(self.open_session)
        guide.error.connect(self.show_error)
        guide.notice.connect(
            lambda title, text, standing: self.show_notice(title, text, standing=standing)
        )
        guide.status.connect(self.statusBar().showMessage)
        guide.sessions_changed.connect(self.sessions_changed)
        guide.pass_observed.connect(self.watcher.observed)
        guide.account_changed.connect(self._on_account_changed)
        return guide

    def rehearsals(self) -> list[Callable[[], object]]:
        """Off-screen rehearsals of the first selection, pass and checklist, at this window's
        sizes (:mod:`tapdesk.ui.rehearse`; :mod:`tapdesk.ui.preload` runs them when idle)."""
        from tapdesk.ui import rehearse

        return [
            lambda: rehearse.card(self.card.size()),
            lambda: rehearse.problems(self.card.size()),
            lambda: rehearse.pass_and_code(
                self.passes.code_label.largest, self.passes.contentsRect().width()
            ),
            lambda: rehearse.notes(self.form.width()),
        ]

    def _qr_payload(self, user: User, code: PassCode) -> str:
        from tapdesk.ui.qr import qr_payload  # the QR code's modules load with the first pass

        return qr_payload(self.settings, user.user_principal_name, code.reveal())

    def _shortcuts(self) -> None:
        """The keys are in the one table (:mod:`tapdesk.ui.window.keys`); Help lists it."""
        keys.bind(
            self,
            self.form,
            {
                "find": self.search.focus_search,
                "copy_pass": self.passes.copy,
                "escape": self.escape,
                "new_hire_view": self.show_new_hire,
                # Enter issues, and never replaces a live pass (enter_issue says so).
                "issue": self.enter_issue,
                # Enter anywhere in the form (the search box keeps Enter for its own lookup).
                "issue_in_form": self.enter_issue,
            },
        )

    def apply_settings(self, fresh: Settings) -> None:
        """Tools > Settings… saved: the technician's settings apply now (large text at the next
        start). The idle mask and the QR payload read ``self.settings`` when they act."""
        old = self.settings
        self.settings = self.backend.update_settings(lambda s: preferences.adopt(s, fresh))
        new = self.settings
        self._watch_idle_if_needed()  # sign-out after idle may have been switched on or off
        self.clipboard.set_clear_after(new.clipboard_clear_seconds)
        self.passes.set_privacy(
            mask_until_revealed=new.mask_until_revealed,
            qr_is_secret=new.qr_payload.value == "pass",
        )
        defaults = (new.default_lifetime_minutes, new.default_one_time)
        if defaults != (old.default_lifetime_minutes, old.default_one_time):
            self.form.set_defaults(*defaults)  # else the form keeps what the technician set

    # -- start ----------------------------------------------------------------------------------
    def start(self) -> None:
        """After the window is on screen: silent sign-in, then the policy; open sessions."""
        self.signin.start()
        if self._guide is not None:
            self._start_guide()
        else:
            # Built once sign-in has an answer (it locks or opens the sessions anyway), so that
            # building it never delays the sign-in and the policy; a slow sign-in waits no more
            # than this for it.
            QTimer.singleShot(GUIDE_AT_THE_LATEST_MS, self, self._start_guide)

    def _start_guide(self) -> Guide:
        guide = self.guide
        if not self._guide_started:
            self._guide_started = True
            guide.start()
        return guide

    # -- for other windows (see the class docstring) --------------------------------------------
    def open_user(self, upn_or_id: str) -> None:
        """Show a user by UPN or object id (looked up in Graph unless a session knows them)."""
        known = self.guide.user_of(upn_or_id)
        if known is not None:
            self.select_user(known)
            return
        self.ops.find_user(upn_or_id, self.select_user, self.show_error, channel="open user")

    def open_session(self, session_id: str) -> bool:
        """Show a session's user and its checklist; False when there is no such session."""
        user = self.guide.open_session(session_id)  # chosen: the card's user now shows it
        if user is None:
            return False
        self.select_user(user)
        return True

    def session_summaries(self) -> list[SessionSummary]:
        return self.guide.summaries()

    def roster_link(self) -> RosterLink:
        """What the new-hire-day roster may read and ask of this window."""
        from tapdesk.ui.roster.link import RosterLink

        return RosterLink(
            ops=self.ops,
            clock=self.clock,
            flows={flow.id: flow for flow in self.guide.flows},
            technician=lambda: self.technician,
            policy=lambda: self.policy,
            signed_in=self.signin.signed_in,
            sessions_changed=self.sessions_changed,
            open_user=self._open_from_roster,
        )

    def _open_from_roster(self, upn: str) -> None:
        self.open_user(upn)
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()

    def _sign_in_clicked(self) -> None:
        if self.signin.saved is not None:  # "Use another account" under "Continue as …?"
            self.signin.use_another_account()
        else:
            self.signin.sign_in()

    def _set_signed_in(self, signed_in: bool) -> None:
        self.card.set_signed_in(signed_in)
        self.search.setEnabled(signed_in)
        self.form.setEnabled(signed_in)
        self.day_tools.set_unlocked(signed_in)
        if not signed_in:
            self.search.set_status("Sign in to find users.")

    def _on_signed_in(self, technician: Technician) -> None:
        self.technician = technician
        self._set_signed_in(True)
        self.search.set_status("")
        self.search.focus_search()
        self.ops.load_policy(self._on_policy, self._on_policy_failed, channel="policy")
        # Issuing needs the policy first: what else sign-in starts waits for its answer (or
        # POLICY_FIRST_MS), rather than share the interpreter with its request.
        self._after_policy_due = True
        QTimer.singleShot(POLICY_FIRST_MS, self, self._after_policy)

    def _after_policy(self) -> None:
        """Once per sign-in, after the policy's answer: the checklist part hears of the sign-in
        (its sessions show), and what an interrupted run left open is settled (once a run)."""
        if not self._after_policy_due:
            return
        self._after_policy_due = False
        self._start_guide().signed_in()
        if not self._reconciled:
            self._reconciled = True
            self.ops.reconcile(self._on_reconciled, lambda error: None)

    def _on_reconciled(self, settled: list[Settled]) -> None:
        from tapdesk.core.audit import IntentState  # loaded by the reconcile that ran

        for item in settled:
            if item.pass_left:  # a pass works that nobody has seen: it must not go unnoticed
                self._show_notice(item.sentence())
            elif item.state is not IntentState.OPEN:
                self.statusBar().showMessage(item.sentence(), 15000)
        left = [item for item in settled if item.pass_left]
        if left:  # the first on the banner with Revoke; all of them stay in the status bar
            self._offer_revoke(left[0])

    def _offer_revoke(self, item: Settled) -> None:
        """A pass issued when tapdesk was interrupted: its value is gone, so offer to revoke."""
        intent, tap = item.intent, item.tap
        if tap is None:
            return
        user = User(intent.target_id, intent.target_upn)
        self.banner.show_notice(
            "Interrupted pass",
            item.sentence(),
            tone=Tone.WARNING,
            # Recorded by the issuer: the session, if any, never learnt of this pass.
            action=("Revoke…", lambda: self.ask_revoke(user, tap, "")),
        )

    def _on_signed_out(self) -> None:
        """Nothing of the last technician's work stays on screen or in the clipboard: the pass
        (its value forgotten), the user, the sessions, the audit view and the roster."""
        self.technician = None
        self.policy = None
        self._select_none()
        # Every value goes, kept ones too, and a copy leaves the clipboard.
        self._close_new_hire()
        self.passes.forget_all(SIGNED_OUT_TEXT)
        self._after_policy_due = False
        self._start_guide().signed_out()
        self.banner.dismiss()
        self.errors.clear()
        self.search.clear_results()
        self._set_signed_in(False)
        # The way back in is on the card: in view, wherever the tasks were scrolled to.
        QTimer.singleShot(0, self, self.work.to_top)

    def _on_policy(self, policy: TapPolicy) -> None:
        self.policy = policy
        self.form.set_policy(policy)
        facts = self.loader.facts
        if facts is not None and facts.policy is None:  # a card opened before the policy came
            self.loader.merge(policy=policy)
            self.loader.load_scope(policy)
        self._recheck()
        if self.technician is not None:
            self.ready_to_issue.emit()
        next_turn(self, self._after_policy)  # the form is ready first

    def _on_policy_failed(self, error: TapdeskError) -> None:
        self._on_policy(TapPolicy.documented_defaults())
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
            # Opened again: the account may have changed since (the form keeps its settings).
            self.loader.refresh()
            self.card.show_roster(self.day_tools.roster_entry(user.user_principal_name))
            self.form.issue_button.setFocus()
            return
        self._leave_user()
        self.banner.dismiss()
        self.form.status.clear()  # what the last Issue did was about the previous user
        self.form.reset_for_user()  # the last person's lifetime, use and path are not theirs
        self.card.show_user(user)
        self.errors.user_changed(user.id)
        self.card.show_roster(self.day_tools.roster_entry(user.user_principal_name))
        self.strip.show_user(user)
        self.work.to_top()  # each user opens with their card in view, not at the last scroll
        if self.passes.open_user(user):  # their pass, kept masked while they were not open
            kept = self.passes.tap
            if kept is not None:
                self.watcher.watch(user.id, kept.id)
        self.card.set_loading(True)
        self.loader.load(user, self.policy)  # its read settles the kept pass (confirm_live)
        # The checklist's part follows a turn later: the card is painted first, and each turn
        # stays within a frame. Anything that reads the guide before then gets it up to date.
        self._guide_user = (user,)
        next_turn(self, self._guide_catches_up)
        self.form.issue_button.setFocus()

    def _leave_user(self) -> None:
        """Privacy: the pass of the previous user leaves the screen before the next one shows
        (kept masked, so coming back to them finds it)."""
        self.loader.cancel()
        self.watcher.stop()
        self._close_new_hire()
        self.passes.leave()

    def _select_none(self) -> None:
        self._leave_user()
        self.card.clear()
        self.strip.show_user(None)
        self.errors.user_changed(None)
        self.loader.clear()
        self._guide_user = None
        self.guide.show_user(None)

    def _on_status(self, status: UserStatus) -> None:
        self.card.set_loading(False)
        self.card.show_user(status.user)
        self.strip.show_user(status.user)
        self.card.show_methods(list(status.methods))
        self.passes.confirm_live(status.user, status.tap)
        self.card.show_existing(status.tap, self.clock.now(), shown_here=self._value_here())

    def _on_account_changed(self, user_id: str) -> None:
        """A checklist saw the open user's account change: the card reads it again."""
        if self.card.user is not None and self.card.user.id == user_id:
            self.loader.refresh()

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
        self._problems = readiness.assess(facts, self.technician, self.clock.now())
        self.card.set_problems(self._problems)
        blocker = readiness.blocking(self._problems)
        replaces = facts.tap is not None and not pass_state(facts.tap, self.clock.now()).final
        self.form.set_user_state(
            has_user=True, blocked=blocker.text if blocker else "", replaces=replaces
        )

    # -- issue, revoke: one route each -------------------------------------------------------
    def _live_pass(self) -> TemporaryAccessPass | None:
        """The open user's pass while it works: the one on the panel, else the card's read."""
        user, panel = self.card.user, self.passes
        if user is None:
            return None
        view = panel.view()
        if panel.user is not None and panel.user.id == user.id and view is not None:
            return None if view.state.final else panel.tap
        facts = self.loader.facts
        tap = facts.tap if facts is not None and facts.user.id == user.id else None
        return tap if tap is not None and not pass_state(tap, self.clock.now()).final else None

    def _value_here(self) -> bool:
        """The panel holds the value of the open user's pass (shown or masked)."""
        user = self.card.user
        return user is not None and self.passes.has_value and self.passes.user == user

    def request_issue(self, spot: Banner | None = None) -> None:
        """Issue with the form's settings; a live pass is replaced only after asking once.
        ``spot``: where a failure is said (next to the button that asked)."""
        user, live = self.card.user, self._live_pass()
        if user is None or not self.form.can_issue:
            return
        if live is None or self.guide.onboarding.steps_first(user, self.form.flow_id):
            self.issue(spot)  # nothing replaced yet: the checklist starts at who they are
            return
        name = user.display_name or user.user_principal_name
        self._confirm(
            f"Replace the pass for {name}?",
            f"{name}'s current pass ({_pass_words(live)}) stops working at once, and a new "
            "pass is issued with the form's settings.",
            "Replace the pass",
            lambda: self.issue(spot),
        )

    def _mirror_issue(self) -> None:
        """Issue above the work while the form's own button is out of view: a card full of
        findings at 1024x700 pushes it below the fold."""
        button, mirror = self.form.issue_button, self.strip.issue_button
        out_of_view = (
            self.card.user is not None
            and self.form.isVisible()
            and not self.work.shows_whole(button)
        )
        mirror.setText(button.text())
        mirror.setEnabled(button.isEnabled())
        if mirror.isHidden() == out_of_view:
            mirror.setVisible(out_of_view)

    def enter_issue(self) -> None:
        """Enter (or Ctrl+Enter) issues a pass, and never replaces a live one."""
        if self.card.user is None or not self.form.can_issue:
            return
        if self._live_pass() is not None:
            self.form.status.setText(
                "Enter does not replace a live pass. To replace it, click "
                "“Replace the current pass…”: it asks first."
            )
            return
        self.issue()

    def _confirm(self, title: str, text: str, action: str, then: Callable[[], object]) -> None:
        """Ask once before destroying a pass; Cancel is the default answer."""
        if self.confirm_dialog is not None:
            self.confirm_dialog.reject()
        dialog = ConfirmDialog(title, text, action=action, parent=self)
        self.confirm_dialog = dialog

        def finished() -> None:
            if self.confirm_dialog is dialog:
                self.confirm_dialog = None
            dialog.deleteLater()

        dialog.accepted.connect(then)
        dialog.finished.connect(finished)
        dialog.open()

    def issue(self, spot: Banner | None = None) -> None:
        user = self.card.user
        if user is None or not self.form.can_issue:
            return
        spot = spot or self.form.message
        try:
            request = validate_request(
                self.form.request(),
                self.policy or TapPolicy.documented_defaults(),
                self.clock.now(),
            )
        except TapdeskError as error:
            self._user_error(error, user, spot)
            return
        self.banner.dismiss()
        plan = self.guide.plan_issue(user, self.form.flow_id)  # None: a pass without a checklist
        from tapdesk.ui.onboarding.controller import ConfirmFirst

        if isinstance(plan, ConfirmFirst):
            self._confirm_first(user, plan)
            return
        self.form.set_busy(True)
        self.passes.set_busy(True)
        facts = self.loader.facts
        old = facts.tap if facts is not None and facts.user.id == user.id else None
        self.ops.issue(
            self.technician,
            user,
            request,
            plan.for_session(self._methods_read_for(user)) if plan is not None else None,
            lambda issued: self._on_issued(user, plan, issued, old.id if old else ""),
            lambda error: self._on_issue_failed(error, user, spot, plan),
            first_save=plan.first_save if plan is not None else None,
            replaces=old.id if old is not None else "",
        )

    def _confirm_first(self, user: User, confirm: ConfirmFirst) -> None:
        """No pass yet: the checklist shows its first step to do (who the new hire is)."""
        self.guide.show_first_step(confirm)
        name = user.display_name or user.user_principal_name
        title = confirm.steps[0].title
        text = f"{title} ({name}) first, then issue from the checklist."
        self.form.status.setText(text)
        self.statusBar().showMessage(text, 15000)

    def _methods_read_for(self, user: User) -> tuple[AuthMethod, ...] | None:
        """The card's methods, if they are this user's (the checklist's baseline, no re-read)."""
        facts = self.loader.facts
        return facts.methods if facts is not None and facts.user.id == user.id else None

    def _on_issued(
        self, user: User, plan: IssuePlan | None, issued: Issued, old_id: str = ""
    ) -> None:
        tap = issued.tap
        if plan is not None:  # the checklist records its pass (and the audit) first
            self.guide.onboarding.first_saved(plan)
            self.guide.record_issued(plan, user, issued)
        self.form.set_busy(False)
        self.passes.set_busy(False)
        self.errors.settled(user.id)
        for warning in issued.warnings:
            self.banner.show_notice("Audit trail", warning, tone=Tone.WARNING)
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
        self.passes.show_pass(tap, user)
        self.card.show_existing(tap.without_code(), self.clock.now(), shown_here=True)
        self.loader.merge(tap=tap.without_code(), tap_known=True, tap_shown=True)
        self.watcher.watch(user.id, tap.id)
        self.idle.touch()
        done = "Replaced" if old_id else "Issued"
        ends = tap.expires.astimezone()
        self.form.status.setText(
            f"{done} {self.clock.now().astimezone():%H:%M}, expires {ends:%H:%M}"
            + (": the earlier pass no longer works." if old_id else ".")
        )
        self.passes.copy_button.setFocus()  # not Issue: a second Enter must not reach it
        self.statusBar().showMessage(f"Pass issued for {user.user_principal_name}.", 8000)

    def _on_issue_failed(
        self, error: TapdeskError, user: User, spot: Banner, plan: IssuePlan | None = None
    ) -> None:
        if plan is not None and isinstance(error, SessionNotSaved):
            self.guide.onboarding.first_save_failed(plan, error)
        elif plan is not None and plan.first_save is not None:
            # The checklist began with this pass and Graph refused it: nothing to resume.
            self.guide.onboarding.first_saved(plan)
            self.guide.onboarding.abandon(plan.session_id, f"The pass was refused: {error.title}")
        self.form.set_busy(False)
        self.passes.set_busy(False)
        if isinstance(error, SessionNotSaved):
            self.show_error(error)  # the database's problem, not this user's
        else:
            self._user_error(error, user, spot)

    def _user_error(self, error: TapdeskError, user: User, spot: Banner) -> None:
        self.errors.show(
            error, spot, user_id=user.id, name=user.display_name or user.user_principal_name
        )

    def revoke(self) -> None:
        """Revoke the pass on the panel, after asking (a checklist's pass is recorded by its
        checklist)."""
        user, tap = self.card.user, self.passes.tap
        if user is None or tap is None:
            return
        self.ask_revoke(user, tap, self.guide.session_pass(user.id, tap.id) or "")

    def _revoke_from_card(self) -> None:
        """The card's Revoke…: whatever live pass the user has, shown here or not."""
        user, tap = self.card.user, self.card.live_pass
        if user is None or tap is None:
            return
        self.ask_revoke(user, tap, self.guide.session_pass(user.id, tap.id) or "")

    def _revoke_session_pass(self, user_id: str) -> None:
        """The checklist's Revoke: its session's pass, shown or not."""
        user = self.card.user
        session_id = self.guide.session_pass(user_id)
        pass_id = self.guide.pass_id_of(session_id) if session_id else None
        if user is None or user.id != user_id or session_id is None or pass_id is None:
            return
        name = user.display_name or user.user_principal_name
        self._confirm(
            f"Revoke the pass for {name}?",
            f"{name}'s pass stops working at once. This cannot be undone.",
            "Revoke the pass",
            lambda: self._revoke(user, pass_id, session_id),
        )

    def ask_revoke(self, user: User, tap: TemporaryAccessPass, session_id: str) -> None:
        name = user.display_name or user.user_principal_name
        self._confirm(
            f"Revoke the pass for {name}?",
            f"{name}'s pass ({_pass_words(tap)}) stops working at once. This cannot be undone.",
            "Revoke the pass",
            lambda: self._revoke(user, tap.id, session_id),
        )

    def _revoke(
        self, user: User, pass_id: str, session_id: str, then: Callable[[], None] | None = None
    ) -> None:
        self.passes.set_busy(True)
        self.ops.revoke(
            self.technician,
            user,
            pass_id,
            session_id,
            lambda warnings: self._on_revoked(user, session_id, warnings, then),
            lambda error: self._on_revoke_failed(error, user),
        )

    def _close_session(self, session_id: str, reason: str, revoke: bool) -> None:
        """Close a checklist unfinished; first revoke its pass when the technician kept the
        box ticked (a failed revoke leaves the session open, with the error)."""
        user = self.guide.user_of_session(session_id)
        pass_id = self.guide.live_session_pass(session_id)
        if user is None:
            return
        if revoke and pass_id is not None:
            self._revoke(user, pass_id, session_id, lambda: self._abandon(session_id, reason, user))
        else:
            self._abandon(session_id, reason, user)

    def _abandon(self, session_id: str, reason: str, user: User) -> None:
        self.guide.onboarding.abandon(session_id, reason)
        self.passes.forget_user(user.id, "The session was closed.")

    def _on_revoked(
        self,
        user: User,
        session_id: str,
        warnings: tuple[str, ...],
        then: Callable[[], None] | None = None,
    ) -> None:
        if session_id:  # then Graph confirms it on the checklist's next look
            self.guide.record_revoked(session_id)
        self.passes.set_busy(False)
        self.errors.settled(user.id)
        self.statusBar().showMessage(f"Pass revoked for {user.user_principal_name}.", 8000)
        for warning in warnings:
            self.banner.show_notice("Audit trail", warning, tone=Tone.WARNING)
        if self.card.user is not None and self.card.user.id == user.id:
            self.watcher.stop()
            self.passes.mark_revoked()
            self.card.show_existing(None, self.clock.now())
            self.loader.merge(tap=None, tap_shown=False)
        if then is not None:
            then()

    def _on_revoke_failed(self, error: TapdeskError, user: User) -> None:
        self.passes.set_busy(False)
        self._user_error(error, user, self.passes.error)

    # -- the heartbeat: countdown, clipboard, idle, polling -------------------------------------
    def tick(self) -> None:
        now = self.clock.now()
        self.passes.tick()
        facts = self.loader.facts
        final = facts is not None and facts.tap is not None and pass_state(facts.tap, now).final
        if final != self._pass_final:  # expired: the form no longer "replaces" anything
            self._pass_final = final
            self._recheck()
        self.card.refresh_existing(now, shown_here=self._value_here())
        self.clipboard.tick()
        self._mask_when_idle()
        self.watcher.check()
        if self._guide is not None:
            self._guide.tick()
        self._sign_out_when_idle()

    def _mask_when_idle(self) -> None:
        """A pass left on screen is masked after the idle time, with a warning first; never
        while the new hire is still using it, unless the site file set the time."""
        panel = self.passes
        if panel.state is not PanelState.SHOWN or panel.is_masked:
            return
        after = self.settings.hide_after_seconds
        idle = self.idle.idle_seconds()
        step = idle_step(idle, after, exempt=self._pass_in_use())
        if step is IdleStep.MASK:
            panel.mask_pass(f"Masked after {after} s without activity.")
        else:
            panel.warn_idle(after - idle if step is IdleStep.WARN else None)

    def _pass_in_use(self) -> bool:
        """The new hire is using the pass on screen: their own view shows it, or an open
        checklist waits for them to use it."""
        origin = self.settings.origin("hide_after_seconds")
        if origin is not None and origin.layer == "site":
            return False  # the administrator's time is a promise: it holds regardless
        if self.new_hire is not None and self.new_hire.isVisible():
            return True  # the new hire is reading it off their screen
        user, tap = self.passes.user, self.passes.tap
        return user is not None and tap is not None and self.guide.pass_in_use(user.id, tap.id)

    def _sign_out_when_idle(self) -> None:
        """A bench left alone: sign out, so the next person cannot work as this technician."""
        minutes = self.settings.sign_out_after_idle_minutes
        if self.technician is None or not minutes or not self.signin.signs_in:
            return
        if self.idle.idle_seconds() < minutes * 60:
            return
        log.info("signed out after %d minutes without activity", minutes)
        self.signin.sign_out(f"Signed out after {minutes} min without activity")
        self.statusBar().showMessage(f"Signed out after {minutes} minutes without activity.", 30000)

    def _on_watched(self, tap: TemporaryAccessPass) -> None:
        if self.passes.tap is not None and self.passes.tap.id == tap.id:
            self.passes.update_tap(tap)
            self.card.show_existing(tap, self.clock.now(), shown_here=True)

    def _on_pass_gone(self, pass_id: str) -> None:
        if self.passes.tap is not None and self.passes.tap.id == pass_id:
            self.passes.mark_revoked()
            self.card.show_existing(None, self.clock.now())
            self.loader.merge(tap=None, tap_shown=False)

    # -- privacy, errors, closing ---------------------------------------------------------------
    def show_new_hire(self, screen: QScreen | None = None) -> None:
        """The pass full screen for the new hire, on ``screen`` (by default one that does not
        hold this window). Showing it to them is showing it: a masked pass is shown again."""
        panel = self.passes
        if panel.state is not PanelState.SHOWN:
            return
        panel.reveal()
        if self.new_hire is None:
            self.new_hire = NewHireView(panel, self)
        self.new_hire.show_on(screen or panel.new_hire_button.screen_for_view())

    def _close_new_hire(self) -> None:
        if self.new_hire is not None:
            self.new_hire.close()

    def escape(self) -> None:
        """Esc masks the pass on show (Show brings it back); else it dismisses the banner."""
        if self.passes.mask_pass("You masked the pass (Esc)."):
            return
        if not self.banner.isHidden():
            self.banner.dismiss()

    def show_notice(self, title: str, text: str, *, standing: bool = False) -> None:
        """Something the technician must read (a session not saved); ``standing``: it stays in
        the status bar until restart too (the database was set aside)."""
        self.banner.show_notice(title, text, tone=Tone.WARNING)
        if standing:
            self._show_notice(text)

    def _show_notice(self, text: str) -> None:
        """Standing notices from sign-in (say, tokens kept in memory only), until restart."""
        self.notice.add(text)

    def _watch_idle_if_needed(self, _shown_changed: bool = True) -> None:
        """Any key or click in the app counts as activity, watched while an idle rule can act:
        a pass on screen (masked after the idle time) or sign-out after idle."""
        panel = self.passes
        showing = panel.state is PanelState.SHOWN and not panel.is_masked
        self.idle.watch(showing or bool(self.settings.sign_out_after_idle_minutes))

    def _on_pass_masked(self, reason: str) -> None:
        self.statusBar().showMessage(f"Pass masked. {reason}", 10000)

    def show_error(self, error: TapdeskError) -> None:
        """An error of the whole window (sign-in, the policy): the banner and the status bar."""
        log.info(
            "shown to the technician: %s (request-id %s)", error.title, error.request_id or "-"
        )
        self.errors.show(error)

    def _on_find_failed(self, error: TapdeskError) -> None:
        """A search or lookup failed: said in the search column (and the status bar), not above
        the card of the user who is still open."""
        log.info("search failed: %s (request-id %s)", error.title, error.request_id or "-")
        self.search.set_status(" ".join(p for p in (error.message, error.hint) if p))
        self.statusBar().showMessage(f"{error.title}: {error.message}", 15_000)

    def focusNextPrevChild(self, next: bool) -> bool:
        # Tab follows the page, the checklist rows built since the last press included. Focus
        # leaving a widget that was just disabled or hidden (Issue while it issues) takes the
        # next stop of the order last set: walking the page then would stall that very turn.
        held = self.focusWidget()
        if held is None or (held.isEnabled() and held.isVisible()):
            from tapdesk.ui import focus  # loaded after the first paint (ui.run)

            focus.follow_page(self)
        return super().focusNextPrevChild(next)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """The search column gives up width first on a small screen: the tasks and the pass
        beside them need it more."""
        super().resizeEvent(event)
        self._mirror.start()
        if event.size().width() != event.oldSize().width():
            total = self._columns.width()
            left = max(SEARCH_LEAST, min(SEARCH_MOST, round(total * SEARCH_SHARE)))
            self._columns.setSizes([left, max(0, total - left)])

    def closeEvent(self, event: QCloseEvent) -> None:
        self.heartbeat.stop()
        self.watcher.stop()
        guide = self._guide
        if guide is not None:
            guide.shutdown()
        self._close_new_hire()
        self.passes.forget_all()
        self.clipboard.clear_now()
        self.signin.shutdown()
        self.runner.wait_for_done(5000)
        if guide is not None:
            guide.flush()  # the last checklist changes, if a save had not yet run
        self.idle.watch(False)
        super().closeEvent(event)
