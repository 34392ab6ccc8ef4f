"""The open part of a checklist step: what tapdesk waits for, the step's timer, the words to
say, caveats, what to do if its way does not work, and the buttons that apply to it now.

A :class:`~tapdesk.ui.onboarding.step_row.StepRow` builds its body the first time the step
opens (or something asks for one of these widgets): most steps of a checklist are never opened
in a session, and a body is most of a row's widgets.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from tapdesk.core.checklist import TimerView
from tapdesk.core.flow_text import TextFacts, render
from tapdesk.core.flows import Line, Step, StepKind
from tapdesk.ui import theme
from tapdesk.ui.onboarding.sources import Marked, Marker, SourcedLabel, lines_marked
from tapdesk.ui.text import Label, esc, plain_tip
from tapdesk.ui.theme import Tone

FALLBACK_HEADING = "If that does not work:"


class StepBody(QWidget):
    def __init__(self, step: Step, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step = step
        self._facts: TextFacts | None = None  # the words were rendered for these
        self._timer_tone: Tone | None = None
        # Object names: the checklist's one style sheet (step_row.rows_sheet) finds them.
        self.say = SourcedLabel()
        self.say.setObjectName("say")
        self.say.setAccessibleName("Say")
        self.caveats = SourcedLabel()
        self.caveats.setObjectName("caveats")
        self.caveats.setAccessibleName("Caveats")
        self.caveats.setFont(theme.scaled_font(self, 0.95))
        self.fallback = SourcedLabel()
        self.fallback.setAccessibleName(FALLBACK_HEADING.rstrip(":"))
        self.fallback.setFont(theme.scaled_font(self, 0.95))
        self.waiting = Label()
        self.waiting.setObjectName("waiting")
        self.waiting.setWordWrap(True)
        self.waiting.setAccessibleName("Waiting for")
        self.waiting.setFont(theme.scaled_font(self, 1.0, bold=True))
        self.timer = Label()
        self.timer.setAccessibleName("Timer")
        self.timer.setFont(theme.scaled_font(self, 1.15, bold=True))

        self.tick_button = _button("Mark done", "Tick this step (you saw it done)")
        self.issue_button = _button("Issue the pass", "Issue the pass with the form's settings")
        self.revoke_button = _button("Revoke the pass", "Delete the pass in Entra now")
        self.override_button = _button(
            "Override…", "Mark it done against what tapdesk sees; a reason is recorded"
        )
        self.skip_button = _button("Skip…", "Leave out this optional step")

        body = QVBoxLayout(self)
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

    def restyle(self) -> None:
        """The palette changed: the marks' colour is in the markup, the timer's in its sheet."""
        if self._facts is not None:
            facts, self._facts = self._facts, None
            self.show_words(facts)
        self._paint_timer()

    def _paint_timer(self) -> None:
        if self._timer_tone is not None:
            ink = theme.ink(theme.palette(), self._timer_tone)
            theme.set_sheet(self.timer, f"color: {theme.css(ink)};")


def _button(text: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(text.rstrip("…"))
    button.setToolTip(plain_tip(tip))
    return button


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
