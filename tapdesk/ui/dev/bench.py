"""Probes for the start-up benchmarks (``tests/bench``): print the moment of the first paint, or of
"ready to issue", and quit. Switched on by environment variables; the window never needs them."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from tapdesk.ui.window.main_window import MainWindow


def install_probes(app: QApplication, window: MainWindow) -> None:
    from PySide6.QtCore import QTimer

    if os.environ.get("TAPDESK_QUIT_AFTER_FIRST_PAINT"):
        QTimer.singleShot(0, lambda: first_paint(app))
    if os.environ.get("TAPDESK_QUIT_WHEN_READY"):
        quit_when_ready(app, window)


def first_paint(app: QApplication) -> None:
    """Benchmarks read the wall-clock moment the window was first painted, then we leave."""
    import time

    app.processEvents()  # the paint the window's show() asked for
    print(f"first-paint {time.time():.6f}", flush=True)
    app.quit()


def quit_when_ready(app: QApplication, window: MainWindow) -> None:
    """Benchmarks: the moment a technician could issue (signed in, policy read), then leave."""
    import time

    from PySide6.QtCore import QTimer

    probe = QTimer(window)
    probe.setInterval(5)

    def check() -> None:
        if window.technician is not None and window.policy is not None:
            probe.stop()
            print(f"ready {time.time():.6f}", flush=True)
            app.quit()

    probe.timeout.connect(check)
    probe.start()
