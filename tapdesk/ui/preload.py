"""Modules the window needs soon but not for its first paint, imported on a worker once it is up.

Their first use then finds them loaded instead of importing on the GUI thread in the middle of
a click: the QR code's library with the first pass, the roster's rules with the first checklist
or resumed session. A worker's import shares the GIL in short turns, so the window stays live.
"""

from __future__ import annotations

import importlib
import threading

SOON = ("qrcode", "qrcode.constants", "tapdesk.core.roster")
# After start-up's own work (sign-in, the policy), well before a first click could need them.
AFTER_MS = 1000


_loaded = threading.Event()


def in_background() -> None:
    def load() -> None:
        for name in SOON:
            importlib.import_module(name)
        _loaded.set()

    threading.Thread(target=load, name="tapdesk preload", daemon=True).start()


def loaded() -> bool:
    """Whether the modules are in (the benchmarks wait for it, as a technician's first click
    would come well after)."""
    return _loaded.is_set()
