"""Fixtures shared by the unit tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tapdesk.demo import DemoTenant
from tapdesk.runtime.paths import AppPaths
from tests.helpers.demo import ScriptedBrowser


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    """Every tapdesk folder under the test's own folder (as TAPDESK_HOME does)."""
    return AppPaths.default({"TAPDESK_HOME": str(tmp_path)})


@pytest.fixture
def http(tenant: DemoTenant) -> Iterator[httpx.Client]:
    """An HTTP client on the test's demo tenant (sign-in pages, token endpoint, Graph)."""
    with httpx.Client(transport=tenant.transport()) as client:
        yield client


@pytest.fixture
def browser(http: httpx.Client) -> Iterator[ScriptedBrowser]:
    """Stands in for the system browser: completes a browser sign-in on the test's tenant."""
    scripted = ScriptedBrowser(http)
    yield scripted
    scripted.join()
