"""One step of the checklist: title and state, the words to read out, caveats, what to do if
its way does not work, what it waits for, its timer, when it started and finished, and the
buttons that apply to it now.

The active step is open; the others show one line and open on request ("Show words"). A row is
built once per flow and reused by every session of it, so the words are rendered per session
(:mod:`tapdesk.core.flow_text`: the pass decides "one-time" or "temporary"). A row is cheap
until it opens: the open part (:mod:`~tapdesk.ui.onboarding.step_body`) is built then, and the
looks of every row are one style sheet (:func:`rows_sheet`) on the box that holds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tapdesk.core.checklist import SYSTEM_ACTOR, StepRecord, StepState, TimerView
from tapdesk.core.flow_text import TextFacts
from tapdesk.core.flows import Action, Step, StepKind
from tapdesk.ui import theme
from tapdesk.ui.onboarding.sources import SourcedLabel
from tapdesk.ui.onboarding.step_body import StepBody
from tapdesk.ui.text import Label, plain_tip
from tapdesk.ui.theme import Tone
from tapdesk.ui.turns import next_turn
from tapdesk.ui.widgets.chips import Chip

STATE_TEXT = {
    StepState.PENDING: "To do",
    StepState.ACTIVE: "Now",
    StepState.DONE: "Done",
    StepState.OVERRIDDEN: "Overridden",
    StepState.SKIPPED: "Skipped",
}
_STATE_TONE = {
    StepState.PENDING: Tone.INFO,
    StepState.ACTIVE: Tone.INFO,
    StepState.DONE: Tone.OK,
    StepState.OVERRIDDEN: Tone.WARNING,
    StepState.SKIPPED: Tone.INFO,
}
_ICONS = {
    StepState.PENDING: "○",
    StepState.ACTIVE: "▶",
    StepState.DONE: "✓",
    StepState.OVERRIDDEN: "✓",
    StepState.SKIPPED: "–",
}


FIELD_TESTED_STEP_TIP = (
    "No Microsoft page documents this way of doing the step; it is what works in the field."
)


def clock_time(value: datetime | None) -> str:
    return value.astimezone().strftime("%H:%M:%S") if value else ""


def record_line(step: Step, record: StepRecord) -> str:
    """When the step started and finished, by whom, and what Graph showed."""
    parts = []
    if record.activated_at is not None:
        parts.append(f"Started {clock_time(record.activated_at)}")
    if record.action_done_at is not None and not record.state.finished:
        done = "Pass revoked" if step.action is Action.REVOKE_PASS else "Done"
        parts.append(f"{done} {clock_time(record.action_done_at)}")
    if record.state.finished and record.finished_at is not None:
        when = clock_time(record.finished_at)
        if record.state is StepState.DONE:
            who = "seen in Microsoft Graph" if record.actor == SYSTEM_ACTOR else record.actor
            if step.kind is StepKind.TIMER and record.actor == SYSTEM_ACTOR:
                who = "time is up"
            parts.append(f"Done {when} ({who})" if who else f"Done {when}")
        else:
            word = STATE_TEXT[record.state]
            parts.append(f"{word} {when} by {record.actor}" if record.actor else f"{word} {when}")
    text = " · ".join(parts)
    if record.evidence and record.state is StepState.DONE:
        text += f": {record.evidence}"
    if record.reason:
        text += f". Reason: {record.reason}"
    return text


@dataclass(frozen=True, slots=True)
class StepView:
    """What the row shows now; the panel derives it from the session."""

    record: StepRecord
    active: bool
    closed: bool
    waiting: str = ""  # "Waiting for …" (verify steps, an action's check)
    timer: TimerView | None = None
    can_tick: bool = False
    can_override: bool = False
    can_skip: bool = False
    can_issue: bool = False  # the issue step: the form can issue now
    show_issue: bool = False
    show_revoke: bool = False
    facts: TextFacts = field(default_factory=TextFacts)  # the pass, the user's methods


class StepRow(QFrame):
    tick_requested = Signal(str)
    override_requested = Signal(str)
    skip_requested = Signal(str)
    issue_requested = Signal()
    revoke_requested = Signal()

    def __init__(self, number: int, step: Step, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step = step
        self.setObjectName("stepRow")
        # Never squeezed below what its words need: the work area scrolls instead of clipping.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setAccessibleName(f"Step {number}: {step.title}")
        self.setProperty("live", False)  # rows_sheet: the live step is tinted
        self._opened: bool | None = None  # the technician's choice; None: follow the state
        self._active = False
        self._state = StepState.PENDING
        # What the body shows, kept while there is none (StepBody is built on first open).
        self._body: StepBody | None = None
        self._view: StepView | None = None
        self._facts = TextFacts()
        self._timer: tuple[TimerView | None, bool] = (None, False)
        self._can_issue = False
        # The body opens or folds on the next turn (built then, the first time): on a turn of
        # its own, after the one that redraws the checklist (or shows the pass).
        self.pending = False

        self.icon = Label()
        self.icon.setFixedWidth(22)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.icon.setFont(theme.scaled_font(self, 1.2, bold=True))
        self.title = Label(f"{number}. {step.title}")
        self.title.setWordWrap(True)
        self.title.setAccessibleName("Step title")
        self.title.setFont(theme.scaled_font(self, 1.05, bold=True))
        self.optional = Label("optional" if step.optional else "")
        self.optional.setObjectName("optional")
        self.optional.setAccessibleName("Optional step")
        self.field_tested = Label("field-tested" if step.field_tested else "")
        self.field_tested.setObjectName("fieldTested")
        self.field_tested.setAccessibleName("Field-tested step")
        self.field_tested.setToolTip(plain_tip(FIELD_TESTED_STEP_TIP))
        self.chip = Chip()
        self.toggle = QToolButton()
        self.toggle.setAccessibleName("Show or hide the words")
        self.toggle.setAutoRaise(True)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.clicked.connect(self._flip)
        self.record = Label()
        self.record.setObjectName("record")
        self.record.setWordWrap(True)
        self.record.setAccessibleName("Step record")

        self._build()  # every label has its parent now: showing one no longer opens a window
        self.field_tested.setVisible(step.field_tested)
        self._show_body()
        theme.follow_palette(self, self._restyle)

    def _build(self) -> None:
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(self.title, 1)
        head.addWidget(self.optional, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.field_tested, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignTop)
        self._column = QVBoxLayout()
        self._column.setSpacing(4)
        self._column.addLayout(head)
        self._column.addWidget(self.record)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 8)
        outer.setSpacing(6)
        outer.addWidget(self.icon)
        outer.addLayout(self._column, 1)

    # -- the body, built when first needed ------------------------------------------------------
    @property
    def body(self) -> StepBody:
        """The open part (built now if it was not yet: a test or the keyboard may ask)."""
        return self._body if self._body is not None else self._build_body()

    def _build_body(self) -> StepBody:
        body = self._body = StepBody(self.step, self)
        body.hide()
        step_id = self.step.id
        body.tick_button.clicked.connect(lambda: self.tick_requested.emit(step_id))
        body.issue_button.clicked.connect(self.issue_requested)
        body.revoke_button.clicked.connect(self.revoke_requested)
        body.override_button.clicked.connect(lambda: self.override_requested.emit(step_id))
        body.skip_button.clicked.connect(lambda: self.skip_requested.emit(step_id))
        self._fill(body)
        self._column.addWidget(body)
        self._show_body(now=True)
        return body

    @property
    def built(self) -> bool:
        """Whether the body exists (a folded step that never opened has none)."""
        return self._body is not None

    # The body's parts, as before it was built late (asking for one builds it).
    @property
    def say(self) -> SourcedLabel:
        return self.body.say

    @property
    def caveats(self) -> SourcedLabel:
        return self.body.caveats

    @property
    def fallback(self) -> SourcedLabel:
        return self.body.fallback

    @property
    def waiting(self) -> Label:
        return self.body.waiting

    @property
    def timer(self) -> Label:
        return self.body.timer

    @property
    def tick_button(self) -> QPushButton:
        return self.body.tick_button

    @property
    def issue_button(self) -> QPushButton:
        return self.body.issue_button

    @property
    def revoke_button(self) -> QPushButton:
        return self.body.revoke_button

    @property
    def override_button(self) -> QPushButton:
        return self.body.override_button

    @property
    def skip_button(self) -> QPushButton:
        return self.body.skip_button

    # -- state ----------------------------------------------------------------------------------
    @property
    def opened(self) -> bool:
        """Whether the words are to show (they may open or fold on the next turn)."""
        return self._active if self._opened is None else self._opened

    def show_view(self, view: StepView) -> None:
        record = view.record
        if record.state is not self._state or view.active != self._active:
            self._opened = None  # a new state: back to "active steps open"
        self._state, self._active = record.state, view.active
        self._view, self._facts = view, view.facts
        self._timer = (view.timer, record.state.finished)
        self._can_issue = view.can_issue
        self.icon.setText(_ICONS[record.state])
        self.chip.set_chip(STATE_TEXT[record.state], _STATE_TONE[record.state])
        self.record.setText(record_line(self.step, record))
        self.record.setVisible(bool(self.record.text()))
        live = view.active and not view.closed
        if self.property("live") != live:  # re-polish the frame only on a change
            self.setProperty("live", live)
            self.style().unpolish(self)
            self.style().polish(self)
            self.update()
        if self._body is not None:
            self._fill(self._body)
        self._show_body()

    def show_words(self, facts: TextFacts) -> None:
        """Say, caveats and fallback as they read for ``facts`` (once there is a body)."""
        self._facts = facts
        if self._body is not None:
            self._body.show_words(facts)

    def render_timer(self, timer: TimerView | None, finished: bool) -> None:
        self._timer = (timer, finished)
        if self._body is not None:
            self._body.render_timer(timer, finished)

    def set_can_issue(self, can_issue: bool) -> None:
        """Whether the form can issue now (the issue step's button)."""
        self._can_issue = can_issue
        if self._body is not None:
            self._body.issue_button.setEnabled(can_issue)

    def _fill(self, body: StepBody) -> None:
        """The body as the last view says (a body built late catches up here)."""
        body.show_words(self._facts)
        body.render_timer(*self._timer)
        body.issue_button.setEnabled(self._can_issue)
        view = self._view
        if view is None:
            return
        finished = view.record.state.finished
        body.waiting.setText(view.waiting)
        body.waiting.setVisible(bool(view.waiting) and not finished)
        live = view.active and not view.closed
        body.tick_button.setVisible(live and view.can_tick)
        body.issue_button.setVisible(live and view.show_issue)
        body.revoke_button.setVisible(live and view.show_revoke)
        body.override_button.setVisible(live and view.can_override)
        body.skip_button.setVisible(live and view.can_skip)

    def _flip(self) -> None:
        self._opened = not self.opened
        self._show_body(now=True)

    def _show_body(self, *, now: bool = False) -> None:
        """Open or fold the body as the state (or the technician's choice) wants: at once when
        asked to, or when the row is not on screen; else on the next turn, as one change with
        the other rows' (a step folding while the next opens: the page does not jump)."""
        opened = self.opened
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if opened else Qt.ArrowType.RightArrow)
        self.toggle.setToolTip("Hide the words" if opened else "Show the words to say")
        body = self._body
        if body is not None and (now or self.isHidden()):
            self.pending = False
            body.setVisible(opened)
        elif (body is None and opened) or (body is not None and body.isHidden() == opened):
            if not self.pending:
                self.pending = True
                next_turn(self, self._apply)
        else:
            self.pending = False

    def _apply(self) -> None:
        if not self.pending:
            return
        self.pending = False
        if self._body is not None:
            self._body.setVisible(self.opened)
        elif self.opened:
            self._build_body()  # filled, and shown, as the last view says

    def _restyle(self) -> None:
        # The frame and the labels follow the checklist's sheet (rows_sheet); the body's marks
        # and timer carry colours of their own.
        if self._body is not None:
            self._body.restyle()


def rows_sheet() -> str:
    """The look of every step row, set once on the box that holds them (a sheet per row made
    each row, and each label in it, polish again on every restyle)."""
    palette = theme.palette()
    muted = theme.css(theme.muted(palette))
    info = theme.css(theme.hue(Tone.INFO))
    base = theme.css(palette.color(palette.ColorRole.Base))
    idle = theme.css(theme.tint(palette, Tone.INFO, 0.30))
    live = theme.css(theme.tint(palette, Tone.INFO, 0.07))
    return (
        f"#stepRow {{ border: 1px solid {idle}; border-radius: 6px; background: transparent; }}"
        f'#stepRow[live="true"] {{ border: 1px solid {info}; background: {live}; }}'
        "#stepRow QLabel { background: transparent; }"
        f"#stepRow QLabel#say {{ background: {base}; border-left: 4px solid {info};"
        " border-radius: 4px; padding: 8px 10px; }"
        f"#stepRow QLabel#caveats, #stepRow QLabel#record {{ color: {muted}; }}"
        # A chip's shape (widgets.chips) in muted ink: a note on the step, not its state.
        f"#stepRow QLabel#fieldTested {{ color: {muted}; border: 1px solid {muted};"
        " border-radius: 9px; padding: 1px 8px; }"
        f"#stepRow QLabel#optional {{ color: {muted}; font-style: italic; }}"
        f"#stepRow QLabel#waiting {{ color: {theme.css(theme.ink(palette, Tone.INFO))}; }}"
    )
