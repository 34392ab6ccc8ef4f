"""Fixtures shared by the unit tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tapdesk.runtime.paths import AppPaths


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    """Every tapdesk folder under the test's own folder (as TAPDESK_HOME does)."""
    return AppPaths.default({"TAPDESK_HOME": str(tmp_path)})
