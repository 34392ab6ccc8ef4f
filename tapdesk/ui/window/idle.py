"""Time since the technician last touched the app (keys, clicks, wheel), on the injected clock.

Input reaches a window through its ``QWindow`` first (the platform delivers keys, clicks, the
wheel and touch there, and the window hands them to its widgets), so a filter on each of the
app's windows sees all of it. A filter on the whole application would see every event of every
object instead, and the first one for a class PySide has not bound (Qt's animation timer, say)
makes it bind nearly all of them: some 250 classes, 30 ms and 2 MB (measured with PySide 6.11).

Input is watched only while an idle rule can act on it (a pass on screen, sign-out after idle).
Starting to watch counts as activity, and so does a window getting the focus: what starts it
(a pass shown or revealed, a setting saved, a dialog opened) is the technician's doing.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QGuiApplication, QWindow

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
    event seen (or since the watch started, or a window got the focus)."""

    def __init__(self, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._last = clock.monotonic()
        self._windows: list[QWindow] = []  # watched, while watching
        self._app: QGuiApplication | None = None

    def watch(self, on: bool) -> None:
        app = QGuiApplication.instance()
        if on and self._app is None and isinstance(app, QGuiApplication):
            self._app = app
            app.focusWindowChanged.connect(self._focused)
            for window in app.topLevelWindows():
                self._adopt(window)
            self.touch()
        elif not on and self._app is not None:
            self._app.focusWindowChanged.disconnect(self._focused)
            self._app = None
            for window in self._windows:
                if shiboken6.isValid(window):
                    window.removeEventFilter(self)
            self._windows = []

    @property
    def watching(self) -> bool:
        return self._app is not None

    def touch(self) -> None:
        self._last = self._clock.monotonic()

    def idle_seconds(self) -> float:
        return max(0.0, self._clock.monotonic() - self._last)

    def _focused(self, window: QWindow | None) -> None:
        if window is not None:
            self._adopt(window)
            self.touch()

    def _adopt(self, window: QWindow) -> None:
        if window not in self._windows:
            window.installEventFilter(self)
            self._windows.append(window)
            # A dialog closed and deleted leaves the list: opening dialogs all day must not grow it.
            window.destroyed.connect(lambda _gone=None, w=window: self._drop(w))

    def _drop(self, window: QWindow) -> None:
        if window in self._windows:
            self._windows.remove(window)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self._last = self._clock.monotonic()
        return False
