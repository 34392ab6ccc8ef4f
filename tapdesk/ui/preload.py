"""Modules the window needs soon but not for its first paint, imported on a worker once it is up.

Their first use then finds them loaded instead of importing on the GUI thread in the middle of
a click: the QR code's library with the first pass, the roster's rules with the first checklist
or resumed session, the card's scope and role checks with the first selection (a worker
importing them then would take the interpreter from the card's own turn). A worker's import
shares the GIL in short turns, so the window stays live.

Then, a turn each on the GUI thread, the first selection, pass and checklist are rehearsed off
screen (:mod:`tapdesk.ui.rehearse`), and the collector sets aside what start-up built
(``gc.freeze``): the services, the checklist part and these modules live as long as the window,
and a full collection need not walk them again.
"""

from __future__ import annotations

import gc
import importlib
import threading
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer

from tapdesk.ui.turns import next_turn

SOON = ("qrcode", "qrcode.constants", "tapdesk.core.roster", "tapdesk.workflows.target")
# After start-up's own work (sign-in, the policy), well before a first click could need them.
AFTER_MS = 1000
POLL_MS = 20  # the GUI thread looks this often whether the worker is done

_loaded = threading.Event()


def in_background(context: QObject, rehearsals: Sequence[Callable[[], object]] = ()) -> None:
    """Import :data:`SOON` on a worker; then run ``rehearsals`` on the GUI thread, one a turn
    (while ``context`` lives), and freeze the collector's view of start-up."""
    imported = threading.Event()

    def load() -> None:
        for name in SOON:
            importlib.import_module(name)
        imported.set()

    steps = list(rehearsals)

    def next_step() -> None:
        if not imported.is_set():
            QTimer.singleShot(POLL_MS, context, next_step)
        elif steps:
            steps.pop(0)()
            next_turn(context, next_step)
        else:
            gc.freeze()
            _loaded.set()

    threading.Thread(target=load, name="tapdesk preload", daemon=True).start()
    next_step()


def loaded() -> bool:
    """Whether the modules are in and the rehearsals done (the benchmarks wait for it, as a
    technician's first click would come well after)."""
    return _loaded.is_set()
