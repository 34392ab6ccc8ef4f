"""How the pass should be: lifetime within the tenant policy, one-time use, start, setup path.

The setup paths are the onboarding flows (``resources/flows``, via :meth:`IssueForm.set_flows`)
plus "pass only". Issuing with a flow chosen starts that flow's checklist; while the selected
user has an open checklist the path is fixed to its flow (:meth:`IssueForm.follow_session`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tapdesk.core.clock import Clock
from tapdesk.core.models import TapPolicy
from tapdesk.core.passrules import (
    API_MAX_LIFETIME,
    API_MIN_LIFETIME,
    IssueRequest,
    allowed_lifetimes,
    human_minutes,
    lifetime_bounds,
    one_time_choice,
)
from tapdesk.core.text import one_line
from tapdesk.ui import theme
from tapdesk.ui.text import Label, fit_line, plain_tip
from tapdesk.ui.theme import Tone
from tapdesk.ui.widgets.banner import Banner
from tapdesk.ui.widgets.section import Section

if TYPE_CHECKING:
    from tapdesk.core.flows import (
        Flow,  # the window hands them over: loaded with the checklist part
    )
from tapdesk.ui.widgets.spinner import Spinner


class SetupPath(StrEnum):
    """The shipped flows' ids (``resources/flows``), with built-in wording until flows load."""

    AUTHENTICATOR = "passkey-authenticator"
    OOBE = "oobe-pass"
    WEB = "web-sign-in"

    @property
    def label(self) -> str:
        return _PATHS[self][0]

    @property
    def description(self) -> str:
        return _PATHS[self][1]


_PATHS = {
    SetupPath.AUTHENTICATOR: (
        "Authenticator + passkey (recommended)",
        "The user adds the work account to Microsoft Authenticator with the pass and creates a "
        "passkey there.",
    ),
    SetupPath.OOBE: (
        "Windows setup (OOBE) with the pass",
        "The user types the pass during Windows setup on an Entra-joined device.",
    ),
    SetupPath.WEB: (
        "Web sign-in at the Windows lock screen",
        "Windows 11 22H2 or later, Entra joined, with Web sign-in turned on.",
    ),
}
PASS_ONLY_LABEL = "Pass only, no checklist"  # noqa: S105 (a label)
PASS_ONLY_HELP = "Just the pass: no guided steps, nothing checked on the phone."  # noqa: S105
FOLLOW_HELP = "{name} has an open checklist on this path: a new pass replaces its pass."


@dataclass(frozen=True, slots=True)
class PathChoice:
    """One setup path: a flow (``flow_id``) or the pass alone (``flow_id`` None)."""

    flow_id: str | None
    label: str
    description: str
    # Shown when a one-time pass is chosen for a path whose flow suggests a reusable one: the
    # flow's own reason ([pass] reason). Built-in paths (before flows load) have none.
    one_time_warning: str = ""
    suggests_one_time: bool | None = None  # the flow's [pass] usable_once (None: no word)

    @classmethod
    def of(cls, flow: Flow) -> PathChoice:
        suggestion = flow.pass_suggestion
        warning = ""
        if suggestion is not None and suggestion.usable_once is False:
            warning = suggestion.reason
        label = f"{flow.title} (recommended)" if flow.recommended else flow.title
        once = suggestion.usable_once if suggestion is not None else None
        return cls(flow.id, label, " ".join(flow.summary.split()), warning, once)


_BUILT_IN = [PathChoice(path.value, path.label, path.description) for path in SetupPath]


class IssueForm(Section):
    issue_requested = Signal()
    changed = Signal()  # what would be issued, or whether it can be, may have changed

    def __init__(
        self,
        clock: Clock,
        parent: QWidget | None = None,
        *,
        default_lifetime: int | None = None,
        default_one_time: bool | None = None,
    ) -> None:
        super().__init__("Issue a pass", parent)
        self._clock = clock
        self._default_lifetime = default_lifetime
        self._default_one_time = default_one_time
        self._policy = TapPolicy.documented_defaults()
        self._blocked = ""
        self._has_user = False
        self._replaces = False

        self.lifetime = QSpinBox()
        self.lifetime.setAccessibleName("Lifetime in minutes")
        self.lifetime.setSuffix(" min")
        self.lifetime.setSingleStep(10)
        self.lifetime_human = Label()
        self.lifetime_human.setAccessibleName("Lifetime in hours")
        # A lifetime outside the policy stays as typed (never quietly changed) and says why
        # Issue is off; the one rule is passrules.allowed_lifetimes.
        self.lifetime_problem = Label()
        self.lifetime_problem.setWordWrap(True)
        self.lifetime_problem.setAccessibleName("Lifetime outside the policy")
        self.policy_note = Label()
        self.policy_note.setWordWrap(True)
        self.policy_note.setAccessibleName("Policy note")
        self.one_time = QCheckBox("One-time use")
        self.one_time.setToolTip("The pass works for a single sign-in")
        self.one_time.setAccessibleName("One-time use")
        self.one_time_note = Label()
        self.one_time_note.setWordWrap(True)
        self.one_time_note.setAccessibleName("One-time note")

        self.start_now = QRadioButton("Now")
        self.start_now.setAccessibleName("Start now")
        self.start_later = QRadioButton("At")
        self.start_later.setAccessibleName("Start at a chosen time")
        self.start_at = QDateTimeEdit()
        self.start_at.setAccessibleName("Start time")
        self.start_at.setCalendarPopup(True)
        self.start_at.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        self.start_now.setChecked(True)
        starts = QButtonGroup(self)
        starts.addButton(self.start_now)
        starts.addButton(self.start_later)

        self.paths = QButtonGroup(self)
        self.path_buttons: dict[str | None, QRadioButton] = {}
        self._choices: list[PathChoice] = []
        self._following: str | None = None  # a flow fixed by the user's open checklist
        self._following_name = ""
        self._path_box = QVBoxLayout()
        self._path_box.setSpacing(2)
        path_box = self._path_box
        self.path_help = Label()
        self.path_help.setWordWrap(True)
        self.path_help.setAccessibleName("About this path")
        self._set_choices(_BUILT_IN)

        self.warning = Label()
        self.warning.setWordWrap(True)
        self.warning.setAccessibleName("Warning")
        self.issue_button = QPushButton("Issue pass")
        self.issue_button.setAccessibleName("Issue pass")
        self.issue_button.setToolTip("Issue the pass (Enter); a live pass is replaced only here")
        self.issue_button.setMinimumHeight(36)
        self.issue_button.setFont(theme.scaled_font(self, 1.1, bold=True))
        self.spinner = Spinner(name="Issuing the pass")
        self.blocked_note = Label()
        self.blocked_note.setWordWrap(True)
        self.blocked_note.setAccessibleName("Why the pass cannot be issued")
        # What the last press did: issued, replaced, or why Enter did nothing.
        self.status = Label()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Issue status")
        # Why the last Issue failed, under the button that was pressed (the window routes it).
        self.message = Banner()
        self.message.setAccessibleName("Issue error")
        self.message.hide()

        lifetime_row = QHBoxLayout()
        lifetime_row.addWidget(self.lifetime)
        lifetime_row.addWidget(self.lifetime_human, 1)
        start_row = QHBoxLayout()
        start_row.addWidget(self.start_now)
        start_row.addSpacing(12)
        start_row.addWidget(self.start_later)
        start_row.addWidget(self.start_at, 1)
        form = QFormLayout()
        # In a narrow tasks column the labels go above their fields rather than cut them.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._form = form
        form.addRow(Label("Lifetime"), lifetime_row)
        form.addRow(Label(), self.lifetime_problem)
        form.addRow(Label(), self.policy_note)
        form.addRow(Label("Use"), self.one_time)
        form.addRow(Label(), self.one_time_note)
        form.addRow(Label("Starts"), start_row)
        form.addRow(Label("Setup path"), path_box)
        # A row of its own under the paths: the form gives a wrapped label the height its
        # width needs, which a label inside the paths' box did not always get.
        form.addRow(Label(), self.path_help)
        button_row = QHBoxLayout()
        button_row.addWidget(self.issue_button, 1)
        button_row.addWidget(self.spinner)
        layout = self.body
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.blocked_note)
        layout.addSpacing(4)
        layout.addLayout(button_row)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addStretch(1)

        self.lifetime.valueChanged.connect(self._update)
        self.one_time.toggled.connect(self._update)
        self.start_later.toggled.connect(self._update)
        self.paths.buttonToggled.connect(self._update)
        self.issue_button.clicked.connect(self.issue_requested)
        theme.follow_palette(self, self._style_notes)
        self.set_policy(self._policy, loaded=False)

    # -- configuration --------------------------------------------------------------------------
    def set_policy(self, policy: TapPolicy, *, loaded: bool = True) -> None:
        """Bounds and defaults from the tenant policy (``loaded=False``: not read yet)."""
        self._policy = policy
        bounds = lifetime_bounds(policy)
        self.lifetime.blockSignals(True)
        # Any lifetime Graph takes can be typed; one outside the policy is flagged (_update).
        self.lifetime.setRange(API_MIN_LIFETIME, API_MAX_LIFETIME)
        self.lifetime.blockSignals(False)
        span = f"{human_minutes(bounds.minimum)} to {human_minutes(bounds.maximum)}"
        self.policy_note.setToolTip("")
        if not loaded:
            self.policy_note.setText("")
        elif policy.known:
            self.policy_note.setText(
                f"Tenant policy: {span}, default {human_minutes(bounds.default)}."
            )
        else:
            self.policy_note.setText(f"Policy not readable: documented defaults, {span}.")
            self.policy_note.setToolTip(
                "The tenant's pass policy could not be read, so Microsoft's documented defaults "
                "apply. Entra may still refuse a value outside the real policy."
            )
        if one_time_choice(policy) == "forced":
            self.one_time.setChecked(True)
            self.one_time.setEnabled(False)
            self.one_time_note.setText("The tenant policy makes every pass one-time.")
        else:
            self.one_time.setEnabled(True)
            self.one_time_note.setText("")
        self._take_defaults()
        self.reset_start()
        self._update()

    def set_defaults(self, lifetime: int | None, one_time: bool | None) -> None:
        """The technician's defaults changed (Tools > Settings): the form takes them now."""
        self._default_lifetime = lifetime
        self._default_one_time = one_time
        self._take_defaults()
        self._update()

    def reset_for_user(self) -> None:
        """Another person: the defaults again (settings, else policy and recommended flow),
        starting now, on the recommended path. A path fixed by that person's open checklist is
        set after this (:meth:`follow_session`)."""
        self.blockSignals(True)  # one "changed" at the end, not one per field
        self._take_defaults()
        self.reset_start()
        if self._choices:
            self.path_buttons[self._choices[0].flow_id].setChecked(True)
        self.blockSignals(False)
        self._update()

    def _take_defaults(self) -> None:
        """Lifetime and one-time use from the technician's defaults, within the policy; one-time
        without a default as the recommended path suggests (a reusable pass without one)."""
        bounds = lifetime_bounds(self._policy)
        wanted = self._default_lifetime or bounds.default
        self.lifetime.blockSignals(True)
        self.lifetime.setValue(min(bounds.maximum, max(bounds.minimum, wanted)))
        self.lifetime.blockSignals(False)
        if one_time_choice(self._policy) != "forced":
            once = self._default_one_time
            if once is None:
                recommended = self._choices[0] if self._choices else None
                once = recommended.suggests_one_time if recommended is not None else None
            self.one_time.setChecked(bool(once))

    def reset_start(self) -> None:
        now = self._clock.now()
        next_hour = (now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        self.start_at.setDateTime(QDateTime.fromSecsSinceEpoch(int(next_hour.timestamp())))
        self.start_now.setChecked(True)

    def set_user_state(self, *, has_user: bool, blocked: str = "", replaces: bool = False) -> None:
        if (has_user, blocked, replaces) == (self._has_user, self._blocked, self._replaces):
            # The card's facts merged again to the same verdict: nothing here changes, but the
            # checklist's words read the facts through this signal (Guide._form_changed).
            self.changed.emit()
            return
        self._has_user = has_user
        self._blocked = blocked
        self._replaces = replaces
        self._update()

    def set_busy(self, busy: bool) -> None:
        if busy:
            self.spinner.start()
        else:
            self.spinner.stop()
        self._update()

    def set_flows(self, flows: list[Flow]) -> None:
        """The setup paths: one per flow (recommended first, as loaded), then "pass only"."""
        chosen = self.flow_id if self.paths.checkedButton() is not None else ""
        choices = [PathChoice.of(flow) for flow in flows]
        choices.append(PathChoice(None, PASS_ONLY_LABEL, PASS_ONLY_HELP))
        self._set_choices(choices, keep=chosen)
        self._take_defaults()  # the recommended path may suggest one-time use
        self._update()

    def follow_session(self, flow_id: str | None, name: str = "") -> None:
        """Fix the path to an open checklist's flow (None: the technician chooses again)."""
        self._following = flow_id
        self._following_name = name
        if flow_id is not None and flow_id in self.path_buttons:
            self.path_buttons[flow_id].setChecked(True)
        for key, button in self.path_buttons.items():
            button.setEnabled(flow_id is None or key == flow_id)
        self._update()

    # -- reading --------------------------------------------------------------------------------
    @property
    def flow_id(self) -> str | None:
        """The chosen flow's id; None for a pass without a checklist."""
        for key, button in self.path_buttons.items():
            if button.isChecked():
                return key
        return None

    @property
    def choice(self) -> PathChoice | None:
        return next((c for c in self._choices if c.flow_id == self.flow_id), None)

    @property
    def path(self) -> SetupPath | None:
        """The chosen path when it is one of the shipped flows."""
        flow_id = self.flow_id
        return SetupPath(flow_id) if flow_id in set(SetupPath) else None

    def set_path(self, path: SetupPath | str | None) -> None:
        key = None if path is None else str(path)
        if key in self.path_buttons:
            self.path_buttons[key].setChecked(True)

    def start_time(self) -> datetime | None:
        if not self.start_later.isChecked():
            return None
        return datetime.fromtimestamp(self.start_at.dateTime().toSecsSinceEpoch(), UTC)

    def request(self) -> IssueRequest:
        forced = one_time_choice(self._policy) == "forced"
        return IssueRequest(
            lifetime_minutes=self.lifetime.value(),
            usable_once=True if forced else self.one_time.isChecked(),
            start=self.start_time(),
        )

    @property
    def can_issue(self) -> bool:
        return self.issue_button.isEnabled()

    def summary(self) -> str:
        """What the issue button would create, in a few words."""
        request = self.request()
        use = "one-time" if request.usable_once else "reusable"
        start = request.start.astimezone().strftime("at %a %d %b %H:%M") if request.start else "now"
        minutes = request.lifetime_minutes or self.lifetime.value()
        return f"A {use} pass for {human_minutes(minutes)}, starting {start}"

    # -- internals ------------------------------------------------------------------------------
    def _update(self, *_: object) -> None:
        for note in (self.policy_note, self.one_time_note):
            self._form.setRowVisible(note, bool(note.text()))
        self.lifetime_human.setText(f"= {human_minutes(self.lifetime.value())}")
        allowed = allowed_lifetimes(self._policy)
        out_of_range = not allowed.allows(self.lifetime.value())
        self.lifetime_problem.setText(allowed.sentence() if out_of_range else "")
        self._form.setRowVisible(self.lifetime_problem, out_of_range)
        self.start_at.setEnabled(self.start_later.isChecked())
        choice = self.choice
        if self._following is not None:
            name = self._following_name or "This user"
            self.path_help.setText(FOLLOW_HELP.format(name=name))
        else:
            self.path_help.setText(choice.description if choice else "")
        if choice is not None and choice.one_time_warning and self.one_time.isChecked():
            self.warning.setText("⚠ " + choice.one_time_warning)
            self.warning.show()
        else:
            self.warning.clear()
            self.warning.hide()
        busy = self.spinner.spinning
        if busy:
            self.issue_button.setText("Issuing…")
        elif self._replaces:
            self.issue_button.setText("Replace the current pass…")
        else:
            self.issue_button.setText("Issue pass")
        self.blocked_note.setText(self._blocked)
        self.blocked_note.setVisible(bool(self._blocked) and self._has_user)
        self.issue_button.setEnabled(
            self._has_user and not self._blocked and not busy and not out_of_range
        )
        self.changed.emit()

    def _set_choices(self, choices: list[PathChoice], keep: str | None = "") -> None:
        """``keep``: the flow id to leave chosen ("" or unknown: the first choice)."""
        for button in self.path_buttons.values():
            self.paths.removeButton(button)
            self._path_box.removeWidget(button)
            button.hide()  # deleted later; until then it must not show where it was
            button.deleteLater()
        self.path_buttons = {}
        self._choices = list(choices)
        for index, choice in enumerate(choices):
            button = QRadioButton()
            button.setText(fit_line(button, choice.label, 360))  # flow files name the paths
            button.setAccessibleName(one_line(choice.label))
            button.setAccessibleDescription(one_line(choice.description))
            button.setToolTip(plain_tip(choice.label, choice.description))
            self.paths.addButton(button)
            self.path_buttons[choice.flow_id] = button
            self._path_box.insertWidget(index, button)
        if choices:
            wanted = keep if keep != "" and keep in self.path_buttons else choices[0].flow_id
            self.path_buttons[wanted].setChecked(True)
        if self._following is not None:
            self.follow_session(self._following, self._following_name)

    def _style_notes(self) -> None:
        palette = theme.palette()
        muted = theme.css(theme.muted(palette))
        for label in (self.policy_note, self.one_time_note, self.path_help, self.lifetime_human):
            label.setStyleSheet(f"color: {muted};")
        self.warning.setStyleSheet(
            f"color: {theme.css(theme.ink(palette, Tone.WARNING))};"
            f" background: {theme.css(theme.tint(palette, Tone.WARNING, 0.12))};"
            " padding: 6px; border-radius: 4px;"
        )
        error = f"color: {theme.css(theme.ink(palette, Tone.ERROR))};"
        self.blocked_note.setStyleSheet(error)
        self.lifetime_problem.setStyleSheet(error)
