"""``python -m tests.mutation``: mutation testing with mutmut, written up in docs/mutation.md.

mutmut (configured in pyproject.toml) changes one thing at a time in the packages where the logic
lives and runs the tests that reach the changed function; a change no test notices "survives".
This command runs it from a clean ``mutants/`` folder, then writes the score per package and every
survivor with its reason (tests/mutation/reasons.py) or "no reason yet".

``--again`` keeps the last run's kills and runs only what could have changed since: its
survivors, and every mutant of a function whose source changed (new tests are traced first).
``--report`` only rewrites docs/mutation.md from the last results; ``--only core graph`` limits
a run to some packages (the report still covers every package with results), so a run can be
split over sittings. Not part of the CI test run: a full run of the 11,896 mutants took 30
minutes on a 2-core machine, ``--again`` after a round of new tests 4 to 13.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.mutation.results import NO_TESTS, PACKAGES, SURVIVED, Mutant, read_results
from tests.mutation.writeup import write_report

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "docs" / "mutation.md"
RUNS = ROOT / "mutants" / "tapdesk-runs.json"  # which runs the results in mutants/ come from


def source_state() -> str:
    """The commit the code was at, and whether the tree differed from it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    dirty = git("status", "--porcelain", "--", "tapdesk", "tests", "pyproject.toml")
    return (git("rev-parse", "--short", "HEAD") or "unknown") + (
        " + uncommitted changes" if dirty else ""
    )


def note_run(kind: str, seconds: float) -> None:
    runs = json.loads(RUNS.read_text(encoding="utf-8")) if RUNS.exists() else []
    finished = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    runs.append(
        {"kind": kind, "code": source_state(), "finished": finished, "minutes": round(seconds / 60)}
    )
    RUNS.write_text(json.dumps(runs, indent=1), encoding="utf-8")


def again_patterns(only: list[str]) -> list[str]:
    """The last run's survivors, and every mutant of a function edited since (mutmut itself
    regenerates an edited file and forgets the results of its changed functions)."""
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.mutation.file_mutation import mutate_file_contents
    from mutmut.utils.file_utils import walk_mutatable_files

    os.chdir(ROOT)
    mutants = read_results(only)
    # A module new since the last run has no results yet: all of its functions count as edited.
    wanted = set(only or PACKAGES)
    files = {Path(p) for p in walk_mutatable_files() if Path(p).parts[1].split(".")[0] in wanted}
    patterns = []
    for path in sorted({m.path for m in mutants} | files):
        data = SourceFileMutationData(path=path)
        data.load()
        now = mutate_file_contents(str(path), path.read_text(encoding="utf-8"))
        module = ".".join(path.with_suffix("").parts).removesuffix(".__init__")
        for function, digest in now.hash_by_function_name.items():
            if data.hash_by_function_name.get(function) != digest:
                patterns.append(f"{module}.{function}__mutmut_*")
    edited = {p.removesuffix("__mutmut_*") for p in patterns}
    patterns += [
        m.name
        for m in mutants
        if m.status in (SURVIVED, NO_TESTS) and m.name.rsplit("__mutmut_", 1)[0] not in edited
    ]
    return patterns


def run_mutmut(max_children: int, only: list[str], *, again: bool) -> None:
    """A fresh run, or ``again``: the survivors and edited functions only."""
    if again:
        patterns = again_patterns(only)
        if not patterns:
            return
    else:
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
        patterns = [f"tapdesk.{name}.*" for name in only]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    # mypy and pytest from this environment; mutmut looks for them on PATH.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children), *patterns],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"mutmut run failed (exit {done.returncode}); run it by hand to see why.")
    seconds = time.monotonic() - started
    kind = "--again" if again else "full run"
    note_run(f"{kind} of {', '.join(only)}" if only else kind, seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation", description=__doc__)
    parser.add_argument("--report", action="store_true", help="only rewrite docs/mutation.md")
    parser.add_argument("--again", action="store_true", help="rerun survivors and edited modules")
    parser.add_argument("--only", nargs="+", choices=PACKAGES, default=[], metavar="PACKAGE")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)

    if not args.report:
        run_mutmut(args.max_children, args.only, again=args.again)
    os.chdir(ROOT)  # mutmut reads its configuration and results relative to the project
    mutants: list[Mutant] = read_results([])  # --only limits the run, not the report
    if not mutants:
        raise SystemExit("No mutation results: run `python -m tests.mutation` first.")
    runs = json.loads(RUNS.read_text(encoding="utf-8")) if RUNS.exists() else []
    text = write_report(mutants, runs=runs, code=source_state())
    REPORT.write_text(text, encoding="utf-8")
    print(text.split("\n## Survivors", 1)[0])
    print(f"Written: {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
