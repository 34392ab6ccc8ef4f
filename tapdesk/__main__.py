"""``tapdesk`` and ``python -m tapdesk``: parse arguments and run. Nothing else."""

from __future__ import annotations

import sys


def main() -> None:
    import gc

    # Start-up allocates hundreds of thousands of long-lived objects (Qt bindings, modules):
    # collecting them again and again is wasted time. ui.run freezes them and turns GC back on.
    gc.disable()
    from tapdesk.app.main import main as run

    sys.exit(run())


if __name__ == "__main__":
    main()
