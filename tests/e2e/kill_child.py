"""tapdesk in a child process that stops at one point of issuing a pass, to be killed there
(``test_kill_audit``). The points are reached through wrappers around the real code, so nothing
in tapdesk knows about this test:

- ``after-intent``: the intent is committed; the create request has not left;
- ``in-flight``: the demo tenant has created the pass; its answer has not arrived;
- ``after-answer``: Graph answered; the audit record is not written yet;
- ``window-save``: the window issued a checklist's pass; the session's save with it has not
  been committed.

``python -m tests.e2e.kill_child POINT MARKER [tapdesk arguments]``: the marker file appears
when the point is reached, then the process waits for SIGKILL. ``none`` runs tapdesk as is.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tapdesk.core.audit import AuditKind
from tapdesk.demo import DemoTenant
from tapdesk.store import Store

AVA = "ava.newhire@northwind.example"


def wrap(owner: type, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    setattr(owner, name, make(getattr(owner, name)))


def stop_here(marker: Path) -> None:
    marker.write_text("reached", encoding="utf-8")
    while True:
        time.sleep(1)  # until SIGKILL


def install(point: str, marker: Path) -> None:
    if point == "after-intent":
        wrap(Store, "begin_intent", lambda real: lambda *a, **k: (real(*a, **k), stop_here(marker)))
    elif point == "after-answer":
        wrap(Store, "finish_intent", lambda real: lambda *a, **k: stop_here(marker))
    elif point == "in-flight":

        def handler(real: Callable[..., Any]) -> Callable[..., Any]:
            def serve(self: DemoTenant, request: Any) -> Any:
                response = real(self, request)
                if request.method == "POST" and "temporaryAccessPassMethods" in str(request.url):
                    stop_here(marker)
                return response

            return serve

        wrap(DemoTenant, "handler", handler)
    elif point == "window-save":

        def save(real: Callable[..., Any]) -> Callable[..., Any]:
            def store(self: Store, snapshot: Any, events: Any = ()) -> None:
                if any(e.kind is AuditKind.ISSUE for e in events):
                    stop_here(marker)
                real(self, snapshot, events)

            return store

        wrap(Store, "save_session", save)


def run_window() -> int:
    from tapdesk.app.main import prepare_services
    from tapdesk.config import load_settings
    from tapdesk.runtime.paths import AppPaths
    from tapdesk.ui import application
    from tapdesk.ui.dev.screenshots import pump
    from tapdesk.ui.window.main_window import MainWindow

    env = dict(os.environ)
    paths = AppPaths.default(env)
    application()
    window = MainWindow(prepare_services(load_settings(paths, env, {"demo": True}), paths))
    window.show()
    window.start()
    pump(lambda: window.technician is not None and window.guide.onboarding.resume_done)
    window.open_user(AVA)
    pump(lambda: window.facts is not None and window.facts.tap_known and not window.runner.busy)
    window.form.set_path("passkey-authenticator")
    window.issue()  # the checklist starts at the identity check: no pass yet
    session = window.guide.panel.session
    assert session is not None
    window.guide.onboarding.tick(session.session_id, "confirm-identity")
    pump(lambda: not window.runner.busy)  # the tick is saved
    window.issue()
    pump(lambda: False, timeout=60)  # the save stops the process before this ends
    return 1


def main() -> int:
    point, marker, argv = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
    install(point, marker)
    if argv == ["window"]:
        return run_window()
    from tapdesk.app.main import main as tapdesk

    return tapdesk(argv)


if __name__ == "__main__":
    sys.exit(main())
