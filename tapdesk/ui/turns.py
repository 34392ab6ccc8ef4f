"""Work put off to a later turn of the event loop, after the window has painted this one's.

``QTimer.singleShot(0, …)`` is not that in Qt 6: it posts a call, which runs before the paint
the change just asked for (Qt posts paints at low priority), and a chain of such calls runs
ahead of the window's timers (the heartbeat, the countdown). A 1 ms timer runs after the paint
and takes its turn among the other timers. Measured with PySide 6.11: ``singleShot(0)`` ran
before the label's repaint, ``singleShot(1)`` after it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


def next_turn(context: QObject, then: Callable[[], object]) -> None:
    """``then()`` on a later turn, unless ``context`` is deleted first."""
    QTimer.singleShot(1, context, then)
