"""PySide6 6.12.0 aborts on Python 3.11 after a few thousand void calls (see ARCHITECTURE.md).

The loop runs in a child process, so an abort is a failed test rather than a dead test run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

CALLS = 20_000

SCRIPT = textwrap.dedent(
    f"""
    import sys
    from PySide6.QtWidgets import QApplication, QLabel
    app = QApplication([])
    label = QLabel()
    before = sys.getrefcount(None)
    for i in range({CALLS}):
        label.setText("x")
        label.setObjectName("y")
    drift = before - sys.getrefcount(None)
    print("calls", {CALLS}, "none-refcount-drift", drift)
    """
)


def test_twenty_thousand_void_calls_do_not_abort_the_interpreter():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-500:]}"
    assert f"calls {CALLS}" in done.stdout
    drift = int(done.stdout.split("none-refcount-drift")[1])
    if sys.version_info < (3, 12):  # None is immortal from 3.12 on; before, a leak shows here
        assert abs(drift) < CALLS // 10, done.stdout


# tapdesk.ui.pyside_imports switches PySide6's per-import source scan off (12 MB of sources kept
# in linecache otherwise). The scan is private to PySide6: these fail when an upgrade moves it.
NO_SOURCES_KEPT = textwrap.dedent(
    """
    import linecache, sys
    from tapdesk.ui import application
    application()
    import tapdesk.ui.roster.window  # a module the window loads late (the new-hire day)
    kept = [name for name in linecache.cache if "roster" in name]
    feature = sys.modules["shibokensupport.feature"]
    print(feature._mod_uses_pyside.__module__, len(kept))
    """
)


def test_modules_loaded_after_pyside_keep_no_source_in_memory():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", NO_SOURCES_KEPT], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["tapdesk.ui.pyside_imports", "0"]


def test_no_tapdesk_module_selects_a_pyside_feature():
    """The scan may be skipped only because nothing selects a feature (snake_case and such)."""
    root = Path(__file__).resolve().parents[2] / "tapdesk"
    users = [p for p in root.rglob("*.py") if "__feature__" in p.read_text(encoding="utf-8")]
    users = [p for p in users if p.name != "pyside_imports.py"]  # the module that says so
    assert users == []
