"""Who is being worked on, in one line above the work: it stays in view while the tasks scroll.

Directory text is data: shown through :class:`~tapdesk.ui.text.Label` (plain text, one line,
marks for control characters) and elided to the width, the whole in a plain-text tooltip.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

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
        # The form's Issue, here while the form's own button is scrolled out of view (the
        # window keeps the two alike: one route, one text, one enabled state).
        self.issue_button = QPushButton("Issue pass")
        self.issue_button.setAccessibleName("Issue pass (above the work)")
        # Its room is kept while hidden: the strip never changes height and moves the work.
        policy = self.issue_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.issue_button.setSizePolicy(policy)
        self.issue_button.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.setSpacing(10)
        row.addWidget(self.name)
        row.addWidget(self.detail, 1)
        row.addWidget(self.issue_button)
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
