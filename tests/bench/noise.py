"""CPU noise for the stall benchmarks: a busy process pinned to the other core.

Technicians' PCs are not quiet machines (an agent scanning, a browser). ``busy_core()`` spins one
process on the last core while the measured work runs unpinned, competing for what is left.
Where the platform cannot pin (``os.sched_setaffinity`` is Linux only) or there is one core, it
yields False and the figure says "n/a".
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator

SPIN = "import os, sys\nos.sched_setaffinity(0, {int(sys.argv[1])})\nwhile True:\n    pass\n"


def can_pin() -> bool:
    return hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 1


@contextlib.contextmanager
def busy_core() -> Iterator[bool]:
    if not can_pin():
        yield False
        return
    core = max(os.sched_getaffinity(0))
    spinner = subprocess.Popen([sys.executable, "-c", SPIN, str(core)])
    try:
        yield True
    finally:
        spinner.kill()
        spinner.wait()
