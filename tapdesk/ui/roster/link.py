"""What the roster window needs from the main window, in one place.

The main window's session hooks (``open_user(upn_or_id)`` and the ``sessions_changed``
signal) arrive with the onboarding checklist; :meth:`MainWindowLink.hook` is the only place
that asks whether they exist yet. Without them, Open selects the user on the card and the
queue refreshes when its window is activated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tapdesk.core.clock import Clock
from tapdesk.core.models import TapPolicy, User
from tapdesk.core.roles import Technician

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from tapdesk.ui.window.main_window import MainWindow


class MainWindowLink:
    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def hook(self, name: str) -> Any:
        """The main window's ``name``, or None while that part has not landed."""
        return getattr(self.window, name, None)

    # -- what the roster reads --------------------------------------------------------------------
    @property
    def services(self) -> Any:
        return self.window.services

    @property
    def clock(self) -> Clock:
        return self.window.clock

    @property
    def technician(self) -> Technician | None:
        return self.window.technician

    @property
    def policy(self) -> TapPolicy | None:
        return self.window.policy

    @property
    def signed_in(self) -> SignalInstance:
        return self.window.signin.signed_in

    # -- what the roster asks of it ---------------------------------------------------------------
    def open_user(self, upn: str, user: User | None) -> bool:
        """Bring the person into the main window; False when it cannot be done yet."""
        opener: Callable[[str], object] | None = self.hook("open_user")
        if opener is not None:
            opener(upn)
        elif user is not None:
            self.window.select_user(user)
        else:
            return False
        if self.window.isMinimized():
            self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
        return True

    def on_sessions_changed(self, slot: Callable[..., object]) -> bool:
        signal: SignalInstance | None = self.hook("sessions_changed")
        if signal is None:
            return False
        signal.connect(slot)
        return True
