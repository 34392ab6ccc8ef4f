"""The main window's Help menu: "Keyboard shortcuts" (F1) and "About tapdesk".

The shortcuts listed are the window's own table (:mod:`tapdesk.ui.window.keys`), the one the
window binds from, so the list cannot fall behind the keys. Both dialogs are built on first use
(their modules load then: the window's first paint does without them) and kept; About reads the settings again each time it opens (Tools > Settings… may have
changed them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QWidget

from tapdesk.ui.window import keys

if TYPE_CHECKING:
    from tapdesk.app.services import Backend
    from tapdesk.ui.tools.about_dialog import AboutDialog
    from tapdesk.ui.tools.shortcuts_dialog import ShortcutsDialog


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
            from tapdesk.ui.tools.shortcuts_dialog import ShortcutsDialog

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


def _bring_up(dialog: QWidget) -> None:
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()


def install(window: QMainWindow, backend: Backend) -> HelpMenu:
    return HelpMenu(window, backend)
