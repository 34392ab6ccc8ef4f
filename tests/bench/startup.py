"""Cold start: spawn to first paint, and spawn to "ready to issue", against a bare window."""

from __future__ import annotations

import json
import os
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

from tests.bench import child

# The same probe as tapdesk's (``tapdesk.ui.first_paint``): stamp in the turn after the window's
# first paint event, so both sides end at the same moment of the same frame.
BARE = """
import time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and watched is window:
            window.removeEventFilter(self)
            QTimer.singleShot(0, stamp)
        return False

def stamp():
    print(f"first-paint {time.time():.6f}", flush=True)
    app.quit()

app = QApplication([])
window = QMainWindow()
window.resize(1280, 860)
probe = Probe()
window.installEventFilter(probe)
window.show()
app.exec()
"""

# The development venv holds packages an installed tapdesk does not: httpx's optional command
# line (click, rich, pygments), there for import-linter and mutmut. httpx imports them whenever
# they are present, some 80 modules; the start-up runs hide them, as an install would not have
# them (``tests/bench`` checks they are not among tapdesk's requirements).
DEV_ONLY = ("click", "rich", "pygments")
HIDE_DEV_ONLY = f"""
import sys

class _NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {DEV_ONLY!r}:
            raise ModuleNotFoundError(name)
        return None

sys.meta_path.insert(0, _NotInstalled())
"""

# The console entry point itself (``tapdesk --demo``), up to the first paint.
TAPDESK = (
    HIDE_DEV_ONLY
    + """
import sys
sys.argv = ["tapdesk", "--demo"]
from tapdesk.__main__ import main
main()
"""
)


# ``tapdesk --demo`` until ready, then what its memory holds (``tests.bench.memory``), as JSON.
READY_MEMORY = (
    HIDE_DEV_ONLY
    + """
import json, sys
import tapdesk.ui.dev.bench as bench

def report_at_ready(app, window):
    from tests.bench import memory
    print("memory", json.dumps(memory.breakdown(traced=TRACED)), flush=True)
    app.quit()

bench.at_ready = report_at_ready
sys.argv = ["tapdesk", "--demo"]
from tapdesk.__main__ import main
main()
"""
)


def compile_sources() -> None:
    """Byte-compile tapdesk once, as installing its wheel does. A source checkout under
    PYTHONDONTWRITEBYTECODE (set on these machines) would otherwise recompile every module at
    every start, a cost no installed copy pays, while PySide6 comes precompiled."""
    import compileall

    compileall.compile_dir(str(child.ROOT / "tapdesk"), quiet=1)


def spawn_until(script: str, marker: str, env: dict[str, str]) -> float:
    """Seconds from spawning ``script`` to the wall-clock stamp it prints after ``marker``."""
    started = time.time()
    done = child.python(
        ["-c", textwrap.dedent(script)], what="start-up run", env=env, expect=marker
    )
    return float(done.stdout.split(marker + " ", 1)[1].split()[0]) - started


def _env(home: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TAPDESK_HOME": str(home), **extra}


def bare_first_paint() -> float:
    with tempfile.TemporaryDirectory() as home:
        return spawn_until(BARE, "first-paint", _env(Path(home)))


def tapdesk_first_paint() -> float:
    with tempfile.TemporaryDirectory() as home:
        return spawn_until(
            TAPDESK, "first-paint", _env(Path(home), TAPDESK_QUIT_AFTER_FIRST_PAINT="1")
        )


def ready_memory(traced: bool = False) -> dict[str, Any]:
    """The memory breakdown of ``tapdesk --demo`` at ready, its demo tenant in a process of its
    own (a real tenant's state is not in the window's process either). ``traced``: Python's own
    allocations by package too (``-X tracemalloc``: slower, so a separate run)."""
    from tapdesk.demo import DemoTenant

    with tempfile.TemporaryDirectory() as home:
        tenant = DemoTenant(state_path=Path(home) / "data" / "demo-tenant.json")
        env = _env(
            Path(home),
            TAPDESK_QUIT_WHEN_READY="1",
            TAPDESK_ACCESS_TOKEN=tenant.access_token(),
            TAPDESK_DEMO_PROCESS="1",
        )
        options = ["-X", "tracemalloc=1"] if traced else []
        script = f"TRACED = {traced!r}\n" + READY_MEMORY
        done = child.python([*options, "-c", script], what="memory run", env=env, expect="memory ")
    result: dict[str, Any] = json.loads(done.stdout.split("memory ", 1)[1].splitlines()[0])
    return result


def tapdesk_ready() -> float:
    """To signed in with the policy read (a token handed in, as a silent sign-in would)."""
    from tapdesk.demo import DemoTenant

    with tempfile.TemporaryDirectory() as home:
        tenant = DemoTenant(state_path=Path(home) / "data" / "demo-tenant.json")
        env = _env(
            Path(home), TAPDESK_QUIT_WHEN_READY="1", TAPDESK_ACCESS_TOKEN=tenant.access_token()
        )
        return spawn_until(TAPDESK, "ready", env)
