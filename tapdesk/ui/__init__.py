"""The PySide6 window. ``run(backend, args)`` is all the composition root needs.

Importing this package imports no Qt: ``tapdesk`` commands never pay for it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from tapdesk.app.services import Backend
    from tapdesk.ui.window.main_window import MainWindow

log = logging.getLogger(__name__)
APP_NAME = "tapdesk"


def _option(args: Any, name: str) -> Any:
    if args is None or isinstance(args, (list, tuple)):
        return None
    return getattr(args, name, None)


def application(
    argv: Sequence[str] | None = None, *, large_text: bool = False, focus_ring: bool = True
) -> QApplication:
    """The one QApplication (created once; tests and screenshots reuse it). ``focus_ring``
    False: the caller installs it (the window does, after its first paint)."""
    # pyside_imports first: PySide6's scan would read the source of what it imports.
    from tapdesk.ui import pyside_imports  # noqa: I001 (PySide6 after it, on purpose)

    from PySide6.QtWidgets import QApplication

    pyside_imports.skip_feature_scan()  # before the window's modules load: no source kept
    from tapdesk.ui import theme

    # Worker threads (Graph, MSAL, the store) share the GIL with the GUI thread: handing it over
    # every millisecond instead of every five keeps the window's frames on time.
    sys.setswitchinterval(0.001)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication([APP_NAME, *(argv or [])])
        app.setApplicationName(APP_NAME)
        app.setApplicationDisplayName("tapdesk")
        app.setDesktopFileName(APP_NAME)
    theme.apply_large_text(app, large_text)
    theme.follow_system_palette(app)
    if focus_ring:
        _focus_ring(app)
    return app


def _focus_ring(app: QApplication) -> None:
    from tapdesk.ui import focus

    focus.install(app)  # a ring round the keyboard focus, on every window


def run(backend: Backend, args: Any = None) -> int:
    """Show the window (or write screenshots with ``--screenshots DIR``); returns the exit code."""
    shots = _option(args, "screenshots")
    if shots and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no display needed for screenshots
    argv = [str(a) for a in args] if isinstance(args, (list, tuple)) else []
    window_only = not shots and not _option(args, "self_test")
    app = application(argv, large_text=backend.settings.large_text, focus_ring=not window_only)
    if shots:
        from tapdesk.ui.dev.screenshots import write_screenshots

        written = write_screenshots(backend, Path(shots))
        for path in written:
            print(path)
        return 0

    if _option(args, "self_test"):
        from tapdesk.ui.dev.selftest import run_self_test

        return run_self_test(backend, app)

    from tapdesk.ui.first_paint import after_first_paint
    from tapdesk.ui.window.main_window import MainWindow

    window = MainWindow(backend, guide_later=True)  # window.start builds it
    _install_excepthook(window)
    window.resize(1280, 860)
    window.show()
    first: list[Callable[[], object]] = []
    if os.environ.get("TAPDESK_QUIT_AFTER_FIRST_PAINT") or os.environ.get(
        "TAPDESK_QUIT_WHEN_READY"
    ):
        from tapdesk.ui.dev import bench

        first.append(bench.probe(app, window))  # first: it stamps the moment of the first paint
    after_first_paint(window, *first, *after_paint(app, window))
    try:
        return int(app.exec())
    finally:
        window.runner.wait_for_done(5000)


def after_paint(app: QApplication, window: MainWindow) -> list[Callable[[], object]]:
    """What start-up does once the window's first frame is painted, in order (the benchmarks
    run the same list)."""
    from PySide6.QtCore import QTimer

    from tapdesk.ui import preload

    return [
        lambda: _focus_ring(app),  # its module and Qt classes cost ~20 ms: after the paint
        window.start,  # sign-in, the policy, the checklist part and the open sessions
        # Once sign-in and the policy have had the worker to themselves for a moment.
        lambda: QTimer.singleShot(
            preload.AFTER_MS, window, lambda: preload.in_background(window, window.rehearsals())
        ),
        _settle_memory,  # last: the collector settles on what start-up built
    ]


def _settle_memory() -> None:
    """After start-up: park its objects out of the collector's way (shorter GC pauses later)."""
    import gc

    gc.freeze()
    gc.enable()


def _install_excepthook(window: Any) -> None:
    """A bug in a slot shows a banner and a log line (the type only), never a crash or a pass."""
    from tapdesk.ui.tasks import as_user_error

    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: Any) -> None:
        if not issubclass(kind, Exception):
            previous(kind, exc, tb)
            return
        error = as_user_error(exc.with_traceback(tb))
        with contextlib.suppress(RuntimeError):  # the window is already gone
            window.show_error(error)

    sys.excepthook = hook
