"""Who is being worked on, in one line above the work: it stays in view while the tasks scroll.

Directory text is data: shown through :class:`~tapdesk.ui.text.Label` (plain text, one line,
marks for control characters) and elided to the width, the whole in a plain-text tooltip.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget

from tapdesk.core.models import User
from tapdesk.ui import theme
from tapdesk.ui.text import Label, plain_tip


class UserStrip(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Working on")
        self.name = Label()
        self.name.setAccessibleName("User")
        self.name.setFont(theme.scaled_font(self, 1.15, bold=True))
        self.detail = Label()
        self.detail.setAccessibleName("Sign-in name")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.setSpacing(10)
        row.addWidget(self.name)
        row.addWidget(self.detail, 1)
        theme.mute(self.detail)
        self.hide()

    def show_user(self, user: User | None) -> None:
        if user is None:
            self.name.clear()
            self.detail.clear()
            self.setToolTip("")
            self.hide()
            return
        name = user.display_name or user.user_principal_name
        self.name.setText(name)
        self.detail.setText(user.user_principal_name if name != user.user_principal_name else "")
        self.setToolTip(plain_tip(name, user.user_principal_name))
        self.show()
