"""The small dialog that asks why: an override (reason required), a skip, closing a session.

Opened window-modal with ``open()`` so the event loop keeps running (countdowns, polls);
``accepted`` carries on. The reason goes into the audit record after the pass is taken out of it.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from tapdesk.ui import theme
from tapdesk.ui.text import Label


class ReasonDialog(QDialog):
    def __init__(
        self,
        title: str,
        prompt: str,
        *,
        action: str,
        required: bool = True,
        option: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self._required = required
        self.prompt = Label(prompt)
        self.prompt.setWordWrap(True)
        self.prompt.setAccessibleName("Question")
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Reason")
        self.text.setPlaceholderText(
            "Required: what you saw, and why you are sure" if required else "Optional"
        )
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 16)
        # One more choice that goes with the answer (closing a session: "and revoke the pass"),
        # on unless the technician unticks it.
        self.option: QCheckBox | None = None
        if option is not None:
            self.option = QCheckBox(option)
            self.option.setAccessibleName(option)
            self.option.setChecked(True)
        self.note = Label("Recorded in the audit trail with your name and the time.")
        self.note.setWordWrap(True)
        theme.mute(self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(action)
        self.ok_button.setAccessibleName(action)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(self.prompt)
        layout.addWidget(self.text)
        if self.option is not None:
            layout.addWidget(self.option)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.text.textChanged.connect(self._update)
        self.setMinimumWidth(440)
        self._update()

    def reason(self) -> str:
        # Not cut to length here: the checklist cuts it after taking out any pass, as a cut
        # through a pass would leave a part too short to be recognised.
        return " ".join(self.text.toPlainText().split())

    def option_chosen(self) -> bool:
        return self.option is not None and self.option.isChecked()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.reason()) or not self._required)
