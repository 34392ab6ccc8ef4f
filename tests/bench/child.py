"""A Python child for a benchmark: this interpreter, run from the repository, its output kept.
Every figure that needs a fresh process (start-up, memory, a stall scenario) starts one here."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def python(
    args: list[str],
    *,
    what: str,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
    expect: str = "",
) -> subprocess.CompletedProcess[str]:
    """Run ``python *args``; a failed run (or one whose output lacks ``expect``) raises with the
    end of its error output."""
    done = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ if env is None else env),
        cwd=ROOT,
    )
    if done.returncode != 0 or expect not in done.stdout:
        raise RuntimeError(f"{what} failed: {done.stderr[-800:]}")
    return done
