"""docs/mutation.md: the score per package and every survivor with its reason."""

from __future__ import annotations

from collections import Counter
from importlib.metadata import version

from tests.mutation.reasons import reason_for
from tests.mutation.results import KILLED, NO_TESTS, PACKAGES, STRICT, SURVIVED, Mutant

TARGET_STRICT, TARGET_OVERALL = 0.85, 0.75


def _score(mutants: list[Mutant]) -> tuple[Counter[str], float]:
    counts = Counter(m.status for m in mutants if m.counted)
    total = sum(counts.values())
    return counts, (counts[KILLED] / total if total else 1.0)


def _row(name: str, mutants: list[Mutant], target: float) -> str:
    counts, score = _score(mutants)
    total = sum(counts.values())
    met = "met" if score >= target else "**not met**"
    return (
        f"| {name} | {total} | {counts[KILLED]} | {counts[SURVIVED]} | {counts[NO_TESTS]} "
        f"| {score:.1%} | {target:.0%} {met} |"
    )


def _code(text: str) -> str:
    """A Markdown code span that survives backticks in the code."""
    return f"`` {text} ``" if text else "(nothing)"


def write_report(mutants: list[Mutant], *, runs: list[dict[str, object]], code: str) -> str:
    """``runs``: the runs the results come from, oldest first; ``code``: the code reported on."""
    by_package = {p: [m for m in mutants if m.package == p] for p in PACKAGES}
    ran = [p for p in PACKAGES if any(m.counted for m in by_package[p])]
    lines = [
        "# Mutation testing",
        "",
        "Written by `python -m tests.mutation` (mutmut, configured in pyproject.toml). Each mutant",
        "changes one thing in the code; the tests that reach that function run against it. A",
        "mutant is killed when a test fails, hangs, or mypy --strict rejects it; it survives when",
        "every test passes. Score = killed / (killed + survived + no tests).",
        "",
        f"mutmut {version('mutmut')}, two workers, on a 2-core machine. The results come from:",
        "",
        *[
            f"- {run['kind']} on {run['code']}, finished {run['finished']}, {run['minutes']} min"
            for run in runs
        ],
        "",
        f"Diffs and reasons below are read against the code at {code}.",
        "",
        "| package | mutants | killed | survived | no tests | score | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for package in ran:
        target = TARGET_STRICT if package in STRICT else TARGET_OVERALL
        lines.append(_row(package, by_package[package], target))
    strict = [m for m in mutants if m.package in STRICT]
    lines.append(_row("core+graph+auth+store+config", strict, TARGET_STRICT))
    lines.append(_row("overall", mutants, TARGET_OVERALL))
    unexplained = 0
    lines += ["", "## Survivors", "", "Each mutant no test notices, with why that is accepted."]
    for package in ran:
        alive = [m for m in by_package[package] if m.status in (SURVIVED, NO_TESTS)]
        if not alive:
            continue
        lines += ["", f"### {package} ({len(alive)})", ""]
        for mutant in alive:
            removed, added = mutant.change()
            why = reason_for(mutant.function, removed, added)
            if why is None:
                unexplained += 1
                why = "**no reason yet**"
            status = "" if mutant.status == SURVIVED else f" ({mutant.status})"
            lines.append(f"- {mutant.function}{status}: {_code(removed)} → {_code(added)}. {why}")
    lines.insert(lines.index("## Survivors") + 3, f"\nSurvivors with no reason: {unexplained}.")
    return "\n".join(lines) + "\n"
