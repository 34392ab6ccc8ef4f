"""The README's flow table, built from the flow files: which steps Microsoft documents.

``python -m tests.helpers.flow_table`` prints it; tests/unit/test_flow_sources.py checks that the
README holds exactly this, so a flow edit that changes a step's basis also changes the table.
"""

from __future__ import annotations

from collections.abc import Iterable

from tapdesk.core.flows import Flow, Step, load_flows
from tapdesk.runtime.resources import flows_dir

START = "<!-- flow-table: python -m tests.helpers.flow_table -->"
END = "<!-- /flow-table -->"


def basis(step: Step) -> str:
    if step.field_tested:
        fallback = any(line.cite for line in step.fallback)
        return "**field-tested only**" + (" (documented fallbacks in the step)" if fallback else "")
    if step.cite:
        details = any(line.field_tested for line in (*step.say, *step.caveats))
        return "documented (some details field-tested)" if details else "documented"
    return "your procedure"


def flow_table(flows: Iterable[Flow]) -> str:
    rows = ["| Flow | Step | Basis |", "|---|---|---|"]
    for flow in flows:
        for number, step in enumerate(flow.steps, 1):
            name = f"{flow.title} (`{flow.id}`)" if number == 1 else ""
            optional = " (optional)" if step.optional else ""
            rows.append(f"| {name} | {number}. {step.title}{optional} | {basis(step)} |")
    return "\n".join(rows)


def readme_block(flows: Iterable[Flow]) -> str:
    return f"{START}\n{flow_table(flows)}\n{END}"


if __name__ == "__main__":
    print(readme_block(load_flows(flows_dir())[0]))
