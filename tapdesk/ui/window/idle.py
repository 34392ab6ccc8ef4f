"""Time since the technician last touched the app (keys, clicks, wheel), on the injected clock."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject

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
    """Install on the QApplication; ``idle_seconds()`` is time since the last input event."""

    def __init__(self, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._last = clock.monotonic()

    def touch(self) -> None:
        self._last = self._clock.monotonic()

    def idle_seconds(self) -> float:
        return max(0.0, self._clock.monotonic() - self._last)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self._last = self._clock.monotonic()
        return False
