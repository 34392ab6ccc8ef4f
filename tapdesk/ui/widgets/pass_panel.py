"""The pass, once: large and unambiguous, a QR code, a live countdown, Copy / Revoke / Replace.

The value lives only here, in the widgets that draw it, and (masked) for a user the technician
opened another user over, so coming back finds it again (``_parked``). Mask (Esc, idle) paints
dots and keeps the value: Show brings it back while the pass is valid. Forget, closing the
session, signing out and closing the window drop it: Graph never returns a pass, so the panel
then says so and offers Revoke and Replace. Python strings cannot be wiped, so "forget" means
every reference this app holds is dropped. Each pass shown is remembered by
:data:`~tapdesk.core.redaction.SHOWN_PASSES` as a keyed digest, never the value, so a reason
that quotes it, now or after it is gone, is stored without it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from tapdesk.core.clock import Clock
from tapdesk.core.lifecycle import Countdown, CountdownView, PassState
from tapdesk.core.models import PassCode, TemporaryAccessPass, User
from tapdesk.core.redaction import SHOWN_PASSES, ShownPasses
from tapdesk.ui import theme
from tapdesk.ui.qr import QrView
from tapdesk.ui.spell import spell_out
from tapdesk.ui.text import Label, RichLabel, esc
from tapdesk.ui.theme import Tone
from tapdesk.ui.widgets.banner import Banner
from tapdesk.ui.widgets.new_hire_button import NewHireButton
from tapdesk.ui.widgets.pass_text import PassText
from tapdesk.ui.widgets.section import Section
from tapdesk.ui.widgets.spinner import Spinner
from tapdesk.ui.window.clipboard import ClipboardGuard

GROUP = 4
QR_LEAST = 150  # still scans from a phone held at arm's length
QR_MOST = 520
EMPTY_TEXT = "No pass on screen. Choose a user and issue one with the form."
SIGNED_OUT_TEXT = "Signed out: every pass value tapdesk had on screen was forgotten."
MASKED_UNTIL_SHOWN = "Masked until you choose Show."
SHOW_BRINGS_IT_BACK = "Show brings it back while the pass is valid."
FORGOTTEN_TEXT = (
    "The value was forgotten, and Microsoft Graph never shows a pass again. The pass still "
    "works until it expires: Revoke it, or Replace it if the new hire still needs one."
)
ELSEWHERE_TEXT = (
    "This pass was issued elsewhere or before tapdesk restarted, so its value cannot be shown. "
    "It works until it expires: Revoke it, or Replace it to hand over a new one."
)
_FINAL_TEXT = {
    PassState.EXPIRED: "This pass has expired. Issue a new one if the user still needs to sign in.",
    PassState.USED: "This one-time pass has been used. Issue a new one if the user needs to sign "
    "in again.",
    PassState.REVOKED: "This pass was revoked; it no longer works.",
}

PayloadFor = Callable[[User, PassCode], str]  # what the QR code carries for this pass


class PanelState(StrEnum):
    EMPTY = "empty"  # no pass known for this user
    SHOWN = "shown"  # the value is here: painted, or masked until Show
    FORGOTTEN = "forgotten"  # the pass lives on, its value is gone from the app
    ELSEWHERE = "elsewhere"  # a live pass this run never had the value of
    FINAL = "final"  # expired, used or revoked


@dataclass(frozen=True, slots=True, repr=False)
class ForNewHire:
    """What the new hire's view may show, and nothing of the technician (no repr: it may hold
    the pass). ``code`` and ``payload`` are there only while the panel paints the pass."""

    state: PanelState
    masked: bool
    pass_id: str
    upn: str
    code: PassCode | None
    payload: str | None  # what the QR code carries
    countdown: CountdownView | None


@dataclass(slots=True, repr=False)
class _Parked:
    """A pass kept, masked, while the technician works on another user (no repr: it holds it)."""

    user: User
    code: PassCode
    countdown: Countdown


class PassPanel(Section):
    revoke_requested = Signal()
    replace_requested = Signal()
    masked = Signal(str)  # why
    emptied = Signal(bool)  # True: nothing on show (the work area then gives the tasks room)
    changed = Signal(bool)  # True: what is shown changed; False: only the countdown moved
    new_hire_requested = Signal(object)  # the QScreen to show the new hire's view on

    def __init__(
        self,
        clock: Clock,
        clipboard: ClipboardGuard,
        parent: QWidget | None = None,
        *,
        payload_for: PayloadFor | None = None,
        mask_until_revealed: bool = False,
        qr_is_secret: bool = True,
        shown: ShownPasses = SHOWN_PASSES,
    ) -> None:
        super().__init__("Temporary Access Pass", parent)
        self._clock = clock
        self._clipboard = clipboard
        self._payload_for: PayloadFor = payload_for or (lambda _user, code: code.reveal())
        self._mask_setting = mask_until_revealed
        self._qr_is_secret = qr_is_secret
        self._shown = shown
        self._code: PassCode | None = None
        self._parked: dict[str, _Parked] = {}
        self._revealed = not mask_until_revealed
        self._note = ""  # why the pass is masked or gone, said in the panel
        self._countdown: Countdown | None = None
        self._state = PanelState.EMPTY
        self.user: User | None = None

        self.for_user = RichLabel()
        self.for_user.setAccessibleName("Pass for")
        # As large as the column's width allows, up to six times the body text.
        self.code_label = PassText(largest=max(30.0, self.font().pointSizeF() * 6))
        self.spelled = Label()
        self.spelled.setAccessibleName("Pass spelled out")
        self.spelled.setWordWrap(True)
        self.message = Label()
        self.message.setAccessibleName("Pass status message")
        self.message.setWordWrap(True)
        # The QR code's side follows the room the panel has (_fit_qr): from QR_LEAST, readable
        # at arm's length, up to QR_MOST on a large screen.
        side = round(max(QR_LEAST, self.font().pointSizeF() * 14))
        self.qr = QrView(minimum=side)
        self.qr.setFixedSize(side, side)
        self.qr_caption = Label()
        self.qr_caption.setMaximumWidth(side)
        self.qr_caption.setAccessibleName("QR code caption")
        self.qr_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_caption.setWordWrap(True)

        self.reveal_button = QPushButton("Mask")
        self.reveal_button.setAccessibleName("Mask or show the pass")
        self.reveal_button.setToolTip("Mask the pass (Esc); Show brings it back while it is valid")
        self.copy_button = QPushButton("Copy")
        self.copy_button.setAccessibleName("Copy the pass")
        self.copy_button.setToolTip("Copy the pass (Ctrl+Shift+C); the clipboard clears itself")
        self.forget_button = QPushButton("Forget")
        self.forget_button.setAccessibleName("Forget the pass")
        self.forget_button.setToolTip(
            "Drop the value from tapdesk for good; the pass keeps working until it expires"
        )
        self.copy_note = Label()
        self.copy_note.setAccessibleName("Clipboard status")
        # Beside the buttons, one short line: it must not take height from the QR code.
        self.idle_note = Label()
        self.idle_note.setAccessibleName("Idle warning")
        self.idle_note.setToolTip("Move the mouse or press a key to keep the pass on screen")
        self.idle_note.hide()

        self.countdown_label = Label()
        self.countdown_label.setAccessibleName("Time left")
        self.countdown_label.setFont(theme.scaled_font(self, 1.35, bold=True))
        self._fit_countdown(60)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Lifetime left")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(10)
        self.details = Label()
        self.details.setAccessibleName("Pass details")
        self.details.setWordWrap(True)
        # Its text changes with the pass: it wraps in the width it gets, never asks for more.
        self.details.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.revoke_button = QPushButton("Revoke…")
        self.revoke_button.setAccessibleName("Revoke the pass")
        self.revoke_button.setToolTip("Delete the pass in Entra now; it stops working at once")
        self.replace_button = QPushButton("Replace…")
        self.replace_button.setAccessibleName("Replace the pass")
        self.replace_button.setToolTip(
            "Issue a new pass with the form's settings; the current one stops working"
        )
        for button in (self.revoke_button, self.replace_button):
            # Never squeezed to "voke": the column is at least as wide as its actions.
            button.setMinimumWidth(button.sizeHint().width())
        self.spinner = Spinner(name="Working on the pass")
        # Why a Replace, Revoke or the checklist's Issue failed (the window routes it here).
        self.error = Banner()
        self.error.setAccessibleName("Pass error")
        self.error.hide()
        self.empty_note = Label(EMPTY_TEXT)
        self.empty_note.setAccessibleName("No pass")
        self.empty_note.setWordWrap(True)
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Beside the heading: the pass full screen for the new hire (its own module).
        self.new_hire_button = NewHireButton()
        self.new_hire_button.requested.connect(self.new_hire_requested)
        self.heading_row.addWidget(self.new_hire_button)

        self._urgency_tone: Tone | None = None  # the countdown's colour, once it has one
        self._build_layout()
        self.reveal_button.clicked.connect(self.toggle_reveal)
        self.copy_button.clicked.connect(self.copy)
        self.forget_button.clicked.connect(lambda: self.forget_pass("You chose Forget."))
        self.revoke_button.clicked.connect(self.revoke_requested)
        self.replace_button.clicked.connect(self.replace_requested)
        self._clipboard.cleared.connect(self._on_clipboard_cleared)
        theme.follow_palette(self, self._restyle)
        self._render()

    def _build_layout(self) -> None:
        # Top: the pass across the full width (it is what people read aloud); below it the
        # countdown and actions on the left, the QR code on the right.
        code_box = QFrame()
        code_box.setObjectName("codeBox")
        code_layout = QVBoxLayout(code_box)
        code_layout.setContentsMargins(16, 10, 16, 10)
        code_layout.addWidget(self.code_label)
        code_layout.addWidget(self.spelled)
        code_layout.addWidget(self.message)
        self._code_box = code_box
        tools = QHBoxLayout()
        for button in (self.reveal_button, self.copy_button, self.forget_button):
            tools.addWidget(button)
        tools.addWidget(self.copy_note, 1)
        tools.addWidget(self.idle_note)
        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(self.countdown_label)
        left.addWidget(self.progress)
        left.addWidget(self.details)
        left.addSpacing(8)
        actions = QHBoxLayout()
        actions.addWidget(self.revoke_button)
        actions.addWidget(self.replace_button)
        actions.addWidget(self.spinner)
        actions.addStretch(1)
        left.addLayout(actions)
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(4)
        right.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        right.addWidget(self.qr_caption)
        right.addStretch(1)
        lower = QHBoxLayout()
        lower.setSpacing(16)
        lower.addLayout(left, 1)
        lower.addLayout(right, 0)
        self._left, self._tools = left, tools
        self._content = QWidget()
        column = QVBoxLayout(self._content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addWidget(self.for_user)
        column.addWidget(code_box)
        column.addLayout(tools)
        column.addLayout(lower, 1)
        self.body.addWidget(self.empty_note, 1)
        self.body.addWidget(self._content, 1)
        self.body.addWidget(self.error)

    # -- public state ---------------------------------------------------------------------------
    @property
    def state(self) -> PanelState:
        return self._state

    @property
    def has_value(self) -> bool:
        return self._code is not None

    @property
    def is_masked(self) -> bool:
        """The value is here but painted as dots (Show brings it back)."""
        return self._state is PanelState.SHOWN and not self._revealed

    @property
    def tap(self) -> TemporaryAccessPass | None:
        return self._countdown.tap if self._countdown else None

    def view(self) -> CountdownView | None:
        return self._countdown.view() if self._countdown else None

    def for_new_hire(self) -> ForNewHire:
        """What the new hire's view may show now: the value and QR payload only while they are
        painted here (built on each call, as the panel's own QR code is)."""
        painted = self._state is PanelState.SHOWN and self._revealed and self.user is not None
        code = self._code if painted else None
        tap = self.tap
        return ForNewHire(
            state=self._state,
            masked=self.is_masked,
            pass_id=tap.id if tap is not None else "",
            upn=self.user.user_principal_name if self.user is not None else "",
            code=code,
            payload=self._payload_for(self.user, code)
            if code is not None and self.user is not None
            else None,
            countdown=self.view(),
        )

    def kept_for(self, user_id: str) -> TemporaryAccessPass | None:
        """The pass kept (masked) for a user not on screen, if any: its facts, never the value."""
        parked = self._parked.get(user_id)
        return parked.countdown.tap if parked is not None else None

    def show_pass(self, tap: TemporaryAccessPass, user: User) -> None:
        """Take the freshly issued pass; ``tap.code`` is held here only, the rest without it."""
        if tap.code is None:
            raise ValueError("an issued pass carries its value")
        self._wipe()
        self._parked.pop(user.id, None)  # a replacement: the earlier pass works no more
        self._shown.remember(tap.code)  # before anyone can read it off the screen
        self._take(user, tap.code, Countdown(tap.without_code(), self._clock))
        self._revealed = not self._mask_setting
        self._note = "" if self._revealed else MASKED_UNTIL_SHOWN
        self._render()
        self.tick()

    def show_elsewhere(self, tap: TemporaryAccessPass, user: User) -> None:
        """A live pass whose value this run never had (issued elsewhere, before a restart)."""
        if self._state is not PanelState.EMPTY:
            return
        self._countdown = Countdown(tap.without_code(), self._clock)
        self._fit_countdown(tap.lifetime_minutes)
        self.user = user
        self._state = PanelState.ELSEWHERE
        self._note = ELSEWHERE_TEXT
        self._render()
        self.tick()

    def update_tap(self, tap: TemporaryAccessPass) -> None:
        """A fresher reading from Graph (used, not yet valid…); never carries the value."""
        if self._countdown is not None:
            self._countdown.update(tap.without_code())
            self.tick()

    def mark_revoked(self) -> None:
        if self._countdown is not None:
            self._countdown.mark_revoked()
            self.tick()

    def confirm_live(self, user: User, tap: TemporaryAccessPass | None) -> None:
        """What Graph says the user's pass is now (the card's read): a pass kept here that is
        gone or replaced elsewhere no longer works; a live pass the panel does not hold is
        named, with Revoke and Replace."""
        if self.user is not None and self.user.id != user.id:
            return
        mine = self.tap
        if mine is not None and self._state in (PanelState.SHOWN, PanelState.FORGOTTEN):
            if tap is None or tap.id != mine.id:
                self.mark_revoked()
            return
        if tap is not None and self._state is PanelState.EMPTY:
            self.show_elsewhere(tap, user)

    def mask_pass(self, reason: str) -> bool:
        """Paint dots instead of the pass and clear a copy from the clipboard; the value stays,
        so Show brings it back. False if nothing was on show."""
        if self._state is not PanelState.SHOWN or not self._revealed:
            return False
        self._revealed = False
        self._note = f"{reason} {SHOW_BRINGS_IT_BACK}"
        self._clipboard.clear_now()
        self.warn_idle(None)
        self._render()
        self.masked.emit(reason)
        return True

    def reveal(self) -> None:
        if self._state is PanelState.SHOWN and not self._revealed:
            self._revealed = True
            self._note = ""
            self._render()

    def toggle_reveal(self) -> None:
        if self._revealed:
            self.mask_pass("You masked the pass.")
        else:
            self.reveal()

    def warn_idle(self, seconds_left: float | None) -> None:
        """ "Masking in 12 s": a key or click keeps the pass on screen (None: no warning)."""
        warn = seconds_left is not None and self._state is PanelState.SHOWN and self._revealed
        if warn and seconds_left is not None:
            self.idle_note.setText(f"Masking in {max(1, round(seconds_left))} s")
        if self.idle_note.isHidden() == warn:
            self.idle_note.setVisible(warn)

    def leave(self) -> None:
        """The technician opens another user: a pass on show is kept, masked, for coming back."""
        if self._state is PanelState.SHOWN and self._code is not None and self.user is not None:
            countdown = self._countdown
            if countdown is not None and not countdown.view().state.final:
                self._parked[self.user.id] = _Parked(self.user, self._code, countdown)
        self.clear()

    def open_user(self, user: User) -> bool:
        """Show the user's kept pass again, masked; False when none is kept for them."""
        parked = self._parked.pop(user.id, None)
        if parked is None:
            return False
        self._wipe()
        self._take(parked.user, parked.code, parked.countdown)
        self._revealed = False
        self._note = f"Masked when you opened another user. {SHOW_BRINGS_IT_BACK}"
        self._render()
        self.tick()
        return True

    def forget_pass(self, reason: str) -> None:
        """Drop this user's value for good; the panel says so and keeps Revoke and Replace."""
        if self._state is not PanelState.SHOWN:
            return
        self._wipe()
        self._state = PanelState.FORGOTTEN
        self._note = f"{reason} {FORGOTTEN_TEXT}"
        self._render()
        self.tick()

    def forget_user(self, user_id: str, reason: str) -> None:
        """Forget the value held for this user, on screen or kept (their session closed)."""
        self._parked.pop(user_id, None)
        if self.user is not None and self.user.id == user_id:
            self.forget_pass(reason)

    def forget_all(self, note: str = EMPTY_TEXT) -> None:
        """Sign-out, window close: every value goes, and the empty panel says ``note``."""
        self._parked.clear()
        self.clear(note)

    def clear(self, note: str = EMPTY_TEXT) -> None:
        """No pass for the current user (another user selected, or none)."""
        self._wipe()
        self._countdown = None
        self.user = None
        self._state = PanelState.EMPTY
        self._note = ""
        self.empty_note.setText(note)
        self.warn_idle(None)
        self._render()

    def _take(self, user: User, code: PassCode, countdown: Countdown) -> None:
        self._code = code
        self._countdown = countdown
        self._fit_countdown(countdown.tap.lifetime_minutes)
        self.user = user
        self._state = PanelState.SHOWN

    def _wipe(self) -> None:
        """Drop every trace of the value on screen (label, spelled text, QR, clipboard)."""
        self._code = None
        self.code_label.clear()
        self.spelled.clear()
        self.qr.clear()
        self._clipboard.clear_now()

    def set_privacy(self, *, mask_until_revealed: bool, qr_is_secret: bool) -> None:
        """New settings, at once: a pass on show is masked if masking was turned on, and its
        QR code is drawn again with what it now carries (built when painted, never kept)."""
        self._mask_setting = mask_until_revealed
        self._qr_is_secret = qr_is_secret
        masked_now = mask_until_revealed and self.mask_pass(MASKED_UNTIL_SHOWN)
        if not masked_now:
            self._render()

    def copy(self) -> bool:
        if self._code is None or self._state is not PanelState.SHOWN:
            return False
        self._clipboard.copy(self._code.reveal())
        after = self._clipboard.clear_after_seconds
        self.copy_note.setText(
            f"Copied; the clipboard clears in {after} s." if after else "Copied."
        )
        return True

    def set_busy(self, busy: bool) -> None:
        if busy:
            self.spinner.start()
        else:
            self.spinner.stop()
        self.revoke_button.setEnabled(not busy and self._countdown is not None)
        self.replace_button.setEnabled(not busy and self._countdown is not None)

    # -- the heartbeat --------------------------------------------------------------------------
    def tick(self) -> None:
        for user_id, parked in list(self._parked.items()):  # a kept pass that ran out
            if parked.countdown.view().state.final:
                del self._parked[user_id]
        if self._countdown is None:
            return
        view = self._countdown.view()
        if view.state.final and self._state is not PanelState.FINAL:
            self._wipe()
            self._state = PanelState.FINAL
            self._note = _FINAL_TEXT.get(view.state, "")
            self.warn_idle(None)
            self._render()
        self.countdown_label.setText(view.text[:1].upper() + view.text[1:])
        self.progress.setValue(round(view.fraction_left * 1000))
        if self.progress.property("urgency") != view.urgency.value:
            self._colour(view.urgency.value, theme.urgency_tone(view.urgency))
        self.progress.setAccessibleDescription(view.text)
        self._render_details(view)
        self.changed.emit(False)

    def _colour(self, urgency: str, tone: Tone) -> None:
        """Green, then amber, then red as expiry nears (restyled only when that changes)."""
        self.progress.setProperty("urgency", urgency)
        self._urgency_tone = tone
        self._paint_urgency()

    def _paint_urgency(self) -> None:
        tone = self._urgency_tone
        if tone is None:
            return
        palette = theme.palette()
        self.countdown_label.setStyleSheet(f"color: {theme.css(theme.ink(palette, tone))};")
        self.progress.setStyleSheet(
            f"QProgressBar {{ border: none; border-radius: 5px;"
            f" background: {theme.css(theme.tint(palette, Tone.INFO, 0.10))}; }}"
            "QProgressBar::chunk { border-radius: 5px;"
            f" background: {theme.css(theme.hue(tone))}; }}"
        )

    # -- rendering ------------------------------------------------------------------------------
    def _render(self) -> None:
        state = self._state
        if self.empty_note.isHidden() != (state is not PanelState.EMPTY):
            self.emptied.emit(state is PanelState.EMPTY)
        self.empty_note.setVisible(state is PanelState.EMPTY)
        self._content.setVisible(state is not PanelState.EMPTY)
        shown = state is PanelState.SHOWN
        for widget in (self.reveal_button, self.copy_button, self.forget_button, self.copy_note):
            widget.setVisible(shown)
        self.new_hire_button.setVisible(shown)
        self.reveal_button.setText("Mask" if self._revealed else "Show")
        self.code_label.setVisible(shown)
        self.spelled.setVisible(shown and self._revealed)
        # Without a value there is no code to scan: the countdown and actions take the width.
        self.qr.setVisible(shown)
        self.qr_caption.setVisible(shown)
        self.message.setText(self._note)
        self.message.setVisible(bool(self._note))
        live = state in (PanelState.SHOWN, PanelState.FORGOTTEN, PanelState.ELSEWHERE)
        self.revoke_button.setVisible(live)
        self.revoke_button.setEnabled(True)
        self.replace_button.setEnabled(True)
        self.replace_button.setText("Replace…" if live else "Issue a new pass")
        if self.user is not None:
            self.for_user.setText(
                f"For <b>{esc(self.user.display_name or self.user.user_principal_name)}</b>"
            )
        if shown and self._code is not None:
            self.code_label.set_groups(self._code.grouped(GROUP), masked=not self._revealed)
            self.spelled.setText(spell_out(self._code.grouped(GROUP)) if self._revealed else "")
            self.copy_note.setText("")
            self._render_qr()
            layout = self._content.layout()
            if layout is not None:
                layout.activate()  # the pass's own height first: the QR takes what is left
            self._fit_qr()
        else:
            self.qr.clear()
            self.qr_caption.setText("")
        self.changed.emit(True)

    def _fit_countdown(self, lifetime_minutes: int) -> None:
        """Wide enough for this pass's longest countdown ("Expires in 0:59:59", up to
        "719:59:59" for 30 days): never cut, and a tick never moves the QR beside it."""
        hours = "0" * len(str(max(1, lifetime_minutes // 60)))
        sample = f"Expires in {hours}:00:00"
        self.countdown_label.setMinimumWidth(
            self.countdown_label.fontMetrics().horizontalAdvance(sample) + 4
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_qr()

    def _fit_qr(self) -> None:
        """The QR code as large as the room beside the countdown and below the pass allows.

        Only the QR's own size changes here, never the panel's (the work area sets that), so
        fitting cannot loop."""
        content = self._content
        if content.isHidden() or content.width() <= 0:
            return
        layout = content.layout()
        spacing = layout.spacing() if layout is not None else 0
        above = self.for_user.height() + self._code_box.sizeHint().height()
        above += self._tools.sizeHint().height() + 3 * spacing
        caption = self.qr_caption.sizeHint().height() + 4
        room_h = content.height() - above - caption
        room_w = (
            content.width()
            - max(self._left.sizeHint().width(), self._left.minimumSize().width())
            - 16
        )
        side = max(QR_LEAST, min(QR_MOST, room_w, room_h))
        if side != self.qr.width():
            self.qr.setFixedSize(side, side)
            self.qr_caption.setMaximumWidth(side)
            if layout is not None:
                layout.activate()  # place it now: a grab before the next event must be right

    def _render_qr(self) -> None:
        secret = self._qr_is_secret
        if self._code is not None and self.user is not None and (self._revealed or not secret):
            # Built here, not kept: with qr_payload = "pass" the payload is the pass itself.
            self.qr.set_payload(self._payload_for(self.user, self._code))
            self.qr.show()
            self.qr_caption.setText(
                "Scan to read the pass on the phone"
                if secret
                else "Scan to open Security info for this user"
            )
        else:
            self.qr.clear()
            self.qr_caption.setText("Show the pass to see its QR code")

    def _render_details(self, view: CountdownView) -> None:
        tap = self._countdown.tap if self._countdown else None
        if tap is None:
            return
        use = "One-time" if tap.usable_once else "Reusable"
        start = tap.effective_start.astimezone()
        end = tap.expires.astimezone()
        self.details.setText(
            f"{use} · {tap.lifetime_minutes} min · valid {start:%a %d %b %H:%M} to {end:%H:%M}"
            + (f" ({end:%a %d %b})" if end.date() != start.date() else "")
        )

    def _on_clipboard_cleared(self) -> None:
        self.copy_note.setText("Clipboard cleared.")

    def _restyle(self) -> None:
        self._style()
        self._paint_urgency()

    def _style(self) -> None:
        palette = theme.palette()
        self._code_box.setStyleSheet(theme.code_box_sheet("codeBox", 8))
        muted = theme.css(theme.muted(palette))
        for label in (self.spelled, self.details, self.qr_caption, self.copy_note):
            label.setStyleSheet(f"color: {muted};")
        warning = theme.css(theme.ink(palette, Tone.WARNING))
        self.idle_note.setStyleSheet(f"color: {warning};")
