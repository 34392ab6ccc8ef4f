"""A titled panel: the shared frame of the user card, the issue form and the pass panel."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from tapdesk.ui import theme
from tapdesk.ui.text import Label


class Section(QFrame):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("section")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(title)
        self.heading = Label(title)
        self.heading.setAccessibleName(title)
        self.heading.setFont(theme.scaled_font(self, 1.2, bold=True))
        self.heading_row = QHBoxLayout()
        self.heading_row.setContentsMargins(0, 0, 0, 0)
        self.heading_row.addWidget(self.heading)
        self.heading_row.addStretch(1)
        self.body = QVBoxLayout()
        self.body.setSpacing(8)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 14)
        outer.setSpacing(10)
        outer.addLayout(self.heading_row)
        outer.addLayout(self.body, 1)
