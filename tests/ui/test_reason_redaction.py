"""A reason typed in the window keeps no pass, the way a technician would type one: grouped as
on screen, in another case, with dashes, or a pass this run showed earlier and has forgotten.
Checked where an auditor looks: the session's steps and the audit rows in the database."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from tapdesk.core.audit import AuditKind
from tapdesk.core.redaction import REMOVED, SHOWN_PASSES
from tapdesk.ui.window.main_window import MainWindow
from tests.helpers.demo import UPN
from tests.helpers.qt import WAIT_MS, confirm
from tests.helpers.walk import contents
from tests.ui.onboarding_helpers import FLOWS, onboarding_window, row, settle, start_flow
from tests.unit.test_store import EVER

AVA = UPN["ava.newhire"]


def answer(qtbot: Any, window: MainWindow, text: str) -> None:
    dialog = window.guide.reason_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.text.setPlainText(text)
    dialog.ok_button.click()
    settle(qtbot, window)


def override(qtbot: Any, window: MainWindow, step_id: str, text: str) -> None:
    row(window, step_id).override_button.click()
    answer(qtbot, window, text)


def shown_groups(window: MainWindow) -> list[str]:
    """The pass as the panel shows it: groups of four (the value may hold '-' or '+')."""
    return window.passes.code_label.plain_text().split(" ")


def near_miss(value: str) -> str:
    """The pass with its last letter or digit changed: same length, one character off."""
    at = max(i for i, c in enumerate(value) if c.isalnum())
    old = value[at]
    new = str((int(old) + 1) % 10) if old.isdigit() else ("7" if old.casefold() != "7" else "8")
    return value[:at] + new + value[at + 1 :]


def folded(text: str) -> str:
    return "".join(c.casefold() for c in text if c.isalnum())


def pass_in_checklist(qtbot: Any, window: Any) -> tuple[Any, list[str]]:
    """Ava's passkey checklist, her identity ticked and a pass issued from it: the session and
    the pass's groups as shown."""
    session = start_flow(qtbot, window, AVA, FLOWS["passkey-authenticator"])
    row(window, "confirm-identity").tick_button.click()
    row(window, "issue-pass").issue_button.click()
    qtbot.waitUntil(lambda: window.passes.has_value, timeout=WAIT_MS)
    settle(qtbot, window)
    return session, shown_groups(window)


def test_reasons_are_stored_without_any_pass_shown_in_this_run(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    window = onboarding_window(qtbot, tenant, clock, home)
    session, groups = pass_in_checklist(qtbot, window)
    first = "".join(groups)

    override(qtbot, window, "add-account", f"She read {' '.join(groups)} aloud from the screen")
    override(
        qtbot,
        window,
        "create-passkey",
        f"typed {first.lower()}, then {first.upper()}, then {'-'.join(groups)}",
    )
    override(qtbot, window, "windows-oobe", "Windows setup done at desk 4 (ticket INC-0042)")

    # A replacement: the first pass leaves the panel, and with it the only copy of its value.
    window.passes.replace_button.click()
    confirm(qtbot, window)
    qtbot.waitUntil(
        lambda: window.passes.has_value and "".join(shown_groups(window)) != first,
        timeout=WAIT_MS,
    )
    settle(qtbot, window)
    second = "".join(shown_groups(window))
    window.guide.panel.close_button.click()
    answer(
        qtbot,
        window,
        f"Old pass {' '.join(groups).upper()} lost; close to it: {near_miss(first)}; "
        f"new one {second.lower()}",
    )
    assert session.closed

    expected = {
        "add-account": f"She read {REMOVED} aloud from the screen",
        "create-passkey": f"typed {REMOVED}, then {REMOVED}, then {REMOVED}",
        "windows-oobe": "Windows setup done at desk 4 (ticket INC-0042)",  # untouched
    }
    abandon = f"Old pass {REMOVED} lost; close to it: {near_miss(first)}; new one {REMOVED}"
    store = window.backend.services().store
    assert store is not None
    stored = store.session(session.session_id)
    assert stored is not None
    assert {r.step_id: r.reason for r in stored.steps if r.reason} == expected
    audit = [r.event for r in store.audit(*EVER) if r.event.session_id == session.session_id]
    said = {AuditKind.OVERRIDE, AuditKind.ABANDON}
    assert [e.detail for e in audit if e.kind in said] == [*expected.values(), abandon]

    raw = sqlite3.connect(home / "data" / "tapdesk.db")
    try:
        steps = raw.execute("SELECT reason FROM session_steps WHERE reason != ''").fetchall()
        details = raw.execute("SELECT detail FROM audit WHERE detail != ''").fetchall()
    finally:
        raw.close()
    assert sorted(r for (r,) in steps) == sorted(expected.values())
    assert [*expected.values(), abandon] == [
        d for (d,) in details if d not in ("issued", "replacement")
    ]
    for (text,) in [*steps, *details]:
        assert folded(first) not in folded(text) and folded(second) not in folded(text)


def test_the_registry_keeps_no_pass_value_once_the_panel_forgets_it(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Path
) -> None:
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    _session, groups = pass_in_checklist(qtbot, window)
    value = "".join(groups)
    window.passes.forget_pass("test")
    assert not window.passes.has_value

    forms = {value, value.casefold(), folded(value), " ".join(groups), "".join(groups).upper()}
    seen = contents(vars(SHOWN_PASSES))
    texts = [v for v in seen if isinstance(v, str)]
    blobs = [v for v in seen if isinstance(v, bytes)]
    assert blobs  # the digests are there to be searched
    assert not any(form in text for form in forms for text in texts)
    assert not any(form.encode() in blob for form in forms for blob in blobs)
    assert value not in repr(SHOWN_PASSES) and "passes" in repr(SHOWN_PASSES)
    # ...and it still knows the pass when it is typed.
    assert SHOWN_PASSES.redact(f"it was {' '.join(groups).lower()}") == f"it was {REMOVED}"
