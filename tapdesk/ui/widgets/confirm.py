"""Asking once before something that cannot be undone: replacing or revoking a live pass.

Opened window-modal with ``open()`` so the countdown and the checklist keep running. Cancel is
the default button, so Enter or a stray Return never destroys a pass; the action must be chosen.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QVBoxLayout, QWidget

from tapdesk.ui.text import Label


class ConfirmDialog(QDialog):
    def __init__(self, title: str, text: str, *, action: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.question = Label(text)  # plain text: it names users from the directory
        self.question.setWordWrap(True)
        self.question.setAccessibleName("Question")
        self.buttons = QDialogButtonBox()
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.action_button = QPushButton(action)
        self.action_button.setAccessibleName(action)
        self.buttons.addButton(self.action_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        for button in (self.cancel_button, self.action_button):
            button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        self.cancel_button.clicked.connect(self.reject)
        self.action_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(12)
        layout.addWidget(self.question)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        self.cancel_button.setFocus()  # the safe answer has the keyboard
