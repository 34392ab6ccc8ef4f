"""Standing notices in the status bar (tokens kept in memory only, a database set aside), until
restart: one line that fits, and every notice in full behind Details….

The status bar has room for a few dozen words; the notices that matter most (why sign-in is not
kept, and what fixes it) are longer. A tooltip needs a mouse and a steady hand, so the whole
text is also one click or keypress away, in a box that shows it as plain text: a notice can
quote a file name or a path.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QWidget

from tapdesk.core.text import one_line
from tapdesk.ui.text import Label, plain_tip

LINE_WIDTH = 460  # pixels of the status bar the line may take; the rest is for status messages


class Notices(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Notice")
        self._texts: list[str] = []
        self.line = Label()
        self.details = QPushButton("Details…")
        self.details.setAccessibleName("Notice details")
        self.details.setToolTip("Read every notice in full")
        self.details.clicked.connect(self.show_details)
        self.box: QMessageBox | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line)
        layout.addWidget(self.details)
        self.hide()

    def add(self, text: str) -> None:
        """Each notice once, in the order they came."""
        if text in self._texts:
            return
        self._texts.append(text)
        full = "  ·  ".join(self._texts)  # ui.text.Label shows a line break as a mark
        metrics = self.line.fontMetrics()
        self.line.setText("ℹ " + metrics.elidedText(full, Qt.TextElideMode.ElideRight, LINE_WIDTH))
        self.setToolTip(plain_tip(*self._texts))
        self.setAccessibleDescription(full)
        self.show()

    def full_text(self) -> str:
        """Every notice on a paragraph of its own, line breaks and bidi controls shown as marks."""
        return "\n\n".join(one_line(text) for text in self._texts)

    def show_details(self) -> None:
        """The box, window-modal but not blocking (the window's work goes on behind it)."""
        if self.box is not None:
            self.box.close()
        box = QMessageBox(
            QMessageBox.Icon.Information, "tapdesk: notices", "", parent=self.window()
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(self.full_text())
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(self._closed)
        self.box = box
        box.open()

    def _closed(self) -> None:
        self.box = None
