"""Fail closed: with the database locked by another process no pass is issued; a site file at
the system location may allow issuing without the trail, and then the command says so."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from tapdesk.errors import ExitCode
from tests.helpers.cli import AVA, Cli
from tests.helpers.files import write


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    made = Cli(tmp_path / "home")
    made("--demo", "status", AVA)  # creates the database
    return made


@contextmanager
def locked(cli: Cli) -> Iterator[None]:
    """Another process holds the database's write lock for the whole command."""
    holder = sqlite3.connect(cli.paths.data_dir / "tapdesk.db", timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


@pytest.mark.slow
def test_a_locked_database_means_no_pass(cli: Cli) -> None:
    with locked(cli):
        run = cli("--demo", "issue", AVA)
    assert run.code == ExitCode.ERROR
    assert "No pass was issued" in run.err or "not available" in run.err
    assert "is locked" in run.err or "another" in run.err.lower()
    assert cli.tenant.users[AVA].tap is None
    assert run.out == ""


@pytest.mark.slow
def test_the_site_may_allow_it_and_the_command_says_the_trail_is_off(cli: Cli) -> None:
    write(cli.paths.site_file, "[audit]\nallow_issue_without_trail = true\n")
    cli.paths = replace(cli.paths, site_moved_by=None)  # as if at the system location
    with locked(cli):
        run = cli("--demo", "issue", AVA)
    assert run.code == 0, run.err
    assert "audit trail is off" in run.err
    assert cli.tenant.users[AVA].tap is not None


def test_a_moved_site_file_cannot_switch_the_trail_off(cli: Cli) -> None:
    write(cli.paths.site_file, "[audit]\nallow_issue_without_trail = true\n")
    run = cli("--demo", "issue", AVA)
    assert run.code == ExitCode.CONFIG
    assert "allow_issue_without_trail" in run.err and cli.tenant.users[AVA].tap is None


def test_a_refusal_before_anything_is_sent_is_on_record(cli: Cli) -> None:
    carl = "carl.disabled@northwind.example"
    refused = cli("--demo", "issue", carl)
    assert refused.code == ExitCode.POLICY
    [record] = cli("--demo", "audit", "--json").json()
    assert (record["Event"], record["User"], record["Pass id"]) == ("refuse", carl, "")
    assert record["Error code"] == "disabled" and "disabled" in record["Detail"]
