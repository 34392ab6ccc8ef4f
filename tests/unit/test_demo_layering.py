"""tapdesk.demo stays below the front ends: no Qt, UI, CLI, app, or real Graph/auth layers."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = (
    "PySide6",
    "tapdesk.ui",
    "tapdesk.cli",
    "tapdesk.app",
    "tapdesk.graph",
    "tapdesk.auth",
)


def test_demo_sources_import_nothing_forbidden() -> None:
    for path in (ROOT / "tapdesk" / "demo").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"


def test_importing_demo_loads_no_forbidden_module() -> None:
    code = (
        "import sys, tapdesk.demo\n"
        f"bad = [m for m in sys.modules if m.startswith({FORBIDDEN!r})]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
