"""The main window's Help menu: "Keyboard shortcuts" (F1) and "About tapdesk".

The shortcuts listed are the window's own table (:mod:`tapdesk.ui.window.keys`), the one the
window binds from, so the list cannot fall behind the keys. Both dialogs are built on first use
and kept; About reads the settings again each time it opens (Tools > Settings… may have
changed them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tapdesk.ui import theme
from tapdesk.ui.text import Label
from tapdesk.ui.tools.closing import close_row
from tapdesk.ui.window import keys

if TYPE_CHECKING:
    from tapdesk.app.services import Backend
    from tapdesk.ui.tools.about_dialog import AboutDialog


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


class HelpMenu(QObject):
    def __init__(self, window: QMainWindow, backend: Backend) -> None:
        super().__init__(window)
        self.window = window
        self._backend = backend
        self.shortcuts: ShortcutsDialog | None = None
        self.about: AboutDialog | None = None
        menu = window.menuBar().addMenu("&Help")
        self.shortcuts_action = QAction("&Keyboard shortcuts", window)
        keys.set_keys(self.shortcuts_action, "shortcuts")
        self.shortcuts_action.setStatusTip("Every keyboard shortcut of this window")
        self.shortcuts_action.triggered.connect(self.open_shortcuts)
        self.about_action = QAction("&About tapdesk", window)
        self.about_action.setStatusTip("Version, tenant, cloud, settings files and log folder")
        self.about_action.triggered.connect(self.open_about)
        menu.addAction(self.shortcuts_action)
        menu.addAction(self.about_action)

    def open_shortcuts(self) -> ShortcutsDialog:
        if self.shortcuts is None:
            self.shortcuts = ShortcutsDialog(self.window)
        _bring_up(self.shortcuts)
        return self.shortcuts

    def open_about(self) -> AboutDialog:
        if self.about is None:
            from tapdesk.ui.tools.about_dialog import AboutDialog

            self.about = AboutDialog(self._backend, parent=self.window)
        self.about.show_facts()
        _bring_up(self.about)
        return self.about


def _bring_up(dialog: QDialog) -> None:
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()


def install(window: QMainWindow, backend: Backend) -> HelpMenu:
    return HelpMenu(window, backend)
