"""``tapdesk --demo --self-test``: prove a (frozen) build works end to end, then exit.

Opens the real window on an in-memory demo tenant, finds the training new hire, issues a pass,
checks the pass is on screen and its QR code painted, revokes it, and exits 0. Any failure
prints the step that failed on stderr and exits 1. The pass itself is never printed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from tapdesk.ui.window.main_window import MainWindow

if TYPE_CHECKING:
    from tapdesk.app.services import Backend

NEW_HIRE = "ava.newhire@northwind.example"
TIMEOUT = 30.0


class SelfTestFailed(Exception):
    pass


def _wait(app: QApplication, what: str, done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not done():
        if time.monotonic() > deadline:
            raise SelfTestFailed(f"timed out waiting for: {what}")
        app.processEvents()
        time.sleep(0.005)


def _qr_painted(window: MainWindow) -> bool:
    image = window.passes.qr.grab().toImage()
    if image.isNull():
        return False
    colours = {
        image.pixelColor(x, y).lightness() < 128
        for x in range(0, image.width(), 3)
        for y in range(0, image.height(), 3)
    }
    return colours == {True, False}  # dark modules on a light field


def run_self_test(backend: Backend, app: QApplication) -> int:
    window = MainWindow(backend)
    window.resize(1280, 860)
    window.show()
    window.start()
    step = "start"
    try:
        step = "sign-in and policy"
        _wait(app, step, lambda: window.technician is not None and window.policy is not None)
        step = "find the new hire"
        found: list[object] = []
        window.ops.find_user(NEW_HIRE, found.append, found.append, channel="self-test")
        _wait(app, step, lambda: bool(found))
        user = found[0]
        if isinstance(user, Exception):
            raise SelfTestFailed(f"{step}: {user}")
        window.select_user(user)  # type: ignore[arg-type]
        step = "user card"
        _wait(app, step, lambda: window.facts is not None and window.facts.tap_known)
        _wait(app, step, lambda: not window.runner.busy)
        step = "issue a pass"
        window.form.set_path(None)  # the pass alone: a checklist would wait for the identity check
        window.form.issue_button.click()
        _wait(app, step, lambda: window.passes.has_value)
        step = "QR code on screen"
        _wait(app, step, lambda: _qr_painted(window))
        step = "revoke"
        window.passes.revoke_button.click()
        _wait(app, step, lambda: window.confirm_dialog is not None)
        window.confirm_dialog.action_button.click()  # type: ignore[union-attr]
        _wait(app, step, lambda: not window.passes.has_value and not window.runner.busy)
    except SelfTestFailed as failure:
        print(f"self-test: FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        window.close()
    print("self-test: ok (window, sign-in, policy, user card, issue, QR, revoke)")
    return 0
