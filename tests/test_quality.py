"""Lint, types and layering run inside the test command, so CI and a laptop agree."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    tool = BIN / cmd[0]
    exe = str(tool) if tool.exists() else shutil.which(cmd[0])
    if exe is None:
        pytest.fail(f"{cmd[0]} is not installed: pip install -e '.[dev]'")
    return subprocess.run([exe, *cmd[1:]], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_lint() -> None:
    result = _run("ruff", "check", "tapdesk", "tests", "packaging")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = _run("ruff", "format", "--check", "tapdesk", "tests", "packaging")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_where_logic_lives() -> None:
    result = _run("mypy", "tapdesk")
    assert result.returncode == 0, result.stdout + result.stderr


def test_layers() -> None:
    result = _run("lint-imports")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = (
        'python3 -m venv .venv && .venv/bin/pip install -e ".[dev]" && .venv/bin/python -m pytest'
    )
    assert command in readme.split("\n## ")[0], "README's first screen must give the test command"
    assert command in ci


def _import_cycles(package: str) -> list[list[str]]:
    """Strongly connected groups of modules (type-checking imports count: they are imports)."""
    import grimp

    graph = grimp.build_graph(package)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_import_circle_anywhere_in_tapdesk() -> None:
    assert _import_cycles("tapdesk") == []


UI = Path(__file__).resolve().parents[1] / "tapdesk" / "ui"


def _ui_calls(name: str) -> list[tuple[str, ast.Call]]:
    found = []
    for path in sorted(UI.rglob("*.py")):
        if path.name == "text.py" and path.parent == UI:
            continue  # the one module that may use QLabel and tooltips directly
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    found.append((f"{path.relative_to(UI)}:{node.lineno}", node))
    return found


def test_no_label_guesses_between_plain_and_rich_text() -> None:
    """Qt's QLabel renders anything that looks like HTML: every label is ui.text's Label (plain)
    or RichLabel (our markup, outside values through esc)."""
    assert [where for where, _ in _ui_calls("QLabel")] == []


def _literal_or_plain(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.IfExp):
        return _literal_or_plain(node.body) and _literal_or_plain(node.orelse)
    return isinstance(node, ast.Call) and getattr(node.func, "id", "") == "plain_tip"


def test_every_tooltip_is_our_words_or_plain_tip() -> None:
    """A tooltip that looks like HTML is rendered: anything not a literal goes through plain_tip."""
    loose = [
        where for where, call in _ui_calls("setToolTip") if not _literal_or_plain(call.args[0])
    ]
    assert loose == []
