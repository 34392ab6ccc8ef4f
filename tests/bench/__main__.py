"""``python -m tests.bench``: measure, print a table, write docs/benchmarks.{md,json}.

Every figure is a median of several runs, and every ratio is against a baseline measured in
the same run on the same machine, so the numbers travel between machines as ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.bench import engine, startup, window
from tests.bench.figures import Figure, median_of

FRAME = 1 / 60  # one frame at 60 Hz: the budget for work on the GUI thread


def measure(runs: int, quick: bool) -> list[Figure]:
    figures: list[Figure] = []
    startup.compile_sources()
    bare = median_of(runs, startup.bare_first_paint)
    first = median_of(runs, startup.tapdesk_first_paint)
    ready = median_of(runs, startup.tapdesk_ready)
    figures.append(
        Figure(
            "cold start to first window",
            first,
            "s",
            bare,
            "bare PySide6 window",
            "< 3x",
            first / bare < 3,
            runs,
        )
    )
    figures.append(
        Figure(
            "cold start to ready to issue",
            ready,
            "s",
            bare,
            "bare PySide6 window",
            "",
            None,
            runs,
            "signed in (token), policy read",
        )
    )
    trips = median_of(runs, window.issue_round_trips)
    figures.append(
        Figure(
            "Graph round trips, Issue click to pass on screen",
            trips,
            "requests",
            target="1",
            met=trips == 1,
            runs=runs,
            note="user and policy already loaded",
        )
    )
    client, bare_call = engine.issue_times(50 if quick else 200)
    figures.append(
        Figure(
            "client time per issue, zero latency",
            client,
            "s",
            bare_call,
            "demo tenant handler alone",
            "",
            None,
            50 if quick else 200,
            f"tapdesk's own overhead {1000 * (client - bare_call):.2f} ms",
        )
    )
    for latency in (1.0, 5.0):
        stall_runs = 1 if quick else (runs if latency <= 1 else 3)
        stall = median_of(stall_runs, lambda latency=latency: window.longest_stall(latency))
        figures.append(
            Figure(
                f"longest GUI-thread stall, {latency:.0f} s Graph latency",
                stall,
                "s",
                FRAME,
                "one 60 Hz frame",
                "< 50 ms",
                stall < 0.05,
                stall_runs,
                "search, select and issue; 5 ms heartbeat",
            )
        )
    qr_pass = engine.qr_render_seconds("Xy7+kQ2m")
    qr_url = engine.qr_render_seconds(
        "https://mysignins.microsoft.com/security-info?login_hint=ava.newhire%40northwind.example"
    )
    figures.append(
        Figure("QR render, pass payload", qr_pass, "s", FRAME, "one 60 Hz frame", "", None, 50)
    )
    figures.append(
        Figure(
            "QR render, sign-in URL payload", qr_url, "s", FRAME, "one 60 Hz frame", "", None, 50
        )
    )
    cycles = 10 if quick else 50
    bare_rss, start_rss, after_rss = engine.memory(cycles)
    figures.append(
        Figure("resident memory after start", start_rss, "MB", bare_rss, "bare PySide6 window")
    )
    figures.append(
        Figure(
            f"resident memory after {cycles} issue/revoke cycles",
            after_rss,
            "MB",
            start_rss,
            "tapdesk after start",
            "< 1.10x (no leak)",
            after_rss / start_rss < 1.10,
        )
    )
    busy = engine.polling_rate(20, 0)
    usual = engine.polling_rate(1, 19)
    budget = 3500 / 10  # smallest Graph identity bucket: 3,500 units per 10 s, 1 unit a list call
    figures.append(
        Figure(
            "polling load, 20 sessions on screen",
            busy,
            "req/s",
            budget,
            "Graph's smallest per-app bucket",
            "< 2% of bucket",
            busy / budget < 0.02,
        )
    )
    figures.append(
        Figure(
            "polling load, 1 session on screen + 19 open",
            usual,
            "req/s",
            budget,
            "Graph's smallest per-app bucket",
        )
    )
    return figures


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} {unit}" if value % 1 else f"{value:.0f} {unit}"


def table(figures: list[Figure]) -> str:
    rows = [
        "| figure | tapdesk | baseline | ratio | target | met | runs |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        base = f"{_fmt(f.baseline, f.unit)} ({f.baseline_name})" if f.baseline is not None else ""
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else ""
        met = "" if f.met is None else ("yes" if f.met else "**no**")
        name = f"{f.name}" + (f" ({f.note})" if f.note else "")
        rows.append(
            f"| {name} | {_fmt(f.value, f.unit)} | {base} | {ratio} | {f.target} | {met} | {f.runs} |"
        )
    return "\n".join(rows)


def environment() -> dict[str, str]:
    from PySide6 import __version__ as pyside

    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "pyside6": pyside,
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--quick", action="store_true", help="fewer runs and cycles")
    parser.add_argument("--out", type=Path, default=Path("docs"), help="where to write the report")
    args = parser.parse_args(argv)
    runs = 2 if args.quick else args.runs
    figures = measure(runs, args.quick)
    text = table(figures)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    env = environment()
    (args.out / "benchmarks.json").write_text(
        json.dumps({"environment": env, "figures": [f.as_dict() for f in figures]}, indent=2) + "\n"
    )
    (args.out / "benchmarks.md").write_text(
        "# Benchmarks\n\n"
        f"Measured {env['when']} on {env['machine']}, Python {env['python']}, PySide6 {env['pyside6']}, "
        f"with `python -m tests.bench`. Medians of the runs shown; ratios against baselines measured "
        f"in the same run.\n\n{text}\n"
    )
    return 0 if all(f.met is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
