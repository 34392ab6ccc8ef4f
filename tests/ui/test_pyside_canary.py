"""PySide6 6.12.0 aborts on Python 3.11 after a few thousand void calls (see ARCHITECTURE.md).

The loop runs in a child process, so an abort is a failed test rather than a dead test run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

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
