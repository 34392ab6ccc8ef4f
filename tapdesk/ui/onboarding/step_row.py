"""One step of the checklist: title and state, the words to read out, caveats, what to do if
its way does not work, what it waits for, its timer, when it started and finished, and the
buttons that apply to it now.

The active step is open; the others show one line and open on request ("Show words"). A row is
built once per flow and reused by every session of it, so the words are rendered per session
(:mod:`tapdesk.core.flow_text`: the pass decides "one-time" or "temporary").
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
from tapdesk.core.flow_text import TextFacts, render
from tapdesk.core.flows import Action, Line, Step, StepKind
from tapdesk.ui import theme
from tapdesk.ui.onboarding.sources import Marked, Marker, SourcedLabel, lines_marked
from tapdesk.ui.text import Label, esc, plain_tip
from tapdesk.ui.theme import Tone
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


FALLBACK_HEADING = "If that does not work:"
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
        self._opened: bool | None = None  # the technician's choice; None: follow the state
        self._active = False
        self._state = StepState.PENDING
        self._styled_live: bool | None = None
        self._timer_tone: Tone | None = None
        self._facts: TextFacts | None = None  # the words were rendered for these

        self.icon = Label()
        self.icon.setFixedWidth(22)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.icon.setFont(theme.scaled_font(self, 1.2, bold=True))
        self.title = Label(f"{number}. {step.title}")
        self.title.setWordWrap(True)
        self.title.setAccessibleName("Step title")
        self.title.setFont(theme.scaled_font(self, 1.05, bold=True))
        self.optional = Label("optional" if step.optional else "")
        self.optional.setAccessibleName("Optional step")
        self.field_tested = Label("field-tested" if step.field_tested else "")
        self.field_tested.setAccessibleName("Field-tested step")
        self.field_tested.setToolTip(plain_tip(FIELD_TESTED_STEP_TIP))
        self.chip = Chip()
        self.toggle = QToolButton()
        self.toggle.setAccessibleName("Show or hide the words")
        self.toggle.setAutoRaise(True)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.clicked.connect(self._flip)

        self.say = SourcedLabel()
        self.say.setObjectName("say")
        self.say.setAccessibleName("Say")
        self.caveats = SourcedLabel()
        self.caveats.setAccessibleName("Caveats")
        self.fallback = SourcedLabel()
        self.fallback.setAccessibleName(FALLBACK_HEADING.rstrip(":"))
        self.waiting = Label()
        self.waiting.setWordWrap(True)
        self.waiting.setAccessibleName("Waiting for")
        self.timer = Label()
        self.timer.setAccessibleName("Timer")
        self.timer.setFont(theme.scaled_font(self, 1.15, bold=True))
        self.record = Label()
        self.record.setWordWrap(True)
        self.record.setAccessibleName("Step record")

        self.tick_button = self._button("Mark done", "Tick this step (you saw it done)")
        self.tick_button.clicked.connect(lambda: self.tick_requested.emit(step.id))
        self.issue_button = self._button(
            "Issue the pass", "Issue the pass with the form's settings"
        )
        self.issue_button.clicked.connect(self.issue_requested)
        self.revoke_button = self._button("Revoke the pass", "Delete the pass in Entra now")
        self.revoke_button.clicked.connect(self.revoke_requested)
        self.override_button = self._button(
            "Override…", "Mark it done against what tapdesk sees; a reason is recorded"
        )
        self.override_button.clicked.connect(lambda: self.override_requested.emit(step.id))
        self.skip_button = self._button("Skip…", "Leave out this optional step")
        self.skip_button.clicked.connect(lambda: self.skip_requested.emit(step.id))

        self._build()  # every label has its parent now: showing one no longer opens a window
        self.field_tested.setVisible(step.field_tested)
        self.show_words(TextFacts())
        theme.follow_palette(self, self._style)

    def _button(self, text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.rstrip("…"))
        button.setToolTip(plain_tip(tip))
        return button

    def _build(self) -> None:
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(self.title, 1)
        head.addWidget(self.optional, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.field_tested, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignTop)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 2, 0, 0)
        body.setSpacing(6)
        body.addWidget(self.waiting)  # the live part first: what tapdesk waits for, the time
        body.addWidget(self.timer)
        body.addWidget(self.say)
        body.addWidget(self.caveats)
        body.addWidget(self.fallback)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        for button in (
            self.tick_button,
            self.issue_button,
            self.revoke_button,
            self.override_button,
            self.skip_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        body.addLayout(buttons)
        column = QVBoxLayout()
        column.setSpacing(4)
        column.addLayout(head)
        column.addWidget(self.record)
        column.addWidget(self.body)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 8)
        outer.setSpacing(6)
        outer.addWidget(self.icon)
        outer.addLayout(column, 1)

    # -- state ----------------------------------------------------------------------------------
    @property
    def opened(self) -> bool:
        return not self.body.isHidden()

    def show_view(self, view: StepView) -> None:
        record = view.record
        if record.state is not self._state or view.active != self._active:
            self._opened = None  # a new state: back to "active steps open"
        self._state, self._active = record.state, view.active
        self.show_words(view.facts)
        self.icon.setText(_ICONS[record.state])
        self.chip.set_chip(STATE_TEXT[record.state], _STATE_TONE[record.state])
        self.record.setText(record_line(self.step, record))
        self.record.setVisible(bool(self.record.text()))
        self.waiting.setText(view.waiting)
        self.waiting.setVisible(bool(view.waiting) and not record.state.finished)
        self.render_timer(view.timer, record.state.finished)
        live = view.active and not view.closed
        self.tick_button.setVisible(live and view.can_tick)
        self.issue_button.setVisible(live and view.show_issue)
        self.issue_button.setEnabled(view.can_issue)
        self.revoke_button.setVisible(live and view.show_revoke)
        self.override_button.setVisible(live and view.can_override)
        self.skip_button.setVisible(live and view.can_skip)
        self.setProperty("active", live)
        if live != self._styled_live:  # a style sheet re-polishes the whole row: only on change
            self._restyle(live)
        self._show_body()

    def show_words(self, facts: TextFacts) -> None:
        """Say, caveats and fallback as they read for ``facts``; nothing to do when unchanged."""
        if facts == self._facts:
            return
        self._facts = facts
        step = self.step
        for label, marked in (
            (self.say, say_marked(step, render(step.say, facts))),
            (self.caveats, lines_marked(render(step.caveats, facts), "⚠ ")),
            (self.fallback, lines_marked(render(step.fallback, facts), "• ", FALLBACK_HEADING)),
        ):
            label.show_marked(marked)
            label.setVisible(bool(marked.html))

    def render_timer(self, timer: TimerView | None, finished: bool) -> None:
        if timer is None or (finished and self.step.kind is not StepKind.TIMER):
            self.timer.clear()
            self.timer.hide()
            return
        self.timer.setText(timer.text)
        self.timer.show()
        tone = Tone.INFO
        if timer.ran_out:
            tone = Tone.ERROR
        elif timer.running and timer.seconds_left is not None and timer.seconds_left < 120:
            tone = Tone.WARNING
        if tone is not self._timer_tone:  # every second otherwise: keep the style sheet still
            self._timer_tone = tone
            self._paint_timer()

    def _paint_timer(self) -> None:
        if self._timer_tone is not None:
            ink = theme.ink(theme.palette(), self._timer_tone)
            self.timer.setStyleSheet(f"color: {theme.css(ink)};")

    def _flip(self) -> None:
        self._opened = not self.opened
        self._show_body()

    def _show_body(self) -> None:
        opened = self._active if self._opened is None else self._opened
        self.body.setVisible(opened)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if opened else Qt.ArrowType.RightArrow)
        self.toggle.setToolTip("Hide the words" if opened else "Show the words to say")

    # -- looks ----------------------------------------------------------------------------------
    def _style(self) -> None:
        palette = theme.palette()
        muted = theme.css(theme.muted(palette))
        self.caveats.setStyleSheet(f"color: {muted};")
        self.caveats.setFont(theme.scaled_font(self, 0.95))
        self.fallback.setFont(theme.scaled_font(self, 0.95))
        # A chip's shape (widgets.chips) in muted ink: a note on the step, not its state.
        self.field_tested.setStyleSheet(
            f"color: {muted}; border: 1px solid {muted}; border-radius: 9px; padding: 1px 8px;"
        )
        if self._facts is not None:  # the marks' colour is in the markup: render it again
            facts, self._facts = self._facts, None
            self.show_words(facts)
        self.record.setStyleSheet(f"color: {muted};")
        self.waiting.setStyleSheet(f"color: {theme.css(theme.ink(palette, Tone.INFO))};")
        self.waiting.setFont(theme.scaled_font(self, 1.0, bold=True))
        self.optional.setStyleSheet(f"color: {muted}; font-style: italic;")
        self._restyle(bool(self._styled_live))
        self._paint_timer()

    def _restyle(self, active: bool) -> None:
        self._styled_live = active
        palette = theme.palette()
        if active:
            border = theme.css(theme.hue(Tone.INFO))
            back = theme.css(theme.tint(palette, Tone.INFO, 0.07))
        else:
            border = theme.css(theme.tint(palette, Tone.INFO, 0.30))
            back = "transparent"
        self.setStyleSheet(
            f"#stepRow {{ border: 1px solid {border}; border-radius: 6px; background: {back}; }}"
            "#stepRow QLabel { background: transparent; }"
        )
        self._style_say()

    def _style_say(self) -> None:
        palette = theme.palette()
        base = palette.color(palette.ColorRole.Base)
        self.say.setStyleSheet(
            f"#say {{ background: {theme.css(base)};"
            f" border-left: 4px solid {theme.css(theme.hue(Tone.INFO))};"
            " border-radius: 4px; padding: 8px 10px; }"
        )


def say_marked(step: Step, lines: tuple[Line, ...]) -> Marked:
    """The words to read out; the step's own pages (``cite``) give "Why?" to all of them."""
    if not lines:
        return Marked()
    marker = Marker()
    head = f"<div><b>Say:</b>{marker.why(step.cite)}</div>"
    said = "".join(
        f"<p style='margin: 0 0 4px 0'>“{esc(line.text)}”{marker.marks(line)}</p>" for line in lines
    )
    return marker.done(head + said)
