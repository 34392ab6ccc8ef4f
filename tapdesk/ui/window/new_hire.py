"""The new hire's view: their pass, its spelling, the QR code and the countdown, large and full
screen on the monitor that faces them, and nothing of the technician's.

It shows only what the pass panel hands it (:meth:`PassPanel.for_new_hire`), and follows the
panel: masked there, hidden here; revoked, expired or used, it says the pass no longer works;
the panel emptied or its value forgotten (another user, Forget, sign-out, the window closing),
it closes. The value is drawn while the panel paints it and dropped when the view closes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent, QResizeEvent, QScreen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QProgressBar, QVBoxLayout, QWidget

from tapdesk.core.lifecycle import CountdownView
from tapdesk.ui import theme
from tapdesk.ui.qr import QrView
from tapdesk.ui.spell import spell_out
from tapdesk.ui.text import Label
from tapdesk.ui.theme import Tone
from tapdesk.ui.widgets.pass_panel import GROUP, ForNewHire, PanelState, PassPanel
from tapdesk.ui.widgets.pass_text import PassText

TITLE = "Your Temporary Access Pass"
HIDDEN_TEXT = "Hidden for now"
NO_LONGER_WORKS = "This pass no longer works"
ESC_CLOSES = "Esc closes"
QR_LEAST = 220
LARGEST = 160.0  # points: a pass read from a few steps away
_ON_SHOW = (PanelState.SHOWN, PanelState.FINAL)  # else the view has nothing to show: it closes


class NewHireView(QWidget):
    def __init__(self, panel: PassPanel, parent: QWidget | None = None) -> None:
        # Its own frameless window, kept by the main window (closing hides it; nothing is lost).
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setWindowTitle("tapdesk: your Temporary Access Pass")
        self.setAccessibleName("Temporary Access Pass for the new hire")
        self._panel = panel
        self._pass_id = ""  # which pass is drawn (its id, never its value)
        self._drawn = False  # the value is on screen here

        self.title = Label(TITLE)
        self.title.setFont(theme.scaled_font(self, 2.4, bold=True))
        self.upn = Label()
        self.upn.setAccessibleName("Your sign-in name")
        self.upn.setFont(theme.scaled_font(self, 1.7))
        self.code_label = PassText(largest=LARGEST, smallest=24.0)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.spelled = Label()
        self.spelled.setAccessibleName("Pass spelled out")
        self.spelled.setWordWrap(True)
        self.spelled.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.spelled.setFont(theme.scaled_font(self, 1.5))
        self.message = Label()
        self.message.setAccessibleName("Pass status")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setFont(theme.scaled_font(self, 2.6, bold=True))
        self.qr = QrView(minimum=QR_LEAST)
        self.countdown_label = Label()
        self.countdown_label.setAccessibleName("Time left")
        self.countdown_label.setFont(theme.scaled_font(self, 2.4, bold=True))
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Lifetime left")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(16)
        self.small_print = Label(ESC_CLOSES)
        self.small_print.setAccessibleName("How to close")
        theme.mute(self.small_print)
        theme.mute(self.spelled)
        self._build_layout()
        theme.follow_palette(self, self._style)
        panel.changed.connect(self._follow)

    def _build_layout(self) -> None:
        self._code_box = QFrame()
        self._code_box.setObjectName("newHireCode")
        box = QVBoxLayout(self._code_box)
        box.setContentsMargins(24, 16, 24, 16)
        box.addWidget(self.code_label)
        box.addWidget(self.message)
        box.addWidget(self.spelled)
        timing = QVBoxLayout()
        timing.setSpacing(12)
        timing.addStretch(1)
        timing.addWidget(self.countdown_label)
        timing.addWidget(self.progress)
        timing.addStretch(1)
        lower = QHBoxLayout()
        lower.setSpacing(48)
        lower.addWidget(self.qr, 3)
        lower.addLayout(timing, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 40, 64, 24)
        layout.setSpacing(16)
        layout.addWidget(self.title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.upn, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self._code_box)
        layout.addLayout(lower, 1)
        layout.addWidget(self.small_print, 0, Qt.AlignmentFlag.AlignRight)

    # -- showing --------------------------------------------------------------------------------
    def show_on(self, screen: QScreen | None, *, full_screen: bool = True) -> None:
        """Open on ``screen`` (the one facing the new hire), covering it unless told not to."""
        if self._panel.state not in _ON_SHOW:
            return
        if screen is not None:
            self.setScreen(screen)
            self.setGeometry(screen.geometry())
        self._render(self._panel.for_new_hire())
        if full_screen:
            self.showFullScreen()
        else:
            self.showNormal()  # a window, for screenshots and trials (leaves full screen)
        self.raise_()
        self.activateWindow()  # Esc reaches it at once

    def _follow(self, content: bool) -> None:
        """The panel changed: draw what it allows now (``content`` False: only time moved)."""
        if self.isHidden():
            return  # not open: nothing is drawn until show_on
        if not content:
            self._show_time(self._panel.view())
            return
        shown = self._panel.for_new_hire()
        if shown.state not in _ON_SHOW:
            self.close()
            return
        self._render(shown)

    def _render(self, shown: ForNewHire) -> None:
        self.upn.setText(shown.upn)
        if shown.code is not None and shown.payload is not None:
            if not self._drawn or self._pass_id != shown.pass_id:
                groups = shown.code.grouped(GROUP)
                self.code_label.set_groups(groups, masked=False)
                self.spelled.setText(spell_out(groups))
                self.qr.set_payload(shown.payload)
                self._drawn, self._pass_id = True, shown.pass_id
            self.message.setText("")
        else:
            self._wipe()
            self.message.setText(
                NO_LONGER_WORKS if shown.state is PanelState.FINAL else HIDDEN_TEXT
            )
        drawn = self._drawn
        self.code_label.setVisible(drawn)
        self.spelled.setVisible(drawn)
        self.qr.setVisible(drawn)
        self.message.setVisible(not drawn)
        self._show_time(shown.countdown)

    def _show_time(self, view: CountdownView | None) -> None:
        if view is None:
            return
        self.countdown_label.setText(view.text[:1].upper() + view.text[1:])
        self.progress.setValue(round(view.fraction_left * 1000))
        tone = theme.urgency_tone(view.urgency)
        if self.progress.property("tone") != tone.value:
            self.progress.setProperty("tone", tone.value)
            self._style()

    def _wipe(self) -> None:
        """Every trace of the value here: the pass, its spelling, the QR code."""
        self._drawn, self._pass_id = False, ""
        self.code_label.clear()
        self.spelled.clear()
        self.qr.clear()

    # -- closing --------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Esc closes this view only: the technician's pass stays as it is.
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._wipe()
        self.message.clear()
        self.upn.clear()
        super().closeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # A line of the pass takes at most about a fifth of the screen: the QR code keeps the
        # rest (a point is 4/3 px at 96 dpi, and a line is some 1.2 times its size).
        self.code_label.set_largest(max(24.0, min(LARGEST, self.height() / 5 * 0.75 / 1.2)))

    def _style(self) -> None:
        palette = theme.palette()
        self._code_box.setStyleSheet(theme.code_box_sheet("newHireCode", 12))
        value = self.progress.property("tone")
        tone = Tone(value) if isinstance(value, str) else Tone.OK
        self.countdown_label.setStyleSheet(f"color: {theme.css(theme.ink(palette, tone))};")
        self.progress.setStyleSheet(
            f"QProgressBar {{ border: none; border-radius: 8px;"
            f" background: {theme.css(theme.tint(palette, Tone.INFO, 0.10))}; }}"
            "QProgressBar::chunk { border-radius: 8px;"
            f" background: {theme.css(theme.hue(tone))}; }}"
        )
