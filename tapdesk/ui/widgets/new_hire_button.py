""" "Show to new hire": the button beside the pass's heading, with a menu of screens when
there are several (benches often have a second monitor facing the new hire)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from tapdesk.ui.window.screens import pick_screen, screen_choices, screen_label


class NewHireButton(QToolButton):
    requested = Signal(object)  # the QScreen to show the new hire's view on (None: no screen)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._screen_name: str | None = None  # the last screen chosen, for this run
        self.setText("Show to new hire")
        self.setAccessibleName("Show the pass to the new hire")
        self.setToolTip(
            "The pass, its QR code and countdown full screen, without your details "
            "(Ctrl+Shift+N); Esc closes it"
        )
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.screens_menu = QMenu(self)
        self.screens_menu.setAccessibleName("Screens")
        self.screens_menu.aboutToShow.connect(self.list_screens)
        self.clicked.connect(lambda: self.requested.emit(self.screen_for_view()))
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):  # a monitor plugged in or out changes the menu
            app.screenAdded.connect(self._offer_screens)
            app.screenRemoved.connect(self._offer_screens)
        self._offer_screens()

    def screen_for_view(self) -> QScreen | None:
        """Where the view opens unless one is chosen from the menu: the last one chosen, else
        the first that does not hold this window."""
        return pick_screen(QGuiApplication.screens(), self.window().screen(), self._screen_name)

    def list_screens(self) -> None:
        """Fill the menu: other screens first, this window's last."""
        menu = self.screens_menu
        menu.clear()
        screens = QGuiApplication.screens()
        here = self.window().screen()
        for screen in screen_choices(screens, here):
            action = menu.addAction(screen_label(screens, screen, here))
            action.triggered.connect(lambda _=False, s=screen: self._choose(s))

    def _offer_screens(self, *_screen: object) -> None:
        several = len(QGuiApplication.screens()) > 1
        # One screen: no menu to offer (PySide's stubs miss that None removes it).
        self.setMenu(self.screens_menu if several else None)  # type: ignore[arg-type]
        self.setPopupMode(
            QToolButton.ToolButtonPopupMode.MenuButtonPopup
            if several
            else QToolButton.ToolButtonPopupMode.DelayedPopup
        )

    def _choose(self, screen: QScreen) -> None:
        self._screen_name = screen.name()
        self.requested.emit(screen)
