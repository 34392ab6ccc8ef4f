"""Probes for the start-up benchmarks (``tests/bench``): print the moment of the first paint, or of
"ready to issue", and quit. Switched on by environment variables; the window never needs them."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from tapdesk.ui.window.main_window import MainWindow


def probe(app: QApplication, window: MainWindow) -> Callable[[], None]:
    """What to run right after the first paint (``ui.first_paint``): stamp it, and quit or watch
    for "ready"."""

    def after_paint() -> None:
        if os.environ.get("TAPDESK_QUIT_AFTER_FIRST_PAINT"):
            print(f"first-paint {time.time():.6f}", flush=True)
            # At once: the start-up work queued after the paint is not this run's to measure
            # (nor to import, for the import report).
            os._exit(0)
        elif os.environ.get("TAPDESK_QUIT_WHEN_READY"):
            quit_when_ready(app, window)

    return after_paint


def at_ready(app: QApplication, window: MainWindow) -> None:
    """What happens once ready: leave (the memory benchmark reports first)."""
    app.quit()


def quit_when_ready(app: QApplication, window: MainWindow) -> None:
    """Benchmarks: the moment a technician could issue (signed in, policy read), then leave.

    Stamped when the window says so, not by polling: a poll waits for whatever long turn the
    event loop runs next (the checklist part is built in the turn after the policy)."""

    def ready() -> None:
        window.ready_to_issue.disconnect(ready)
        print(f"ready {time.time():.6f}", flush=True)
        at_ready(app, window)

    window.ready_to_issue.connect(ready)
