"""Device-code sign-in: the code drawn large, a QR of the verification page, and Cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tapdesk.ui import theme
from tapdesk.ui.qr import QrView
from tapdesk.ui.text import Label, RichLabel, esc


class DeviceCodeDialog(QDialog):
    """Shown with ``open()`` (never ``exec()``); the window closes it when the sign-in ends."""

    def __init__(
        self, user_code: str, verification_uri: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in on another device")
        self.setAccessibleName("Sign in on another device")
        self.setModal(True)
        intro = RichLabel(
            f"On a phone or another computer, open <b>{esc(verification_uri)}</b> "
            "(or scan the QR code) and enter this code:"
        )
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code = Label(user_code)
        self.code.setAccessibleName("Sign-in code")
        self.code.setFont(theme.pass_font(30))
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.qr = QrView(minimum=170)
        self.qr.set_payload(verification_uri)
        self.qr.setAccessibleName("QR code of the sign-in page")
        self.waiting = Label("Waiting for you to finish signing in…")
        self.waiting.setAccessibleName("Sign-in status")
        copy = QPushButton("Copy code")
        copy.setAccessibleName("Copy the sign-in code")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(user_code))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel sign-in")
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        left = QVBoxLayout()
        left.addWidget(intro)
        left.addWidget(self.code)
        left.addWidget(self.waiting)
        left.addStretch(1)
        row = QHBoxLayout()
        row.addLayout(left, 3)
        row.addWidget(self.qr, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.resize(620, 280)
