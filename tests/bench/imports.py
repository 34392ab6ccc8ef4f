"""``python -X importtime`` of tapdesk's start-up, up to the first paint or to ready: the ten
imports that cost the most (their own time, without what they import)."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.bench import child
from tests.bench.startup import BARE, TAPDESK, _env

LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


@dataclass(frozen=True)
class Imported:
    module: str
    own_ms: float
    with_imports_ms: float


def parse(report: str) -> list[Imported]:
    found = []
    for line in report.splitlines():
        match = LINE.match(line)
        if match:
            own, total, _indent, name = match.groups()
            found.append(Imported(name, int(own) / 1000, int(total) / 1000))
    return found


def _run(script: str, env: dict[str, str]) -> list[Imported]:
    done = child.python(["-X", "importtime", "-c", script], what="import report", env=env)
    return parse(done.stderr)


def start_up_imports(until: str = "first-paint") -> list[Imported]:
    """The imports of ``tapdesk --demo`` until the first paint (or ``ready``), any thread, that
    the bare window does not make: what tapdesk adds."""
    with tempfile.TemporaryDirectory() as home:
        bare = {i.module for i in _run(BARE, _env(Path(home)))}
        extra = {"TAPDESK_QUIT_AFTER_FIRST_PAINT": "1"}
        if until == "ready":
            from tapdesk.demo import DemoTenant

            tenant = DemoTenant(state_path=Path(home) / "data" / "demo-tenant.json")
            extra = {"TAPDESK_QUIT_WHEN_READY": "1", "TAPDESK_ACCESS_TOKEN": tenant.access_token()}
        ours = _run(TAPDESK, _env(Path(home), **extra))
    return [i for i in ours if i.module not in bare]


def top(imported: list[Imported], count: int = 10) -> list[Imported]:
    return sorted(imported, key=lambda i: -i.own_ms)[:count]


def report(imported: list[Imported], count: int = 10) -> list[str]:
    lines = [
        f"{len(imported)} modules more than the bare window, "
        f"{sum(i.own_ms for i in imported):.0f} ms of import time"
    ]
    lines += [
        f"{i.own_ms:6.1f} ms own, {i.with_imports_ms:6.1f} ms with its imports: {i.module}"
        for i in top(imported, count)
    ]
    return lines
