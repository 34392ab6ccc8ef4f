"""Tools > Settings… (Ctrl+,): the menu entry. The dialog (:mod:`tapdesk.ui.tools.settings_dialog`)
loads when it is first opened: the window's first paint does without it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from tapdesk.config import Settings
from tapdesk.ui.operations import Operations
from tapdesk.ui.window import keys

if TYPE_CHECKING:
    from tapdesk.ui.tools.settings_dialog import SettingsDialog


class SettingsTool(QObject):
    """The Tools menu's "Settings…": a fresh dialog each time, on the settings of that moment."""

    def __init__(
        self,
        window: QMainWindow,
        menu: QMenu,
        ops: Operations,
        apply: Callable[[Settings], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self._ops = ops
        self._apply = apply
        self.dialog: SettingsDialog | None = None
        self.action = QAction("&Settings…", window)
        keys.set_keys(self.action, "settings")
        self.action.setStatusTip("Your defaults, clipboard and privacy timers, large text")
        self.action.triggered.connect(self.open_settings)
        menu.addSeparator()
        menu.addAction(self.action)

    def open_settings(self) -> SettingsDialog:
        if self.dialog is None or not self.dialog.isVisible():
            if self.dialog is not None:
                self.dialog.deleteLater()
            from tapdesk.ui.tools.settings_dialog import SettingsDialog

            self.dialog = SettingsDialog(self._ops, self._apply, parent=self.window)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog


def install(
    window: QMainWindow, menu: QMenu, ops: Operations, apply: Callable[[Settings], None]
) -> SettingsTool:
    return SettingsTool(window, menu, ops, apply)
