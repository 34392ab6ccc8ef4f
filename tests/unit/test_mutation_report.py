"""The mutation report's own arithmetic and naming (python -m tests.mutation, docs/mutation.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mutation import reasons
from tests.mutation.reasons import Reason, reason_for
from tests.mutation.results import KILLED, NO_TESTS, SURVIVED, Mutant
from tests.mutation.writeup import _row


def mutant(name: str, status: str = SURVIVED) -> Mutant:
    return Mutant(name, status, Path("tapdesk/x.py"))


def test_a_mutant_names_its_package_and_function_as_a_reader_would() -> None:
    method = mutant("tapdesk.core.flows.xǁFlowǁstep__mutmut_2")
    private = mutant("tapdesk.core.checklist.x__clock_text__mutmut_6")
    module_level = mutant("tapdesk.config.x_read_file__mutmut_12")
    assert (method.package, method.function) == ("core", "tapdesk.core.flows.Flow.step")
    assert private.function == "tapdesk.core.checklist._clock_text"
    assert (module_level.package, module_level.function) == ("config", "tapdesk.config.read_file")


def test_the_score_counts_no_tests_as_alive_and_leaves_unchecked_out() -> None:
    mutants = [
        mutant("tapdesk.core.a.x_f__mutmut_1", KILLED),
        mutant("tapdesk.core.a.x_f__mutmut_2", KILLED),
        mutant("tapdesk.core.a.x_f__mutmut_3", SURVIVED),
        mutant("tapdesk.core.a.x_f__mutmut_4", NO_TESTS),
        mutant("tapdesk.core.a.x_f__mutmut_5", "not checked"),
    ]
    assert _row("core", mutants, 0.85) == "| core | 4 | 2 | 1 | 1 | 50.0% | 85% **not met** |"
    assert _row("core", mutants[:2], 0.85).endswith("| 100.0% | 85% met |")


def test_a_reason_covers_only_its_function_and_its_change(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        reasons,
        "REASONS",
        (Reason("tapdesk.core.flows.Flow.*", r"KeyError\(step_id\)", r"None", "why"),),
    )
    assert (
        reason_for(
            "tapdesk.core.flows.Flow.step", "raise KeyError(step_id)", "raise KeyError(None)"
        )
        == "why"
    )
    assert (
        reason_for("tapdesk.core.flows.Flow.step", "raise KeyError(step_id)", "raise KeyError(0)")
        is None
    )
    assert reason_for("tapdesk.core.roster.parse", "raise KeyError(step_id)", "None") is None
