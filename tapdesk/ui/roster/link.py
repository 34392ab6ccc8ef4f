"""What the new-hire-day roster may read from the main window and ask of it, in one place.

The main window builds this (:meth:`~tapdesk.ui.window.main_window.MainWindow.roster_link`):
plain values, callables and the window's signals, so the roster never holds the window itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import SignalInstance

from tapdesk.core.clock import Clock
from tapdesk.core.flows import Flow
from tapdesk.core.models import TapPolicy
from tapdesk.core.roles import Technician
from tapdesk.ui.operations import Operations


@dataclass(frozen=True)
class RosterLink:
    ops: Operations
    clock: Clock
    flows: dict[str, Flow]  # the checklists the window loaded (queue statuses need their checks)
    technician: Callable[[], Technician | None]
    policy: Callable[[], TapPolicy | None]  # the tenant's, once the window has read it
    signed_in: SignalInstance  # Technician
    sessions_changed: SignalInstance  # a session started, closed, or its status changed
    open_user: Callable[[str], None]  # bring a person (UPN) into the main window
