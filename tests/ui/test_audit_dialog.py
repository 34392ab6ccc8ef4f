"""The audit dialog: the Issuer's records for a date range, the step in its own column, CSV
export, store errors inline, fresh records each time it is opened."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest

from tapdesk.core.audit import AuditEvent, AuditKind
from tapdesk.store import DatabaseLocked, DiskFull, Store
from tapdesk.ui import theme
from tapdesk.ui.theme import Tone
from tapdesk.ui.tools.audit_dialog import HEADERS, AuditDialog, day_range
from tests.helpers.demo import UPN
from tests.helpers.qt import WAIT_MS, confirm, issue, open_user, seen, wait_idle
from tests.ui.roster_helpers import with_store


def loaded(qtbot, dialog: AuditDialog) -> None:
    qtbot.waitUntil(lambda: "record" in dialog.count.text(), timeout=WAIT_MS)


def col(name: str) -> int:
    return HEADERS.index(name)


def cells(dialog: AuditDialog) -> list[list[str]]:
    table = dialog.table
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


@pytest.fixture
def store_window(make_window, tmp_path):
    window = make_window()
    store = with_store(window, tmp_path / "tapdesk.db")
    yield window, store
    store.close()


def test_issue_and_revoke_from_the_window_are_listed_and_exported(
    store_window, qtbot, tmp_path
) -> None:
    window, store = store_window
    open_user(qtbot, window, "ava", UPN["ava.newhire"])
    window.form.one_time.setChecked(True)
    issue(qtbot, window)
    pass_id = window.passes.tap.id
    window.revoke()
    confirm(qtbot, window)
    wait_idle(qtbot, window)

    dialog = window.day_tools.open_audit()
    loaded(qtbot, dialog)
    assert dialog.windowTitle() == "tapdesk: audit trail · Demo tenant"  # this tenant's only
    rows = cells(dialog)
    # The recommended path: who the new hire is was confirmed before the pass, and says so.
    assert [r[col("Action")] for r in rows] == ["Confirmed step", "Issued pass", "Revoked pass"]
    _confirmed, issued, revoked = rows
    assert issued[col("Technician")] == "tess.tech@northwind.example"
    assert issued[col("Target")] == revoked[col("Target")] == UPN["ava.newhire"]
    assert issued[col("Pass id")] == revoked[col("Pass id")] == pass_id
    assert (issued[col("Lifetime")], issued[col("One-time")]) == ("60 min", "yes")
    assert dialog.count.text().startswith("3 records, ")

    target = tmp_path / "export" / "audit.csv"
    target.parent.mkdir()
    dialog.choose_path = lambda parent, suggested: target
    dialog.export()
    qtbot.waitUntil(lambda: not dialog.export_note.isHidden(), timeout=WAIT_MS)
    assert seen(dialog.export_note) == f"✓ Exported 3 records to {target}"
    with target.open(encoding="utf-8-sig", newline="") as handle:
        exported = list(csv.reader(handle))
    header, *body = exported
    assert header[:4] == ["Time (UTC)", "Event", "Technician", "User"]
    records = store.audit(*day_range(*dialog.range_dates()))
    assert [(r[1], r[3], r[5]) for r in body] == [
        (rec.event.kind.value, rec.event.target_upn, rec.event.pass_id) for rec in records
    ]
    assert body[1][6:8] == ["60", "yes"]


def test_the_range_defaults_to_today_and_can_reach_back(store_window, qtbot) -> None:
    window, store = store_window
    now = window.clock.now()
    old = AuditEvent(
        now - timedelta(days=1), AuditKind.OVERRIDE, "pat.priv@northwind.example",
        UPN["nora.newhire"], step_id="add-account", detail="seen on the phone",
    )  # fmt: skip
    today = AuditEvent(now, AuditKind.COMPLETE, "tess.tech@northwind.example", UPN["ava.newhire"])
    store.record_audit(old, today)
    dialog = window.day_tools.open_audit()
    loaded(qtbot, dialog)
    assert [r[col("Action")] for r in cells(dialog)] == ["Completed"]
    first, last = dialog.range_dates()
    assert first == last == now.astimezone().date()
    dialog.set_range(first - timedelta(days=1), last)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=WAIT_MS)
    override = cells(dialog)[0]
    assert override[col("Action")] == "Overrode step"
    assert override[col("Step")] == "add-account"
    assert override[col("Detail")] == "seen on the phone"
    # From after To: the other end follows, the range stays one day.
    dialog.from_date.setDate(dialog.to_date.date().addDays(3))
    assert dialog.range_dates()[0] == dialog.range_dates()[1]
    dialog.show_today()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=WAIT_MS)


def test_an_export_to_a_folder_that_does_not_exist_is_said_inline(
    store_window, qtbot, tmp_path
) -> None:
    window, _store = store_window
    dialog = window.day_tools.open_audit()
    loaded(qtbot, dialog)
    dialog.choose_path = lambda parent, suggested: tmp_path / "gone" / "audit.csv"
    dialog.export()
    qtbot.waitUntil(lambda: not dialog.banner.isHidden(), timeout=WAIT_MS)
    assert dialog.banner.title.text() == "Storage problem"
    assert "cannot write" in dialog.banner.message.text()
    assert "Choose another folder" in dialog.banner.hint.text()
    assert dialog.export_button.isEnabled() and dialog.export_note.isHidden()


class TroubledStore:
    """A store whose disk is full (export) or whose database is locked (reading)."""

    def __init__(self, real: Store, *, locked: bool = False) -> None:
        self._real = real
        self.locked = locked
        self.tenant_id = real.tenant_id

    def audit(self, start, end, *, tenant_id=None):
        if self.locked:
            raise DatabaseLocked("The tapdesk database is locked by another program.")
        return self._real.audit(start, end, tenant_id=tenant_id)

    def export_audit_csv(self, start, end, target, *, tenant_id=None):
        raise DiskFull(
            "The disk holding the export is full, so exporting failed.",
            hint="Free some disk space and try again.",
        )


def test_disk_full_and_locked_are_shown_inline(store_window, qtbot, tmp_path) -> None:
    window, store = store_window
    troubled = TroubledStore(store)
    window.backend.services().store = troubled
    dialog = window.day_tools.open_audit()
    loaded(qtbot, dialog)
    dialog.choose_path = lambda parent, suggested: tmp_path / "audit.csv"
    dialog.export()
    qtbot.waitUntil(lambda: not dialog.banner.isHidden(), timeout=WAIT_MS)
    assert dialog.banner.title.text() == "Disk full"
    assert "Free some disk space" in dialog.banner.hint.text()
    troubled.locked = True
    dialog.reload()
    qtbot.waitUntil(lambda: dialog.banner.title.text() == "Database busy", timeout=WAIT_MS)
    troubled.locked = False
    dialog.reload()  # the dialog stays usable
    loaded(qtbot, dialog)
    assert dialog.banner.isHidden()


def test_without_a_database_the_dialog_says_so(window, qtbot) -> None:
    services = window.backend.services()
    assert services.store is not None
    services.store.close()
    services.store = None
    dialog = window.day_tools.open_audit()
    qtbot.waitUntil(lambda: not dialog.banner.isHidden(), timeout=WAIT_MS)
    assert "no database" in dialog.banner.message.text()


def test_the_step_has_its_own_column_and_the_new_kinds_their_words(store_window, qtbot) -> None:
    window, store = store_window
    now = window.clock.now()
    tess, ava = "tess.tech@northwind.example", UPN["ava.newhire"]
    store.record_audit(
        AuditEvent(now, AuditKind.CONFIRM, tess, ava, step_id="confirm-identity", detail="badge"),
        AuditEvent(
            now, AuditKind.REFUSE, tess, ava, error_code="accountDisabled", request_id="r-42"
        ),
        AuditEvent(now, AuditKind.ISSUE, tess, ava, pass_id="tap-2", replaces_pass_id="tap-1"),
    )
    dialog = window.day_tools.open_audit()
    loaded(qtbot, dialog)
    assert dialog.table.horizontalHeaderItem(col("Step")).text() == "Step"
    confirmed, refused, replaced = cells(dialog)
    assert (confirmed[col("Action")], confirmed[col("Step")]) == (
        "Confirmed step",
        "confirm-identity",
    )
    assert confirmed[col("Detail")] == "badge"
    assert refused[col("Action")] == "Refused" and refused[col("Step")] == ""
    assert refused[col("Detail")] == "code accountDisabled · request-id r-42"
    assert replaced[col("Detail")] == "replaces tap-1"
    tone = dialog.table.item(1, col("Action")).foreground().color()
    assert tone == theme.ink(theme.palette(), Tone.WARNING)


def test_opening_it_again_reads_the_records_anew(store_window, qtbot) -> None:
    window, store = store_window
    tess, ava = "tess.tech@northwind.example", UPN["ava.newhire"]
    dialog = window.day_tools.open_audit()
    loaded(qtbot, dialog)
    assert dialog.table.rowCount() == 0
    dialog.close()
    store.record_audit(AuditEvent(window.clock.now(), AuditKind.REVOKE, tess, ava))
    assert window.day_tools.open_audit() is dialog
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=WAIT_MS)
    # Left on today and opened the next day: today again, not a stale day.
    dialog.close()
    window.clock.advance(86400)
    store.record_audit(AuditEvent(window.clock.now(), AuditKind.ISSUE, tess, ava))
    window.day_tools.open_audit()
    tomorrow = window.clock.now().astimezone().date()
    qtbot.waitUntil(lambda: dialog.range_dates() == (tomorrow, tomorrow), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: [r[col("Action")] for r in cells(dialog)] == ["Issued pass"])
    # A range the technician chose stays as chosen.
    dialog.set_range(tomorrow - timedelta(days=1), tomorrow)
    dialog.close()
    window.clock.advance(86400)
    window.day_tools.open_audit()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=WAIT_MS)
    assert dialog.range_dates() == (tomorrow - timedelta(days=1), tomorrow)
