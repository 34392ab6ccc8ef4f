"""Run work once the window's first frame is painted: sign-in, sessions and the rest of start-up
wait for it, so the technician sees the window as soon as Qt can draw it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

# A window that never paints (started minimised, or on a screen that is off) still starts.
FALLBACK_MS = 1000


class _AfterFirstPaint(QObject):
    def __init__(self, window: QWidget, callbacks: list[Callable[[], object]]) -> None:
        super().__init__(window)
        self._window = window
        self._callbacks = callbacks
        self._done = False
        window.installEventFilter(self)
        QTimer.singleShot(FALLBACK_MS, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched is self._window:
            self._window.removeEventFilter(self)
            # The paint event is one part of the frame: the rest is drawn and flushed in this
            # same turn, so the work waits for the next one.
            QTimer.singleShot(0, self, self._fire)
        return False

    def _fire(self) -> None:
        if self._done:
            return
        self._done = True
        self._window.removeEventFilter(self)
        for callback in self._callbacks:
            callback()


def after_first_paint(window: QWidget, *callbacks: Callable[[], object]) -> None:
    """Call ``callbacks`` in order, once, in the event-loop turn after ``window`` first painted."""
    _AfterFirstPaint(window, list(callbacks))
