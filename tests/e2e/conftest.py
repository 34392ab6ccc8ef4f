"""Fixtures the end-to-end CLI tests share: a CLI on a fresh demo tenant, a pinned time zone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.cli import Cli
from tests.helpers.clock import local_zone


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home")


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local times print in the machine's zone: pin it to UTC for exact lines."""
    yield from local_zone(monkeypatch, "UTC")
