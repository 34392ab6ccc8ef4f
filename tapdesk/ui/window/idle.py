"""Time since the technician last touched the app (keys, clicks, wheel), on the injected clock.

Input is watched only while an idle rule can act on it (a pass on screen, sign-out after idle):
the watch is a Python filter on every event of the application, and each of those events then
costs a call into Python and the binding of its class, some 10 ms of start-up and 2 MB (measured
with ``python -m tests.bench``). Starting to watch counts as activity: what starts it (a pass
shown or revealed, a setting saved, the window opening) is the technician's doing.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from tapdesk.core.clock import Clock

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleWatch(QObject):
    """``watch(True)`` while idle time matters; ``idle_seconds()`` is time since the last input
    event seen (or since the watch started)."""

    def __init__(self, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._last = clock.monotonic()
        self._app: QApplication | None = None  # the application watched, while watching

    def watch(self, on: bool) -> None:
        app = QApplication.instance()
        if on and self._app is None and isinstance(app, QApplication):
            app.installEventFilter(self)
            self._app = app
            self.touch()
        elif not on and self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None

    @property
    def watching(self) -> bool:
        return self._app is not None

    def touch(self) -> None:
        self._last = self._clock.monotonic()

    def idle_seconds(self) -> float:
        return max(0.0, self._clock.monotonic() - self._last)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self._last = self._clock.monotonic()
        return False
