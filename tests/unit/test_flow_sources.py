"""Every sentence a technician reads says where it comes from (issue 17).

A line cites a Microsoft page, or says it is field-tested, or is tapdesk's own or the site's
procedure. The README's flow table is built from the files, so it cannot drift from them.
"""

from __future__ import annotations

from pathlib import Path

from tapdesk.core.flows import Flow, Line, StepKind, load_flows
from tapdesk.runtime.resources import flows_dir
from tests.helpers.flow_table import END, START, readme_block

FLOWS = load_flows(flows_dir())[0]
README = Path(__file__).resolve().parents[2] / "README.md"


def heeded(flow: Flow) -> list[tuple[str, Line]]:
    """The preconditions, caveats and fallbacks, each with where it is."""
    found = [(f"{flow.id} precondition", line) for line in flow.preconditions]
    found += [(f"{flow.id} caveat", line) for line in flow.caveats]
    for step in flow.steps:
        found += [(f"{flow.id}/{step.id} caveat", line) for line in step.caveats]
        found += [(f"{flow.id}/{step.id} fallback", line) for line in step.fallback]
    return found


def test_every_precondition_and_caveat_has_a_source() -> None:
    unsourced = [where for flow in FLOWS for where, line in heeded(flow) if not line.sourced]
    assert unsourced == []
    assert sum(len(heeded(flow)) for flow in FLOWS) > 60  # the rule ran over the real files


def test_every_step_is_documented_field_tested_or_the_sites_own_procedure() -> None:
    for flow in FLOWS:
        for step in flow.steps:
            procedure = step.kind is StepKind.MANUAL and step.id == "confirm-identity"
            assert step.cite or step.field_tested or procedure, f"{flow.id}/{step.id}"


def test_a_field_tested_step_offers_a_documented_fallback() -> None:
    tested = [(f, s) for f in FLOWS for s in f.steps if s.field_tested]
    assert [(f.id, s.id) for f, s in tested] == [("passkey-authenticator", "windows-oobe")]
    for _flow, step in tested:
        assert any(line.cite for line in step.fallback)
        assert any(line.field_tested for line in step.caveats)  # and says so where it is read


def test_the_readme_flow_table_is_the_one_the_files_give() -> None:
    text = README.read_text(encoding="utf-8")
    shown = text[text.index(START) : text.index(END) + len(END)]
    assert shown == readme_block(FLOWS), "run: python -m tests.helpers.flow_table"
    assert "| **field-tested only** (documented fallbacks in the step) |" in shown
