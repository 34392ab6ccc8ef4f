"""Help > Keyboard shortcuts (F1): the window's own table of keys (:mod:`tapdesk.ui.window.keys`),
the one the window binds from, so the list cannot fall behind the keys. Built on first use."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tapdesk.ui import theme
from tapdesk.ui.text import Label
from tapdesk.ui.tools.closing import close_row
from tapdesk.ui.window import keys


class ShortcutsDialog(QDialog):
    """Every shortcut of the window: its keys and what it does, as plain text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("tapdesk: keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        self.setSizeGripEnabled(True)
        title = Label("Keyboard shortcuts")
        title.setFont(theme.scaled_font(self, 1.35, bold=True))
        self.table = QTableWidget(len(keys.SHORTCUTS), 2)
        self.table.setAccessibleName("Shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "What it does"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        for row, shortcut in enumerate(keys.SHORTCUTS):
            self.table.setItem(row, 0, QTableWidgetItem(" or ".join(shortcut.shown())))
            self.table.setItem(row, 1, QTableWidgetItem(shortcut.text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        buttons = close_row(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(620, 380)

    def keys_listed(self) -> list[str]:
        """Every key sequence in the list, one item each (tests and screen readers)."""
        cells = [self.table.item(row, 0) for row in range(self.table.rowCount())]
        return [keys for cell in cells if cell is not None for keys in cell.text().split(" or ")]
