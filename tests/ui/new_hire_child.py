"""tapdesk on two screens, in a child process (``test_new_hire_view``): Qt reads the screens
when it starts, so the test sets them in ``QT_QPA_PLATFORM`` for a process of their own.

``python -m tests.ui.new_hire_child``: the composition root's prepared services on the demo
tenant in ``TAPDESK_HOME`` (token from ``TAPDESK_ACCESS_TOKEN``); the window on the first
screen, Ava's pass issued, "Show to the new hire" clicked; print what was seen as one JSON line.
"""

from __future__ import annotations

import json
import os

from PySide6.QtGui import QGuiApplication

from tapdesk.app.main import prepare_services
from tapdesk.config import load_settings
from tapdesk.runtime.paths import AppPaths
from tapdesk.ui import application
from tapdesk.ui.dev.screenshots import pump
from tapdesk.ui.window.main_window import MainWindow
from tests.helpers.qt import decode_widget

AVA = "ava.newhire@northwind.example"


def main() -> None:
    env = dict(os.environ)
    paths = AppPaths.default(env)
    settings = load_settings(paths, env, {"demo": True})
    _app = application()
    screens = QGuiApplication.screens()
    window = MainWindow(prepare_services(settings, paths), heartbeat_ms=0)
    window.setScreen(screens[0])
    window.setGeometry(screens[0].availableGeometry().adjusted(0, 0, -100, -60))
    window.show()
    window.start()
    pump(lambda: window.technician is not None and window.policy is not None)
    window.open_user(AVA)
    pump(lambda: window.facts is not None and window.facts.tap_known and not window.runner.busy)
    window.form.set_path(None)  # a pass only: the form issues it
    window.issue()
    pump(lambda: window.passes.has_value and not window.runner.busy)
    panel = window.passes
    panel.new_hire_button.list_screens()  # what the button's menu offers
    menu = [action.text() for action in panel.new_hire_button.screens_menu.actions()]
    panel.new_hire_button.click()
    view = window.new_hire
    assert view is not None
    pump(view.isVisible)
    view_screen = view.screen()
    rect = view.geometry()
    seen = {
        "screens": [screen.name() for screen in screens],
        "window": window.screen().name(),
        "menu": menu,
        "view": view_screen.name() if view_screen else None,
        "full_screen": view.isFullScreen(),
        "geometry": [rect.x(), rect.y(), rect.width(), rect.height()],
        "decoded": len(decode_widget(view)),
    }
    # The technician's own screen, chosen from the menu: the view moves there.
    mine = next(
        a
        for a in panel.new_hire_button.screens_menu.actions()
        if a.text().endswith("(this window)")
    )
    mine.trigger()
    for _ in range(3):
        QGuiApplication.processEvents()
    chosen = view.screen()
    seen["chosen"] = chosen.name() if chosen else None
    remembered = (
        panel.new_hire_button.screen_for_view()
    )  # the button's default for the rest of the run
    seen["remembered"] = remembered.name() if remembered else None
    print(json.dumps(seen), flush=True)
    window.close()


if __name__ == "__main__":
    main()
