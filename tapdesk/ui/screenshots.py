"""``tapdesk --demo --screenshots DIR``: drive the real window through its main states on the
demo tenant and save a PNG of each (for the README, reviews and training material).

Only the demo tenant: a screenshot run issues passes, and a real pass must never reach a file.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from tapdesk.core.clock import Clock
from tapdesk.errors import ConfigError, TapdeskError

if TYPE_CHECKING:
    from tapdesk.services import Services
    from tapdesk.ui.main_window import MainWindow

SIZE = (1280, 860)
TIMEOUT = 30.0


class ShiftedClock:
    """The services' clock, moved forward by hand: shows "expired" without waiting an hour."""

    def __init__(self, base: Clock) -> None:
        self._base = base
        self.offset = timedelta()

    def now(self) -> datetime:
        return self._base.now() + self.offset

    def monotonic(self) -> float:
        return self._base.monotonic() + self.offset.total_seconds()

    def sleep(self, seconds: float) -> None:
        self._base.sleep(seconds)


def pump(until: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    app = QApplication.instance()
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise TapdeskError("A screenshot step did not finish in time.", title="Screenshots")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)  # type: ignore[union-attr]
        time.sleep(0.01)


def settle(window: MainWindow) -> None:
    pump(lambda: not window.runner.busy)
    pump(lambda: True)


def save(widget: QWidget, path: Path) -> Path:
    QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise TapdeskError(f"Could not write {path}.", title="Screenshots")
    return path


def dark_palette() -> QPalette:
    """A plain dark palette, to check that nothing assumes a light background."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#202124",
        QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a",
        QPalette.ColorRole.AlternateBase: "#26272a",
        QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.Button: "#2d2e31",
        QPalette.ColorRole.ButtonText: "#e8eaed",
        QPalette.ColorRole.Highlight: "#3d7bd9",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2d2e31",
        QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.Link: "#8ab4f8",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f7378"))
    return palette


def write_screenshots(services: Services, out_dir: Path) -> list[Path]:
    from tapdesk.ui.main_window import MainWindow

    tenant = services.demo
    if tenant is None:
        raise ConfigError(
            "Screenshots are taken on the demo tenant only.", hint="Add --demo to the command."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    clock = ShiftedClock(services.clock)
    window = MainWindow(services, clock=clock, heartbeat_ms=0)
    window.resize(*SIZE)
    window.show()
    pump(lambda: window.isVisible())
    written.append(save(window, out_dir / "01-signed-out.png"))

    _sign_in(window, services, tenant, out_dir, written)
    _find(window, "ava", "ava.newhire@")
    written.append(save(window, out_dir / "03-user-found.png"))

    window.issue()
    pump(lambda: window.passes.has_value or not window.banner.isHidden())
    settle(window)
    window.tick()
    written.append(save(window, out_dir / "04-pass-shown.png"))

    tap = window.passes.tap
    if tap is not None:
        clock.offset = tap.expires - services.clock.now() + timedelta(minutes=3)
        window.tick()
        written.append(save(window, out_dir / "05-pass-expired.png"))
        clock.offset = timedelta()

    _find(window, "carl", "carl.disabled@")
    written.append(save(window, out_dir / "06-user-problems.png"))

    # An Authentication Administrator may not issue a pass to an administrator: Graph says 403.
    _find(window, "alex", "alex.admin@")
    window.issue()
    pump(lambda: not window.banner.isHidden())
    settle(window)
    written.append(save(window, out_dir / "07-error-banner.png"))
    window.close()

    written.append(_dark(services, out_dir))
    return written


def _sign_in(
    window: MainWindow, services: Services, tenant: object, out_dir: Path, written: list[Path]
) -> None:
    window.start()
    settle(window)
    if window.technician is not None:
        return
    window.signin.device_code()
    pump(lambda: window.signin.device_dialog is not None)
    dialog = window.signin.device_dialog
    assert dialog is not None
    written.append(save(dialog, out_dir / "02-device-code.png"))
    tenant.approve_device_code(dialog.code.text())  # type: ignore[attr-defined]
    pump(lambda: window.technician is not None)
    settle(window)


def _find(window: MainWindow, query: str, upn_prefix: str) -> None:
    window.search.box.setText(query)
    window.search.search_requested.emit(query)
    pump(lambda: any(u.user_principal_name.startswith(upn_prefix) for u in window.search.users()))
    user = next(u for u in window.search.users() if u.user_principal_name.startswith(upn_prefix))
    window.search.results.setCurrentRow(window.search.users().index(user))
    window.select_user(user)
    settle(window)


def _dark(services: Services, out_dir: Path) -> Path:
    from tapdesk.ui.main_window import MainWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    light = app.palette()
    app.setPalette(dark_palette())
    try:
        window = MainWindow(services, heartbeat_ms=0)
        window.resize(*SIZE)
        window.show()
        window.start()
        settle(window)
        _find(window, "priya", "priya.passkey@")
        window.issue()
        pump(lambda: window.passes.has_value or not window.banner.isHidden())
        settle(window)
        path = save(window, out_dir / "08-dark-pass-shown.png")
        window.close()
        return path
    finally:
        app.setPalette(light)
