"""Every row of the fault matrix names tests that exist (so the report cannot drift)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.proof.matrix import FUZZ, HYGIENE, ROWS

ROOT = Path(__file__).resolve().parents[2]


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        n.name
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")
    }


def test_every_matrix_row_names_tests_that_exist() -> None:
    for row in ROWS:
        assert row.tests, row.fault
        for node in row.tests:
            file, _, name = node.partition("::")
            assert name in _test_names(ROOT / file), f"{row.fault}: {node} does not exist"


def test_every_hygiene_and_fuzz_claim_names_tests_that_exist() -> None:
    for check in (*HYGIENE, *FUZZ):
        assert check.tests, check.claim
        for node in check.tests:
            file, _, name = node.partition("::")
            assert name in _test_names(ROOT / file), f"{check.claim}: {node} does not exist"
