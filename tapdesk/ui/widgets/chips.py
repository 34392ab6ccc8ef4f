"""Small rounded labels for states (Enabled, Guest, roles), tinted from the palette."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from tapdesk.ui import theme
from tapdesk.ui.theme import Tone


class Chip(QLabel):
    def __init__(
        self, text: str = "", tone: Tone = Tone.INFO, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._tone = tone
        self.setTextFormat(Qt.TextFormat.PlainText)  # role names come from the directory
        self.setText(text)
        self.setAccessibleName(text)
        self.set_tone(tone)

    def set_chip(self, text: str, tone: Tone) -> None:
        self.setText(text)
        self.setAccessibleName(text)
        self.set_tone(tone)

    def set_tone(self, tone: Tone) -> None:
        self._tone = tone
        theme.follow_palette(self, self._paint)

    def _paint(self) -> None:
        tone, palette = self._tone, theme.palette()
        theme.set_sheet(  # the same tone again costs nothing
            self,
            f"QLabel {{ background: {theme.css(theme.tint(palette, tone, 0.18))};"
            f" color: {theme.css(theme.ink(palette, tone))};"
            f" border: 1px solid {theme.css(theme.tint(palette, tone, 0.45))};"
            " border-radius: 9px; padding: 1px 8px; }",
        )

    @property
    def tone(self) -> Tone:
        return self._tone
