"""``tapdesk`` and ``python -m tapdesk``: parse arguments and run. Nothing else."""

from __future__ import annotations

import sys


def main() -> None:
    from tapdesk.app import main as run

    sys.exit(run())


if __name__ == "__main__":
    main()
