"""Errors and notices inline above the work area: title, message, hint and a copyable request-id."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from tapdesk.errors import TapdeskError
from tapdesk.ui import theme
from tapdesk.ui.text import Label
from tapdesk.ui.theme import Tone

_ICONS = {Tone.ERROR: "⚠", Tone.WARNING: "⚠", Tone.INFO: "ℹ", Tone.OK: "✓"}


class Banner(QFrame):
    """One message at a time; errors stay until dismissed or replaced, notices too."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleName("Message")
        self._tone = Tone.ERROR
        self._icon = Label()
        self._icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.title = Label()
        self.title.setObjectName("bannerTitle")
        self.title.setAccessibleName("Message title")
        self.message = Label()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message text")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = Label()
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("What to do")
        self.request_id = Label()
        self.request_id.setAccessibleName("Request ID")
        self.request_id.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.copy_id = QPushButton("Copy request-id")
        self.copy_id.setAccessibleName("Copy request ID")
        self.copy_id.clicked.connect(self._copy_request_id)
        self.action_button = QPushButton()  # what the message offers to do (Revoke…)
        self.action_button.setAccessibleName("Message action")
        self.action_button.clicked.connect(self._act)
        self._action: Callable[[], None] | None = None
        self.close_button = QPushButton("Dismiss")
        self.close_button.setAccessibleName("Dismiss message")
        self.close_button.clicked.connect(self.dismiss)

        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title)
        text.addWidget(self.message)
        text.addWidget(self.hint)
        id_row = QHBoxLayout()
        id_row.addWidget(self.request_id)
        id_row.addWidget(self.copy_id)
        id_row.addStretch(1)
        text.addLayout(id_row)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 10, 10, 10)
        layout.setSpacing(10)
        layout.addWidget(self._icon)
        layout.addLayout(text, 1)
        layout.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.action_button.hide()
        self.hide()

    @property
    def tone(self) -> Tone:
        return self._tone

    def show_error(self, error: TapdeskError) -> None:
        self._show(Tone.ERROR, error.title, error.message, error.hint, error.request_id)
        self._offer(None)

    def show_notice(
        self,
        title: str,
        message: str = "",
        *,
        tone: Tone = Tone.INFO,
        hint: str = "",
        action: tuple[str, Callable[[], None]] | None = None,
    ) -> None:
        """``action``: a button (label, what it does) offered with the message."""
        self._show(tone, title, message, hint, None)
        self._offer(action)

    def _offer(self, action: tuple[str, Callable[[], None]] | None) -> None:
        self._action = action[1] if action else None
        self.action_button.setText(action[0] if action else "")
        self.action_button.setAccessibleName(action[0] if action else "Message action")
        self.action_button.setVisible(action is not None)

    def _act(self) -> None:
        action, self._action = self._action, None
        self.action_button.hide()
        if action is not None:
            action()

    def dismiss(self) -> None:
        if not self.isHidden():
            self.hide()
            self.dismissed.emit()

    def _show(
        self, tone: Tone, title: str, message: str, hint: str, request_id: str | None
    ) -> None:
        self._tone = tone
        theme.follow_palette(self, self._restyle)
        self._icon.setText(_ICONS[tone])
        self.title.setText(title)
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.request_id.setText(f"request-id: {request_id}" if request_id else "")
        self.request_id.setProperty("rid", request_id or "")
        self.request_id.setVisible(bool(request_id))
        self.copy_id.setVisible(bool(request_id))
        self.setAccessibleDescription(" ".join(p for p in (title, message, hint) if p))
        self.show()

    def _copy_request_id(self) -> None:
        rid = str(self.request_id.property("rid") or "")
        if rid:
            QGuiApplication.clipboard().setText(rid)

    def _restyle(self) -> None:
        palette = theme.palette()
        background = theme.css(theme.tint(palette, self._tone))
        border = theme.css(theme.hue(self._tone))
        self.setStyleSheet(
            f"#banner {{ background: {background}; border: 1px solid {border};"
            f" border-left: 5px solid {border}; border-radius: 6px; }}"
            "#banner QLabel { background: transparent; }"
        )
        self._icon.setStyleSheet(
            f"color: {theme.css(theme.ink(palette, self._tone))}; font-size: 18px;"
        )
        self.title.setFont(theme.scaled_font(self, 1.1, bold=True))
