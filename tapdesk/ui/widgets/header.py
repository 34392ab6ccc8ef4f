"""The top bar: who is signed in, with which roles, and the sign-in / switch / sign-out controls."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tapdesk.core.roles import Technician
from tapdesk.ui import theme
from tapdesk.ui.text import Label, plain_tip
from tapdesk.ui.theme import Tone
from tapdesk.ui.widgets.chips import Chip
from tapdesk.ui.widgets.spinner import Spinner


class HeaderBar(QFrame):
    sign_in_requested = Signal()
    device_code_requested = Signal()
    switch_requested = Signal()
    sign_out_requested = Signal()
    cancel_requested = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, tenant_label: str = "", demo: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self.setAccessibleName("Sign-in")
        self.title = Label("tapdesk")
        self.title.setAccessibleName("tapdesk")
        self.title.setFont(theme.scaled_font(self, 1.35, bold=True))
        self.tenant = Chip(tenant_label, Tone.WARNING if demo else Tone.INFO)
        self.tenant.setVisible(bool(tenant_label))
        self.who = Label()
        self.who.setAccessibleName("Signed-in technician")
        self.who.setFont(theme.scaled_font(self, 1.0, bold=True))
        self.roles = Label()
        self.roles.setAccessibleName("Your roles")
        theme.mute(self.roles)
        self.spinner = Spinner(name="Signing in")
        self.sign_in = QToolButton()
        self.sign_in.setText("Sign in")
        self.sign_in.setAccessibleName("Sign in")
        self.sign_in.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        menu = QMenu(self.sign_in)
        self.device_action = menu.addAction("Sign in with a code on another device…")
        self.sign_in.setMenu(menu)
        self.switch = QPushButton("Switch account")
        self.switch.setAccessibleName("Switch account")
        self.sign_out = QPushButton("Sign out")
        self.sign_out.setAccessibleName("Sign out")
        self.cancel = QPushButton("Cancel sign-in")
        self.cancel.setAccessibleName("Cancel sign-in")
        self.cancel.hide()

        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.tenant)
        layout.addStretch(1)
        layout.addWidget(self.spinner)
        identity = QVBoxLayout()
        identity.setSpacing(0)
        identity.addWidget(self.who, 0, Qt.AlignmentFlag.AlignRight)
        identity.addWidget(self.roles, 0, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(identity)
        layout.addWidget(self.cancel)
        layout.addWidget(self.sign_in)
        layout.addWidget(self.switch)
        layout.addWidget(self.sign_out)

        self.sign_in.clicked.connect(self.sign_in_requested)
        self.device_action.triggered.connect(self.device_code_requested)
        self.switch.clicked.connect(self.switch_requested)
        self.sign_out.clicked.connect(self.sign_out_requested)
        self.cancel.clicked.connect(self.cancel_requested)
        theme.styled(self, _header_sheet)
        self.show_signed_out()

    def set_busy(self, busy: bool, text: str = "", *, cancellable: bool = False) -> None:
        if busy:
            self.spinner.start()
            self.spinner.setToolTip(plain_tip(text))
            self.who.setText(text)
        else:
            self.spinner.stop()
        for button in (self.sign_in, self.switch, self.sign_out):
            button.setEnabled(not busy)
        self.cancel.setVisible(busy and cancellable)

    def show_signed_out(self, note: str = "") -> None:
        self.technician: Technician | None = None
        self.who.setText(note or "Not signed in")
        self.roles.setText("")
        self.roles.hide()
        self.sign_in.show()
        self.switch.hide()
        self.sign_out.hide()

    def show_signed_in(self, technician: Technician) -> None:
        self.technician = technician
        self.who.setText(technician.name or technician.username)
        self.roles.setText(f"{technician.username} · {technician.roles.describe()}")
        self.roles.setToolTip("Directory roles from your sign-in")
        self.roles.show()
        self.sign_in.hide()
        self.switch.setVisible(technician.can_sign_out)
        self.sign_out.setVisible(technician.can_sign_out)
        self.setAccessibleDescription(
            f"Signed in as {technician.username}; {technician.roles.describe()}"
        )


def _header_sheet() -> str:
    palette = theme.palette()
    return (
        f"#header {{ background: {theme.css(theme.tint(palette, Tone.INFO, 0.07))};"
        f" border-bottom: 1px solid {theme.css(theme.tint(palette, Tone.INFO, 0.30))}; }}"
        "#header QLabel { background: transparent; }"
    )
