"""Who the pass is for: identity, account state, registered methods, an existing pass, problems.

Filled in parts as the answers arrive (the user first, then methods, pass and policy scope), so
the technician reads the name while the rest loads.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tapdesk.core.aaguid import authenticator_name
from tapdesk.core.bench import last_to_sign_in
from tapdesk.core.lifecycle import countdown
from tapdesk.core.models import AuthMethod, MethodKind, TemporaryAccessPass, User
from tapdesk.core.readiness import Finding
from tapdesk.core.text import one_line
from tapdesk.ui import theme
from tapdesk.ui.text import Label, RichLabel, esc, plain_tip
from tapdesk.ui.theme import Tone
from tapdesk.ui.widgets.chips import Chip
from tapdesk.ui.widgets.spinner import Spinner

if TYPE_CHECKING:
    from tapdesk.core.roster import RosterEntry  # the roster's modules load when it opens


def nice_date(value: datetime | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


def method_line(method: AuthMethod) -> str:
    if method.kind is MethodKind.FIDO2:
        name = authenticator_name(method.aaguid, method.model)
        own = f" “{method.display_name}”" if method.display_name else ""
        return f"Passkey: {name}{own}"
    if method.kind is MethodKind.AUTHENTICATOR:
        device = f" on {method.display_name}" if method.display_name else ""
        return f"Microsoft Authenticator{device}"
    if method.kind is MethodKind.PHONE and method.display_name:
        return f"Phone {method.display_name}"
    return method.kind.label


def roster_line(entry: RosterEntry | None) -> str:
    """ "Roster: LAP-0141 · desk 4.12": the day's roster row for the person ("" without)."""
    if entry is None:
        return ""
    parts = [part for part in (entry.device.strip(), entry.notes.strip()) if part]
    return f"Roster: {' · '.join(parts)}" if parts else ""


def pass_line(tap: TemporaryAccessPass | None, now: datetime, *, shown_here: bool = False) -> str:
    if tap is None:
        return "None"
    view = countdown(tap, now)
    use = "one-time" if tap.usable_once else "reusable"
    text = view.text[:1].upper() + view.text[1:]
    where = "its value is in the pass panel" if shown_here else "its value cannot be shown again"
    return f"{text} · {use} · {tap.lifetime_minutes} min ({where})"


class UserCard(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("userCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Selected user")
        self.user: User | None = None
        self._tap: TemporaryAccessPass | None = None
        self._shown_here = False

        self.name = Label()
        self.name.setAccessibleName("User name")
        self.name.setFont(theme.scaled_font(self, 1.5, bold=True))
        self.upn = Label()
        self.upn.setAccessibleName("Sign-in name")
        self.upn.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.spinner = Spinner(name="Loading the user")
        self.enabled_chip = Chip()
        self.synced_chip = Chip()
        self.type_chip = Chip()
        self.details = Label()
        self.details.setAccessibleName("Department, job title and hire date")
        self.details.setWordWrap(True)
        # One line from the roster file (data: plain text, elided, the whole of it on hover).
        self.roster = Label()
        self.roster.setAccessibleName("Device and notes from the roster")
        self.roster.hide()
        self.methods = Label()
        self.methods.setAccessibleName("Registered sign-in methods")
        self.methods.setWordWrap(True)
        self.existing = Label()
        self.existing.setAccessibleName("Existing pass")
        self.existing.setWordWrap(True)
        # Any live pass can be revoked from here: issued elsewhere, before a restart, or one
        # whose value this run forgot.
        self.revoke_button = QPushButton("Revoke…")
        self.revoke_button.setAccessibleName("Revoke the current pass")
        self.revoke_button.setToolTip("Delete this pass in Entra now; it stops working at once")
        self.revoke_button.hide()
        self.problem_box = QVBoxLayout()
        self.problem_box.setSpacing(4)
        self._problems: list[Finding] = []  # the findings the rows show
        self._problem_rows: list[_ProblemRow] = []
        self.placeholder = Label()
        self.placeholder.setAccessibleName("No user selected")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.sign_in_button = QPushButton("Sign in")
        self.sign_in_button.setAccessibleName("Sign in")
        self.sign_in_button.setMinimumHeight(34)
        self.sign_in_button.setMinimumWidth(160)
        self.sign_in_button.setFont(theme.scaled_font(self, 1.1, bold=True))
        # A shared bench: "Continue as …?" for the saved technician (set by ask_continue).
        self.continue_button = QPushButton("Continue")
        self.continue_button.setAccessibleName("Continue as the last technician")
        self.continue_button.setMinimumHeight(34)
        self.continue_button.setFont(theme.scaled_font(self, 1.1, bold=True))
        self.continue_button.hide()

        head = QHBoxLayout()
        head.addWidget(self.name)
        head.addWidget(self.spinner)
        head.addStretch(1)
        chips = QHBoxLayout()
        chips.setSpacing(6)
        for chip in (self.enabled_chip, self.synced_chip, self.type_chip):
            chips.addWidget(chip)
        chips.addStretch(1)
        facts = QGridLayout()
        facts.setHorizontalSpacing(12)
        facts.setVerticalSpacing(4)
        for row, (label, widget) in enumerate(
            (("Methods", self.methods), ("Current pass", self.existing))
        ):
            caption = Label(label)
            caption.setFont(theme.scaled_font(self, 1.0, bold=True))
            facts.addWidget(caption, row, 0, Qt.AlignmentFlag.AlignTop)
            facts.addWidget(widget, row, 1)
        facts.addWidget(self.revoke_button, 1, 2, Qt.AlignmentFlag.AlignTop)
        facts.setColumnStretch(1, 1)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(6)
        body.addLayout(head)
        body.addWidget(self.upn)
        body.addLayout(chips)
        body.addWidget(self.details)
        body.addWidget(self.roster)
        body.addSpacing(4)
        body.addLayout(facts)
        body.addLayout(self.problem_box)
        self.empty = QWidget()
        empty = QVBoxLayout(self.empty)
        empty.setContentsMargins(0, 8, 0, 8)
        empty.addWidget(self.placeholder)
        empty.addWidget(self.continue_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty.addWidget(self.sign_in_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.empty)
        layout.addWidget(self.body)
        self.set_signed_in(False)
        self.clear()

    def set_signed_in(self, signed_in: bool) -> None:
        self.placeholder.setText(
            "Find a user on the left to see their account and issue a pass."
            if signed_in
            else "Sign in with your administrator account to find users and issue passes."
        )
        self.sign_in_button.setText("Sign in")
        self.sign_in_button.setAccessibleName("Sign in")
        self.sign_in_button.setVisible(not signed_in)
        self.continue_button.hide()

    def ask_continue(self, name: str, username: str) -> None:
        """A shared bench: the last technician's sign-in is saved; is that who is here?"""
        who = one_line(name or username)
        self.placeholder.setText(f"{last_to_sign_in(name, username)} Is that you?")
        short = who if len(who) <= 40 else who[:39] + "…"
        self.continue_button.setText(f"Continue as {short}".replace("&", "&&"))  # no mnemonic
        self.continue_button.setAccessibleName(f"Continue as {who}")
        self.continue_button.show()
        self.sign_in_button.setText("Use another account")
        self.sign_in_button.setAccessibleName("Use another account")
        self.sign_in_button.show()
        self.continue_button.setFocus()

    # -- states ---------------------------------------------------------------------------------
    def clear(self) -> None:
        self.user = None
        self._tap = None
        self.revoke_button.hide()
        self.show_roster(None)
        self.body.hide()
        self.empty.show()
        self.set_problems([])
        self.spinner.stop()

    def set_loading(self, loading: bool) -> None:
        if loading:
            self.spinner.start()
        else:
            self.spinner.stop()

    def show_user(self, user: User) -> None:
        self.user = user
        self.empty.hide()
        self.body.show()
        self.name.setText(user.display_name or user.user_principal_name)
        self.upn.setText(user.user_principal_name)
        if user.account_enabled is False:
            self.enabled_chip.set_chip("Disabled", Tone.ERROR)
        elif user.account_enabled:
            self.enabled_chip.set_chip("Enabled", Tone.OK)
        else:
            self.enabled_chip.set_chip("State unknown", Tone.INFO)
        self.synced_chip.set_chip(
            "Synced from AD" if user.is_synced else "Cloud account", Tone.INFO
        )
        self.type_chip.set_chip(
            "Guest" if user.is_guest else "Member", Tone.WARNING if user.is_guest else Tone.INFO
        )
        parts = [p for p in (user.job_title, user.department) if p]
        if user.employee_hire_date:
            parts.append(f"hired {nice_date(user.employee_hire_date)}")
        self.details.setText(" · ".join(parts))
        self.details.setVisible(bool(parts))
        self.methods.setText("Loading…")
        self.existing.setText("Loading…")
        self._tap = None
        self.revoke_button.hide()

    def show_roster(self, entry: RosterEntry | None) -> None:
        text = roster_line(entry)
        self.roster.setText(text)
        self.roster.setToolTip(plain_tip(text) if text else "")
        self.roster.setVisible(bool(text))

    def show_methods(self, methods: list[AuthMethod] | None) -> None:
        if methods is None:
            self.methods.setText("Could not be read.")
            return
        shown = [m for m in methods if m.kind is not MethodKind.TAP]
        lines = [method_line(m) for m in shown]
        if not any(m.kind in (MethodKind.FIDO2, MethodKind.AUTHENTICATOR) for m in shown):
            lines.append("No Authenticator or passkey yet")
        self.methods.set_lines(lines or ["None registered"])

    def show_existing(
        self,
        tap: TemporaryAccessPass | None,
        now: datetime,
        *,
        known: bool = True,
        shown_here: bool = False,
    ) -> None:
        self._tap = tap
        self._shown_here = shown_here
        text = pass_line(tap, now, shown_here=shown_here) if known else "Could not be read."
        self.existing.setText(text)
        self._offer_revoke(now)

    def refresh_existing(self, now: datetime, *, shown_here: bool | None = None) -> None:
        if shown_here is not None:
            self._shown_here = shown_here
        if self._tap is not None:
            self.existing.setText(pass_line(self._tap, now, shown_here=self._shown_here))
        self._offer_revoke(now)

    @property
    def live_pass(self) -> TemporaryAccessPass | None:
        """The pass the card shows, while it works (what its Revoke… deletes)."""
        return None if self.revoke_button.isHidden() else self._tap

    def _offer_revoke(self, now: datetime) -> None:
        live = self._tap is not None and not countdown(self._tap, now).state.final
        if self.revoke_button.isHidden() == live:
            self.revoke_button.setVisible(live)

    def set_problems(self, found: list[Finding]) -> None:
        """The findings, one row each. The card's facts merge several times per user (each
        answer, the policy), mostly to the same findings: rows are kept, and rewritten only
        where a finding changed."""
        if found == self._problems:
            return
        self._problems = list(found)
        rows = self._problem_rows
        for index, problem in enumerate(found):
            if index < len(rows):
                rows[index].show_problem(problem)
            else:
                rows.append(_ProblemRow(problem))
                self.problem_box.addWidget(rows[-1])
        for row in rows[len(found) :]:
            self.problem_box.removeWidget(row)
            row.hide()  # deleteLater alone leaves it painted until the next loop turn
            row.deleteLater()
        del rows[len(found) :]

    def problem_codes(self) -> list[str]:
        return [row.problem.code for row in self._problem_rows]


class _ProblemRow(QFrame):
    def __init__(self, problem: Finding) -> None:
        super().__init__()
        self.setObjectName("problem")
        self.icon = Label()
        self.text = RichLabel()
        self.text.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 5, 8, 5)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text, 1)
        self.show_problem(problem)

    def show_problem(self, problem: Finding) -> None:
        self.problem = problem
        tone = theme.SEVERITY_TONES[problem.severity]
        # The same tone again sets nothing (theme.set_sheet): the row is not polished again.
        theme.styled(
            self,
            lambda: (
                f"#problem {{ background: {theme.css(theme.tint(theme.palette(), tone, 0.12))};"
                f" border-left: 4px solid {theme.css(theme.hue(tone))}; border-radius: 4px; }}"
                "#problem QLabel { background: transparent; }"
            ),
        )
        theme.styled(self.icon, lambda: f"color: {theme.css(theme.ink(theme.palette(), tone))};")
        self.icon.setText(theme.ICONS[tone])
        body = esc(problem.text)
        if problem.hint:
            body += f"<br><small>{esc(problem.hint)}</small>"
        self.text.setText(body)
        self.text.setAccessibleName(problem.text)
