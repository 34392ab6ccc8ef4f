"""The window paints before the network and sign-in stacks load (see app.prepare_services)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QLabel, QWidget

from tapdesk.ui import first_paint


def test_the_window_path_imports_neither_httpx_nor_msal() -> None:
    probe = (
        "import sys, tapdesk.app.main, tapdesk.ui, tapdesk.ui.window.main_window;"
        "print(sorted(m for m in ('httpx', 'msal', 'keyring', 'sqlite3') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# ``tapdesk --demo`` in a child, up to its first paint: what had loaded then, and in what order
# the start-up work ran. The bench's probe (``TAPDESK_QUIT_AFTER_FIRST_PAINT``) stamps the paint.
FIRST_PAINT = """
import sys
import tapdesk.ui.dev.bench as bench
import tapdesk.ui.window.main_window as main_window

stamp = bench.probe
def probe(app, window):
    after = stamp(app, window)
    def at_first_paint():
        print("loaded", sorted(m for m in WATCHED if m in sys.modules), flush=True)
        after()
    return at_first_paint
bench.probe = probe

start = main_window.MainWindow.start
def started(self):
    print("start", flush=True)
    start(self)
main_window.MainWindow.start = started

sys.argv = ["tapdesk", "--demo"]
from tapdesk.__main__ import main
main()
"""

LATER = (
    "tapdesk.ui.focus",  # the focus ring: the first frame has nothing to ring yet
    "tapdesk.ui.onboarding.guide",  # the checklist machinery
    "tapdesk.core.checklist",
    "qrcode",  # the QR code: with the first pass
    "tapdesk.ui.roster.window",  # the new-hire day: when opened
    "tapdesk.ui.tools.settings_dialog",  # the menus' dialogs: when opened
    "tapdesk.ui.tools.shortcuts_dialog",
    "tapdesk.core.flows",  # the paths and their checks: with the checklist part
    "tapdesk.core.verify",
    "tapdesk.workflows.issuing",  # the workflows: on the worker that first runs one
    "tapdesk.workflows.reconcile",
    "tomllib",  # only to read a settings file, and this start has none
    "ctypes",  # only on Windows, to ask whether tapdesk runs elevated
    "_hashlib",  # OpenSSL's hashes (hmac): with the first pass shown or copied
    "html",  # escaping for markup: with the first pass or outside value in rich text
    "difflib",  # "did you mean": only for a mistake in a settings or flow file
    "logging.handlers",  # sockets and pickle: the log rotates without them
    "msal",  # the network and sign-in stacks: on a worker, after the paint
    "httpx",
    "keyring",
)


def _first_paint_child(tmp_path) -> list[str]:
    script = f"WATCHED = {LATER!r}\n" + FIRST_PAINT
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "TAPDESK_HOME": str(tmp_path),
        "TAPDESK_QUIT_AFTER_FIRST_PAINT": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.splitlines()


def test_the_first_paint_comes_before_the_checklist_qr_roster_and_sign_in(tmp_path) -> None:
    lines = _first_paint_child(tmp_path)
    loaded = next(line for line in lines if line.startswith("loaded"))
    assert loaded == "loaded []", loaded
    # Sign-in and the open sessions start after the paint (the probe leaves at the paint).
    words = [line.split()[0] for line in lines]
    assert "first-paint" in words, lines
    assert "start" not in words[: words.index("first-paint")], lines


class PaintLog(QLabel):
    def __init__(self, ran: list[str]) -> None:
        super().__init__("tapdesk")
        self._ran = ran

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self._ran.append("paint")


def test_start_up_work_waits_for_the_first_paint(qapp) -> None:
    ran: list[str] = []
    label = PaintLog(ran)
    first_paint.after_first_paint(label, lambda: ran.append("one"), lambda: ran.append("two"))
    qapp.processEvents()
    assert ran == []  # not shown: nothing painted, nothing run
    label.show()
    deadline = time.monotonic() + 5
    while len(ran) < 3 and time.monotonic() < deadline:
        qapp.processEvents()
    assert ran == ["paint", "one", "two"]
    label.update()
    for _ in range(20):
        qapp.processEvents()
    assert ran.count("one") == 1  # once, not at every paint
    label.close()


def test_a_window_that_never_paints_still_starts(qapp, monkeypatch) -> None:
    monkeypatch.setattr(first_paint, "FALLBACK_MS", 10)
    ran: list[str] = []
    hidden = QWidget()
    first_paint.after_first_paint(hidden, lambda: ran.append("started"))
    deadline = time.monotonic() + 5
    while not ran and time.monotonic() < deadline:
        qapp.processEvents()
    assert ran == ["started"]


def test_a_token_from_elsewhere_loads_neither_msal_nor_the_keyring(tmp_path) -> None:
    """``TAPDESK_ACCESS_TOKEN``: nobody signs in here, so the sign-in stack never loads."""
    code = (
        "import sys\n"
        "from tapdesk.app.main import build_services\n"
        "from tapdesk.config import load_settings\n"
        "from tapdesk.runtime.paths import AppPaths\n"
        "from tapdesk.demo import DemoTenant\n"
        "paths = AppPaths.default({'TAPDESK_HOME': sys.argv[1]})\n"
        "env = {'TAPDESK_HOME': sys.argv[1], 'TAPDESK_ACCESS_TOKEN': DemoTenant().access_token()}\n"
        "settings = load_settings(paths, env, {'demo': True})\n"
        "services = build_services(settings, paths)\n"
        "print(services.auth, sorted(m for m in ('msal', 'keyring') if m in sys.modules))\n"
        "services.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "None []"


def test_ready_to_issue_fires_once_signed_in_with_the_policy_read(qtbot, make_window) -> None:
    """What the start-up benchmark stamps as "ready": said by the window, not polled for."""
    window = make_window(sign_in=False)
    seen: list[tuple[bool, bool]] = []
    window.ready_to_issue.connect(
        lambda: seen.append((window.technician is not None, window.policy is not None))
    )
    window.start()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    qtbot.wait(50)
    assert seen == [(True, True)]


def test_the_rehearsals_paint_off_screen_and_leave_nothing_behind(qtbot, make_window) -> None:
    """The first selection and the first pass are rehearsed when the window is idle
    (ui.preload): on throwaway widgets for a made-up person, never shown, deleted at once."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    window = make_window()
    before = set(QApplication.topLevelWidgets())
    shown: list[QWidget] = []
    for step in window.rehearsals():
        step()
        shown += [w for w in QApplication.topLevelWidgets() if w.isVisible() and w not in before]
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert shown == []
    assert set(QApplication.topLevelWidgets()) == before
    assert window.card.user is None and not window.passes.has_value
