"""One stall scenario in a fresh process: ``python -m tests.bench.scenario NAME --tenant T
[--busy] [--latency S]``. Prints one JSON line: the longest stall and the three longest, named.

A process each: every run starts from the same cold state, and a busy core or a crash stays
with its run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SCENARIOS = ("issue", "checklist", "resume", "roster")


def run(name: str, tenant: str, latency: float) -> dict[str, object]:
    from tests.bench import day, stalls, window

    stalls.bind_all_qt_classes()  # before the window starts: see its docstring

    if name == "issue":
        stalls = window.search_select_issue(tenant, latency)
    elif name == "checklist":
        stalls = window.checklist_start(tenant)
    elif name == "resume":
        stalls = window.sessions_resume(tenant)
    elif name == "roster":
        stalls = day.roster_precheck(tenant)
    else:
        raise SystemExit(f"unknown scenario {name!r}: one of {', '.join(SCENARIOS)}")
    return {"longest": stalls.longest, "causes": stalls.causes()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.scenario")
    parser.add_argument("name", choices=SCENARIOS)
    parser.add_argument("--tenant", choices=("process", "inline"), default="process")
    parser.add_argument("--latency", type=float, default=1.0)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.name, args.tenant, args.latency)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
