"""The checklist of the selected user's session, in the work area under the form and the pass.

It shows one :class:`~tapdesk.workflows.onboarding.OnboardingSession`: the flow, what to check
before starting, its steps in order, what the active step waits for, the registration-window
countdown, and notes that need the technician (the pass value lost in a restart, a poll that
failed, a save that failed). It never changes the session itself: every button is a signal
the window's guide acts on.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from tapdesk.core.checklist import Outcome
from tapdesk.core.flow_text import TextFacts
from tapdesk.core.flows import Action, Flow, Step, StepKind
from tapdesk.ui import theme
from tapdesk.ui.onboarding.before import BeforeYouStart
from tapdesk.ui.onboarding.step_row import StepRow, StepView, clock_time, rows_sheet
from tapdesk.ui.text import Label, RichLabel, esc
from tapdesk.ui.theme import Tone
from tapdesk.ui.turns import next_turn
from tapdesk.ui.widgets.chips import Chip
from tapdesk.ui.widgets.section import Section
from tapdesk.workflows.onboarding import OnboardingSession, ProblemKind

# Keyed by RosterStatus values (str enum): the roster module itself is not needed at start-up.
STATUS_TEXT = {
    "waiting": "Not started",
    "pass issued": "Pass issued",
    "Authenticator": "Authenticator added",
    "passkey": "Passkey created",
    "done": "Done",
    "problem": "Needs attention",
}
STATUS_TONE = {
    "waiting": Tone.INFO,
    "pass issued": Tone.INFO,
    "Authenticator": Tone.INFO,
    "passkey": Tone.OK,
    "done": Tone.OK,
    "problem": Tone.ERROR,
}
RESTART_TEXT = (
    "tapdesk was restarted, so the value of this pass is gone: Microsoft Graph never shows a "
    "pass again. The pass itself still works. If the new hire still needs it, replace it."
)


class Note(QWidget):
    """A tinted line with an optional button, for things the technician must act on."""

    def __init__(self, name: str, button_text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("note")
        self.setAccessibleName(name)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # paint the tint
        self.text = RichLabel()
        self.text.setWordWrap(True)
        self.text.setAccessibleName(name)
        self.button = QPushButton(button_text or name)
        self.button.setAccessibleName(button_text or name)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 8, 6)
        layout.setSpacing(10)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button)
        self._has_button = bool(button_text)
        self.button.setVisible(self._has_button)
        self.hide()

    def show_text(self, text: str, tone: Tone, *, button: bool = True) -> None:
        theme.styled(
            self,
            lambda: (
                f"#note {{ background: {theme.css(theme.tint(theme.palette(), tone, 0.14))};"
                f" border-left: 4px solid {theme.css(theme.hue(tone))}; border-radius: 4px; }}"
                "#note QLabel { background: transparent; }"
            ),
        )
        self.text.setText(text)
        self.setAccessibleDescription(self.text.text())
        self.button.setVisible(button and self._has_button)
        self.show()


class ChecklistPanel(Section):
    start_requested = Signal()
    tick_requested = Signal(str)
    override_requested = Signal(str)
    skip_requested = Signal(str)
    issue_requested = Signal()
    revoke_requested = Signal()
    replace_requested = Signal()
    check_again_requested = Signal()
    save_again_requested = Signal()
    close_requested = Signal()
    form_toggled = Signal(bool)  # show the issue form (for a replacement's settings)
    focused = Signal(QWidget)  # focus_step gave it the keyboard: the window scrolls to it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Checklist", parent)
        self.session: OnboardingSession | None = None
        self.rows: dict[str, StepRow] = {}
        self._rows_for = ""
        # Step rows per flow, reused by every session of it; the flow the form offers is built
        # ahead (prepare), a row per turn, so starting it does not build them all in one.
        self._built: dict[str, dict[str, StepRow]] = {}
        self._preparing = ""  # the flow whose rows are being built ahead
        self._revealing = False  # parts still being shown, one per event-loop turn
        self._focus: tuple[str, str, bool] | None = None  # session, step, its Issue: wanted
        self._can_issue = False
        self._issue_note = ""  # what the issue step would create (the form's settings)
        self._form_facts = TextFacts()  # what the words depend on until a pass is issued

        self.flow_title = Label()
        self.flow_title.setAccessibleName("Flow")
        self.flow_title.setFont(theme.scaled_font(self, 1.1, bold=True))
        self.flow_title.setWordWrap(True)
        self.status = Chip()
        self.heading_row.addWidget(self.status)
        self.form_button = QPushButton("Pass settings")
        self.form_button.setAccessibleName("Show the pass settings")
        self.form_button.setToolTip("Show the issue form: its settings apply to a replacement pass")
        self.form_button.setCheckable(True)
        self.form_button.toggled.connect(self.form_toggled)
        self.form_button.hide()
        self.heading_row.addWidget(self.form_button)
        self.for_line = RichLabel()
        self.for_line.setWordWrap(True)
        self.for_line.setAccessibleName("Session")
        self.restart_note = Note("Pass value gone", "Replace the pass")
        self.restart_note.button.clicked.connect(self.replace_requested)
        self.problem_note = Note("Checking problem", "Check again")
        self.problem_note.button.clicked.connect(self.check_again_requested)
        self.save_note = Note("Not saved", "Save again")
        self.save_note.button.clicked.connect(self.save_again_requested)
        self.end_note = Note("Session closed")
        self.before = BeforeYouStart()
        self.poll_line = Label()
        self.poll_line.setAccessibleName("Checking")
        # The rows' box carries their one style sheet: built rows are its children from the
        # start, so each is polished once, under the sheet it keeps.
        self._steps_box = QWidget()
        self.steps = QVBoxLayout(self._steps_box)
        self.steps.setContentsMargins(0, 0, 0, 0)
        self.steps.setSpacing(6)
        theme.styled(self._steps_box, rows_sheet)
        self.close_button = QPushButton("Close session…")
        self.close_button.setAccessibleName("Close session")
        self.close_button.setToolTip(
            "End this checklist without finishing it; a reason is recorded"
        )
        self.close_button.clicked.connect(self.close_requested)

        self.empty = RichLabel()
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("No checklist")
        self.start_button = QPushButton("Start the checklist")
        self.start_button.setAccessibleName("Start the checklist")
        self.start_button.setToolTip(
            "Begin with the identity check; issue the pass when you get there"
        )
        self.start_button.clicked.connect(self.start_requested)
        empty_row = QHBoxLayout()
        empty_row.addWidget(self.empty, 1)
        empty_row.addWidget(self.start_button)
        self._empty_box = QWidget()
        self._empty_box.setLayout(empty_row)
        empty_row.setContentsMargins(0, 0, 0, 0)

        self._content = QWidget()
        column = QVBoxLayout(self._content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addWidget(self.flow_title)
        column.addWidget(self.for_line)
        for note in (self.restart_note, self.problem_note, self.save_note, self.end_note):
            column.addWidget(note)
        column.addWidget(self.before)
        column.addWidget(self.poll_line)
        column.addWidget(self._steps_box)
        footer = QHBoxLayout()
        footer.addStretch(1)
        footer.addWidget(self.close_button)
        column.addLayout(footer)
        self.body.addWidget(self._empty_box)
        self.body.addWidget(self._content)
        theme.mute(self.poll_line)
        self.show_nothing()

    # -- what to show ---------------------------------------------------------------------------
    def show_nothing(self) -> None:
        """No user selected."""
        self.session = None
        self._clear_rows()  # a checklist shown again is drawn again, whole
        self.hide()

    def show_empty(self, name: str, flow_title: str | None) -> None:
        """The user has no checklist yet; ``flow_title`` is the path chosen in the form."""
        self.session = None
        self._clear_rows()
        self.flow_title.setText("")
        self.status.hide()
        self._content.hide()
        self._empty_box.show()
        if flow_title:
            self.empty.setText(
                f"No checklist for {esc(name)} yet. Issue the pass with the form to start "
                f"<b>{esc(flow_title)}</b>, or start the checklist now to begin with the "
                "identity check."
            )
            self.start_button.setEnabled(True)
        else:
            self.empty.setText(
                f"No checklist for {esc(name)}: the form is set to issue a pass only. "
                "Choose a setup path to be guided step by step."
            )
            self.start_button.setEnabled(False)
        self.show()

    def show_session(
        self, session: OnboardingSession, *, poll_text: str = "", can_issue: bool = False
    ) -> None:
        self.session = session
        self._can_issue = can_issue
        self._empty_box.hide()
        self._content.show()
        if self._rows_for != session.session_id:
            self._build_rows(session)
        self.refresh(poll_text=poll_text, can_issue=can_issue)
        self.show()

    def refresh(self, *, poll_text: str = "", can_issue: bool | None = None) -> None:
        session = self.session
        if session is None:
            return
        if can_issue is not None:
            self._can_issue = can_issue
        snap = session.checklist.snapshot()
        self.flow_title.setText(session.flow.title)
        status = session.status
        self.status.set_chip(STATUS_TEXT[status.value], STATUS_TONE[status.value])
        self.status.show()
        who = esc(snap.display_name or snap.upn)
        self.for_line.setText(
            f"For <b>{who}</b> ({esc(snap.upn)}) · started "
            f"{snap.opened_at.astimezone():%a %d %b %H:%M} by {esc(snap.technician)}"
        )
        self._render_notes(session)
        self._render_words(session)
        self.tick(poll_text)
        self.close_button.setVisible(not session.closed)

    def tick(self, poll_text: str = "") -> None:
        """Every second: countdowns and the poll line."""
        session = self.session
        if session is None:
            return
        self.poll_line.setText(poll_text if not session.closed else "")
        self.poll_line.setVisible(bool(self.poll_line.text()))
        for step_id, row in self.rows.items():
            record = session.checklist.record(step_id)
            row.render_timer(session.checklist.timer(step_id), record.state.finished)

    def set_issue_state(self, can_issue: bool, note: str, facts: TextFacts) -> None:
        """Whether the form can issue now, what it would issue (the issue step shows it), and
        what the words depend on until a pass is issued: the form's choice, the card's methods.
        """
        changed = note != self._issue_note or facts != self._form_facts
        self._can_issue, self._issue_note, self._form_facts = can_issue, note, facts
        for row in self.rows.values():
            row.set_can_issue(can_issue)
        if changed and self.session is not None:
            self._render_words(self.session)

    def text_facts(self, session: OnboardingSession) -> TextFacts:
        """The issued pass and the methods the user had then; before the issue, the form's."""
        issued, baseline = session.pass_facts, session.checklist.baseline
        if issued is None:
            return self._form_facts
        kinds = None
        # A session saved before tapdesk kept the kinds has ids without them: unknown, not none.
        if baseline is not None and (baseline.kinds or not baseline.method_ids):
            kinds = baseline.kinds
        return TextFacts.of(
            usable_once=issued.usable_once,
            lifetime_minutes=issued.lifetime_minutes,
            expires=issued.expires,
            kinds=kinds,
        )

    # -- internals ------------------------------------------------------------------------------
    def prepare(self, flow: Flow) -> None:
        """Build ``flow``'s step rows ahead of its start, one per event-loop turn (the flow the
        form offers to start: the others are built when one of their sessions shows)."""
        if self._preparing == flow.id:
            return
        self._preparing = flow.id
        next_turn(self, lambda: self._prepare_next(flow))  # not in the caller's turn

    def _prepare_next(self, flow: Flow) -> None:
        built = self._built.setdefault(flow.id, {})
        missing = [(n, step) for n, step in enumerate(flow.steps, 1) if step.id not in built]
        if not missing or self._preparing != flow.id:
            self._preparing = ""
            return
        number, step = missing[0]
        row = built[step.id] = self._new_row(number, step)
        row.ensurePolished()  # style work now, not at the first show
        next_turn(self, lambda: self._prepare_next(flow))

    def _new_row(self, number: int, step: Step) -> StepRow:
        row = StepRow(number, step, self._steps_box)
        row.hide()
        row.tick_requested.connect(self.tick_requested)
        row.override_requested.connect(self.override_requested)
        row.skip_requested.connect(self.skip_requested)
        row.issue_requested.connect(self.issue_requested)
        row.revoke_requested.connect(self.revoke_requested)
        return row

    def _clear_rows(self) -> None:
        for row in self.rows.values():
            self.steps.removeWidget(row)
            row.hide()  # kept for the next session of this flow
        self.rows = {}
        self._rows_for = ""

    @property
    def revealing(self) -> bool:
        """Parts of the checklist are still to be shown (a turn each), a step to open or fold,
        or the keyboard to move to a step once it shows."""
        return (
            self._revealing
            or self._focus is not None
            or any(row.pending for row in self.rows.values())
        )

    def focus_step(self, step_id: str, *, issue: bool) -> None:
        """The keyboard to the step's Issue (else its Mark done): now if it shows, else as soon
        as it does (the checklist draws a part per turn), while this session is shown."""
        session = self.session
        if session is None:
            return
        wanted = self._focus = (session.session_id, step_id, issue)
        self._move_focus(wanted, turns=5)

    def _move_focus(self, wanted: tuple[str, str, bool], turns: int) -> None:
        if self._focus is not wanted:
            return  # asked again since (or given up)
        session_id, step_id, issue = wanted
        row = self.rows.get(step_id)
        if self.session is None or self.session.session_id != session_id or row is None:
            self._focus = None
            return
        # Once the checklist is drawn (its place is known then). A folded row has no buttons
        # yet: asking for one would build its body.
        drawn = not self._revealing and not any(r.pending for r in self.rows.values())
        if drawn and row.isVisible() and row.opened:
            button = row.issue_button if issue else row.tick_button
            if button.isVisible():
                self._focus = None
                button.setFocus()
                self.focused.emit(button)
                return
        # Drawn, and still no button: a few more turns (it may have been the step to do).
        left = turns - 1 if drawn else turns
        if left >= 0:
            next_turn(self, lambda: self._move_focus(wanted, left))
        else:
            self._focus = None

    def _build_rows(self, session: OnboardingSession) -> None:
        self._clear_rows()
        built = self._built.setdefault(session.flow.id, {})
        for number, (step, _record) in enumerate(session.records(), 1):
            row = built.get(step.id) or built.setdefault(step.id, self._new_row(number, step))
            self.steps.addWidget(row)
            self.rows[step.id] = row
        self._rows_for = session.session_id
        self.before.hold()
        self._revealing = True
        parts: list[Callable[[OnboardingSession], int]] = [self._measure_notes, self._show_notes]
        parts += [partial(self._show_row, row) for row in self.rows.values()]
        next_turn(self, lambda: self._reveal(session.session_id, parts))

    def _reveal(self, session_id: str, parts: list[Callable[[OnboardingSession], int]]) -> None:
        """The checklist's parts, each on its own event-loop turn from the one after the session
        showed (a part says how many turns it needs): shown at once they would stall the window."""
        session = self.session
        self._revealing = bool(parts) and self._rows_for == session_id and session is not None
        if session is None or not self._revealing:
            return
        turns = parts[0](session)
        self._after(turns, lambda: self._reveal(session_id, parts[1:]))

    def _measure_notes(self, _session: OnboardingSession) -> int:
        """The held notes laid out a turn before they show (the size hint of their rich text is
        some 6 ms, which QLabel keeps): the turn that shows them is then light."""
        self.before.measure()
        return 1

    def _show_notes(self, _session: OnboardingSession) -> int:
        self.before.release()
        return 1

    def _show_row(self, row: StepRow, session: OnboardingSession) -> int:
        self._render_row(session, row.step.id)
        row.show()
        return 1 + row.pending  # its words open on the next turn: the next row waits one more

    def _after(self, turns: int, then: Callable[[], None]) -> None:
        """``then`` on the event-loop turn ``turns`` from now."""
        if turns > 1:
            next_turn(self, lambda: self._after(turns - 1, then))
        else:
            next_turn(self, then)

    def _render_words(self, session: OnboardingSession) -> None:
        issued = session.pass_facts is not None
        self.before.show_flow(
            session.session_id, session.flow, self.text_facts(session), issued=issued
        )
        self._render_rows(session)

    def _render_rows(self, session: OnboardingSession) -> None:
        for step, _record in session.records():
            row = self.rows.get(step.id)
            if row is not None and row.isVisibleTo(self):  # the rest render as they are revealed
                self._render_row(session, step.id)

    def _render_row(self, session: OnboardingSession, step_id: str) -> None:
        checklist = session.checklist
        step, record = session.flow.step(step_id), checklist.record(step_id)
        active = checklist.active_step
        is_active = active is not None and active.id == step.id
        issue_step = step.action is Action.ISSUE_PASS and not record.state.finished
        revoke_step = (
            step.action is Action.REVOKE_PASS
            and record.action_done_at is None
            and not record.state.finished
        )
        self.rows[step_id].show_view(
            StepView(
                record=record,
                active=is_active,
                closed=session.closed,
                waiting=self._waiting(session, step.id, is_active and issue_step),
                timer=checklist.timer(step.id),
                can_tick=checklist.can_tick(step.id),
                can_override=step.kind is not StepKind.MANUAL and not issue_step,
                can_skip=step.optional,
                can_issue=self._can_issue,
                show_issue=issue_step,
                show_revoke=revoke_step and session.pass_facts is not None,
                facts=self.text_facts(session),
            )
        )

    def _waiting(self, session: OnboardingSession, step_id: str, issuing: bool) -> str:
        if issuing:
            return f"{self._issue_note}. Pass settings changes it." if self._issue_note else ""
        active = session.checklist.active_step
        if active is None or active.id != step_id:
            return ""
        return session.checklist.waiting_text(step_id)

    def _render_notes(self, session: OnboardingSession) -> None:
        if session.pass_value_lost:
            self.restart_note.show_text(esc(RESTART_TEXT), Tone.WARNING)
        else:
            self.restart_note.hide()
        problem = session.poll_problem
        if problem is not None and not session.closed:
            tone = Tone.ERROR if problem.blocking else Tone.WARNING
            parts = [f"<b>{esc(problem.title)}</b>", esc(problem.message)]
            if problem.hint:
                parts.append(esc(problem.hint))
            if problem.request_id:
                parts.append(f"request-id: {esc(problem.request_id)}")
            self.problem_note.show_text(
                "<br>".join(parts),
                tone,
                button=problem.blocking or problem.kind is not ProblemKind.THROTTLED,
            )
        else:
            self.problem_note.hide()
        if session.save_warning:
            self.save_note.show_text(esc(session.save_warning), Tone.WARNING)
        else:
            self.save_note.hide()
        snap = session.checklist.snapshot()
        if snap.closed_at is not None:
            when = f"{snap.closed_at.astimezone():%a %d %b} {clock_time(snap.closed_at)}"
            if snap.outcome is Outcome.COMPLETED:
                text = f"✓ Done {when}. Every step is finished and recorded."
                tone = Tone.OK
            else:
                text = f"Closed {when} without finishing. The record is kept."
                tone = Tone.WARNING
            self.end_note.show_text(text, tone, button=False)
        else:
            self.end_note.hide()
