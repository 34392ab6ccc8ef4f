"""One verdict per person everywhere: the user card, the roster pre-check and ``tapdesk issue``.

Every demo person (and an internal guest) is judged by all three surfaces against one tenant and
one technician; what blocks and what warns must agree, and the CLI must refuse what blocks with
the rule's exit code before a pass is created.
"""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest

from tapdesk.app.main import main
from tapdesk.core.readiness import RULES, Finding, Severity
from tapdesk.demo import DEMO_TECHNICIAN_UPN, DemoTenant
from tapdesk.demo.seed import SEED_USERS
from tapdesk.runtime.paths import AppPaths
from tapdesk.workflows.precheck import check_person
from tests.helpers.qt import open_user

DOMAIN = "northwind.example"
PEOPLE = [f"{s.alias}@{DOMAIN}" for s in SEED_USERS if not s.replicating]
INTERNAL_GUEST = f"ines.guest@{DOMAIN}"


def _verdict(found: list[Finding] | tuple[Finding, ...]) -> dict[str, set[str]]:
    return {
        "blocks": {f.code for f in found if f.severity is Severity.BLOCKS},
        "warns": {f.code for f in found if f.severity is Severity.WARNING},
    }


def _no_network(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("no network in tests", request=request)


def _passes_created(tenant: DemoTenant) -> int:
    return sum(1 for r in tenant.requests if r[0] == "POST" and "temporaryAccessPass" in r[1])


def _cli_issue(tenant: DemoTenant, clock, home: Path, upn: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    env = {"TAPDESK_HOME": str(home), "TAPDESK_ACCESS_TOKEN": tenant.access_token()}
    code = main(
        ["--demo", "issue", upn],
        env=env,
        paths=AppPaths.default(env),
        clock=clock,
        demo_tenant=tenant,
        transport=httpx.MockTransport(_no_network),
        stdout=out,
        stderr=err,
    )
    return code, err.getvalue()


def test_card_roster_and_cli_give_every_person_the_same_verdict(
    qtbot, window, tenant: DemoTenant, clock, tmp_path: Path
) -> None:
    tenant.add_user("ines.guest", "Ines", "Guest", internal_guest=True)
    clock.advance(31)  # the search index lags behind a direct GET (demo: 30 s)
    people = [*PEOPLE, INTERNAL_GUEST]
    policy = window.policy
    assert policy is not None and window.technician is not None
    assert window.technician.username == DEMO_TECHNICIAN_UPN

    seen: dict[str, dict[str, set[str]]] = {}
    texts: dict[tuple[str, str], str] = {}
    for upn in people:
        open_user(qtbot, window, upn.split("@")[0], upn)
        card = _verdict(window._problems)
        assert set(window.card.problem_codes()) == {f.code for f in window._problems}
        assert window.form.can_issue is not card["blocks"], upn
        roster = check_person(
            window.backend.services().graph, upn, policy, clock=clock, technician=window.technician
        )
        assert _verdict(roster.findings) == card, upn
        assert roster.problem is bool(card["blocks"]), upn
        seen[upn] = card
        texts.update({(upn, f.code): f.text for f in roster.findings})

    # The demo people cover every blocking rule the directory can show, and the guest kinds.
    blocked = {code for verdict in seen.values() for code in verdict["blocks"]}
    assert blocked >= {"disabled", "external-guest", "self-target", "out-of-scope"}
    assert seen[INTERNAL_GUEST] == {"blocks": set(), "warns": set()}

    for upn in people:  # after the window and the roster: the CLI creates passes
        before = _passes_created(tenant)
        code, err = _cli_issue(tenant, clock, tmp_path / "cli", upn)
        blocks = seen[upn]["blocks"]
        if blocks:
            exits = {RULES[b].exit_code for b in blocks}
            assert code in exits, (upn, code, err)
            assert _passes_created(tenant) == before, upn  # refused before sending
        else:
            # Entra has the last word on warnings (alex.admin: 403 for this technician).
            assert code in (0, 5), (upn, code, err)
            assert _passes_created(tenant) == before + 1, upn
        for warning in seen[upn]["warns"]:  # printed before Graph answers
            assert texts[upn, warning] in err, (upn, warning, err)


@pytest.mark.parametrize(
    ("alias", "words"),
    [
        ("carl.disabled", "The account is disabled"),
        ("gina_fabrikam.example#EXT#", "external guest"),
    ],
)
def test_the_cli_refuses_what_the_card_blocks_without_creating_a_pass(
    tenant: DemoTenant, clock, tmp_path: Path, alias: str, words: str
) -> None:
    upn = f"{alias}@{DOMAIN}"
    code, err = _cli_issue(tenant, clock, tmp_path, upn)
    assert code == 7, err
    assert _passes_created(tenant) == 0
    last = err.splitlines()[-1]
    assert last.startswith("tapdesk: ") and f"{upn}: " in last and words in last
