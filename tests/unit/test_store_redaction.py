"""The store is where free text is cleaned: whatever route a reason, a step's evidence or an
audit detail took, the row an auditor reads holds "[pass removed]" where a shown pass was."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from tapdesk.core.audit import AuditKind, IntentState
from tapdesk.core.checklist import Checklist
from tapdesk.core.models import AuthMethod, MethodKind, PassCode, TemporaryAccessPass
from tapdesk.core.redaction import REMOVED, ShownPasses
from tapdesk.store import Store
from tests.helpers.clock import START, FakeClock
from tests.unit.test_store import EVER, db_path, event, passkey_flow
from tests.unit.test_store_rows import _intent

VALUE = "lX2qcjW8"
GROUPED = "lX2q cjW8"  # as the pass panel and the CLI show it


@pytest.fixture
def shown() -> ShownPasses:
    passes = ShownPasses()
    passes.remember(PassCode(VALUE))
    return passes


@pytest.fixture
def store(tmp_path: Path, shown: ShownPasses) -> Iterator[Store]:
    path = db_path(tmp_path)
    path.parent.mkdir(parents=True)
    opened = Store.open(path, shown=shown)
    yield opened
    opened.close()


def rows(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    """What an auditor with sqlite3 sees, past every tapdesk reader."""
    raw = sqlite3.connect(db_path(tmp_path))
    try:
        return [tuple(r) for r in raw.execute(sql).fetchall()]
    finally:
        raw.close()


def unredacting_session() -> Checklist:
    """A checklist that knows no pass (its own registry is empty): only the store stands between
    its text and the database."""
    checklist = Checklist.start(
        passkey_flow(), user_id="u-ava", upn="ava@contoso.example",
        technician="tess@contoso.example", session_id="s1", clock=FakeClock(),
        shown=ShownPasses(),
    )  # fmt: skip
    checklist.tick("confirm-identity")
    tap = TemporaryAccessPass("tap-1", START, None, 60, True, True, code=PassCode(VALUE))
    checklist.pass_issued(tap, [AuthMethod("pw", MethodKind.PASSWORD)])
    return checklist


def test_a_session_and_its_events_are_stored_without_the_pass(store: Store, tmp_path: Path) -> None:
    checklist = unredacting_session()
    checklist.override("add-account", f"she read {GROUPED} aloud")
    checklist.override("create-passkey", f"typed {VALUE.upper()} then {VALUE.lower()}")
    snapshot = checklist.snapshot()
    # Evidence is Graph's text: the store cleans it too.
    steps = tuple(
        replace(r, evidence="device lX2q-cjW8 seen") if r.step_id == "add-account" else r
        for r in snapshot.steps
    )
    store.save_session(replace(snapshot, steps=steps), checklist.drain_events())

    stored = store.session("s1")
    assert stored is not None
    kept = {r.step_id: (r.reason, r.evidence) for r in stored.steps}
    assert kept["add-account"] == (f"she read {REMOVED} aloud", f"device {REMOVED} seen")
    assert kept["create-passkey"] == (f"typed {REMOVED} then {REMOVED}", "")
    assert rows(tmp_path, "SELECT reason, evidence FROM session_steps WHERE reason != ''") == [
        (f"she read {REMOVED} aloud", f"device {REMOVED} seen"),
        (f"typed {REMOVED} then {REMOVED}", ""),
    ]
    overrides = [r.event.detail for r in store.audit(*EVER) if r.event.kind is AuditKind.OVERRIDE]
    assert overrides == [f"she read {REMOVED} aloud", f"typed {REMOVED} then {REMOVED}"]
    assert rows(tmp_path, "SELECT detail FROM audit ORDER BY id") == [
        ("",),  # the identity check
        ("issued",),  # text without the pass is kept as it was
        (f"she read {REMOVED} aloud",),
        (f"typed {REMOVED} then {REMOVED}",),
    ]


def test_audit_records_written_directly_are_stored_without_the_pass(
    store: Store, tmp_path: Path
) -> None:
    """The issuer's own records (a revoke's reason, a refusal's detail) take other routes."""
    later = START + timedelta(minutes=1)
    store.record_audit(event(START, kind=AuditKind.REVOKE, detail=f"never shown: {GROUPED}"))
    store.begin_intent(_intent(pass_id=""))
    store.finish_intent(
        "i-1", IntentState.DONE, at=later, pass_id="tap-1",
        events=[event(later, detail=f"Graph said LX2Q-CJW8 was refused; {VALUE[:-1]}9 was not")],
    )  # fmt: skip
    assert rows(tmp_path, "SELECT detail FROM audit ORDER BY id") == [
        (f"never shown: {REMOVED}",),
        (f"Graph said {REMOVED} was refused; lX2qcjW9 was not",),  # one character off: kept
    ]
    assert [r.event.detail for r in store.audit(*EVER)] == [
        f"never shown: {REMOVED}",
        f"Graph said {REMOVED} was refused; lX2qcjW9 was not",
    ]
