"""The roster pre-check's own words: each finding a queue row shows when a person or a file
cannot be read, exactly as the technician reads it, and what the log keeps for IT."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tapdesk.core.readiness import Finding, Severity
from tapdesk.core.roster import RosterError
from tapdesk.demo import DEMO_GRAPH_URL, DemoTenant, Fault
from tapdesk.errors import SignInRequired, Throttled
from tapdesk.graph.client import GraphClient
from tapdesk.graph.retry import NO_RETRY
from tapdesk.workflows import precheck
from tapdesk.workflows.precheck import check_person, read_roster
from tests.helpers.clock import FakeClock
from tests.helpers.demo import UPN

AVA = UPN["ava.newhire"]
AGAIN = "Check again. If it keeps happening, send the log file to your IT team."


@pytest.fixture
def graph(tenant: DemoTenant, clock: FakeClock) -> Iterator[GraphClient]:
    token = tenant.access_token()
    client = GraphClient(
        DEMO_GRAPH_URL,
        lambda force_refresh=False: token,
        transport=tenant.transport(),
        clock=clock,
        retry=NO_RETRY,
    )
    yield client
    client.close()


class Exploding:
    """A Graph client whose ``fail_on`` call raises a foreign (non-tapdesk) error."""

    def __init__(self, fail_on: str, real: GraphClient) -> None:
        self._fail_on = fail_on
        self._real = real

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        if name == self._fail_on:

            def boom(*args: object, **kwargs: object) -> None:
                raise RuntimeError("boom")

            return boom
        return getattr(self._real, name)


def test_a_missing_account_says_so_and_what_to_check(graph, clock) -> None:
    result = check_person(graph, "nobody@northwind.example", None, clock=clock)
    assert result.findings == (
        Finding(
            "not-found",
            Severity.BLOCKS,
            "No such account in the directory.",
            "Check the spelling with HR. A brand-new account can take a few minutes to "
            "appear: check again later.",
        ),
    )


def test_an_account_graph_would_not_show_is_named_with_graphs_words_and_hint(
    graph, tenant, clock
) -> None:
    tenant.inject(Fault.throttle("5", times=1, path_contains="/users/"))
    with pytest.raises(Throttled) as direct:
        graph.get_user(AVA)  # what Graph's refusal says on its own
    tenant.inject(Fault.throttle("5", times=1, path_contains="/users/"))
    [finding] = check_person(graph, AVA, None, clock=clock).findings
    assert (finding.code, finding.severity, finding.hint) == (
        "error",
        Severity.BLOCKS,
        direct.value.hint,
    )
    assert finding.hint.startswith("Try again after ")
    assert finding.text.startswith(
        "Could not check the account: Microsoft Graph is throttling. "
        + direct.value.message
        + " (request-id "
    )


def test_a_failed_read_is_one_finding_not_also_an_unknown_policy_target(graph, clock) -> None:
    """The targets read failed: the row says that once, not "could not check" twice."""
    policy = graph.get_tap_policy()
    result = check_person(Exploding("user_in_policy_scope", graph), AVA, policy, clock=clock)
    assert [f.code for f in result.findings] == ["error"]
    assert result.findings[0] == Finding(
        "error",
        Severity.BLOCKS,
        "Could not check the pass policy's targets: an unexpected problem (RuntimeError).",
        AGAIN,
    )


def test_an_unexpected_error_on_the_account_is_named_by_type(graph, clock) -> None:
    result = check_person(Exploding("get_user", graph), AVA, None, clock=clock)
    assert result.findings == (
        Finding(
            "error",
            Severity.BLOCKS,
            "Could not check the account: an unexpected problem (RuntimeError).",
            AGAIN,
        ),
    )


def test_the_log_keeps_the_type_and_a_readable_traceback_for_it(graph, clock, caplog) -> None:
    with caplog.at_level(logging.ERROR, logger="tapdesk.workflows.precheck"):
        check_person(Exploding("list_taps", graph), AVA, None, clock=clock)
    [record] = [r for r in caplog.records if r.name == "tapdesk.workflows.precheck"]
    first, *frames = record.getMessage().splitlines()
    assert first == "unexpected RuntimeError while pre-checking"
    assert frames and all(line.startswith("  ") for line in frames)
    assert any("in boom" in line for line in frames)


def test_a_sign_in_that_ends_midway_marks_the_row_and_reads_nothing_more(
    graph, tenant, clock
) -> None:
    policy = graph.get_tap_policy()
    token = tenant.access_token()
    calls: list[int] = []

    def once(force_refresh: bool = False) -> str:
        calls.append(1)
        if len(calls) > 1:
            raise SignInRequired("Your sign-in has expired.")
        return token

    ending = GraphClient(DEMO_GRAPH_URL, once, transport=tenant.transport(), clock=clock)
    result = check_person(ending, AVA, policy, clock=clock)
    ending.close()
    assert result.user is not None and result.needs_sign_in
    assert [f.code for f in result.findings] == ["error"]
    assert result.facts is not None and not result.facts.tap_known  # the pass was not read


# --- the roster file ---------------------------------------------------------------------------
def test_a_roster_too_large_asks_whether_it_is_the_right_file(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(b"UPN\n" + b"x" * 5_000_001)
    with pytest.raises(RosterError) as caught:
        read_roster(big)
    assert (caught.value.message, caught.value.hint) == (
        "big.csv is larger than 5 MB.",
        "Is it the right file?",
    )


def test_a_folder_chosen_as_the_roster_asks_for_the_csv_itself(tmp_path: Path) -> None:
    folder = tmp_path / "day.csv"
    folder.mkdir()
    with pytest.raises(RosterError) as caught:
        read_roster(folder)
    assert (caught.value.message, caught.value.hint) == (
        "day.csv is a folder, not a regular file.",
        "Choose the roster itself: a CSV file saved from Excel.",
    )


def test_a_missing_roster_says_why_it_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(RosterError) as caught:
        read_roster(tmp_path / "missing.csv")
    assert (caught.value.message, caught.value.hint) == (
        "Cannot read missing.csv: No such file or directory.",
        "Check that the file exists and is not open in another program.",
    )


def test_an_os_error_without_words_is_named_by_its_type(tmp_path, monkeypatch) -> None:
    def refuse(path: Path, limit: int) -> bytes:
        raise PermissionError()  # some platforms give no strerror

    monkeypatch.setattr(precheck, "read_bounded", refuse)
    with pytest.raises(RosterError) as caught:
        read_roster(tmp_path / "day.csv")
    assert caught.value.message == "Cannot read day.csv: PermissionError."
