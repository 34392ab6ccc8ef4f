"""The new-hire-day window against the demo tenant: import, pre-check, queue, filter, Open."""

from __future__ import annotations

import threading

import httpx
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QWidget,
)

from tapdesk.app.services import Backend
from tapdesk.core.readiness import Severity
from tapdesk.core.roster import RosterStatus, parse_roster
from tapdesk.demo import Fault
from tapdesk.ui import theme
from tapdesk.ui.dev.screenshots import dark_palette
from tapdesk.ui.roster.prechecker import LIMIT
from tapdesk.ui.roster.queue import Col
from tapdesk.ui.window.main_window import MainWindow
from tests.helpers.demo import UPN
from tests.helpers.qt import cell_tooltip, sign_in_with_token, token_services
from tests.ui.roster_helpers import (
    BAD_LINES,
    GOOD,
    PROBLEMS,
    WAIT_MS,
    attach_hooks,
    load_and_check,
    past_replication,
    roster_bytes,
    save_session,
    settled,
    statuses,
    with_store,
    write_roster,
)


@pytest.fixture
def roster(window):
    return window.day_tools.open_roster()


def test_ctrl_r_opens_one_roster_window(window, qtbot) -> None:
    assert window.day_tools.roster_action.shortcut().toString() == "Ctrl+R"
    window.day_tools.roster_action.trigger()
    first = window.day_tools.roster
    assert first is not None and first.isVisible()
    assert first.stack.currentIndex() == 0 and "Drop the roster CSV" in first.empty_hint.text()
    first.close()
    window.day_tools.roster_action.trigger()
    assert window.day_tools.roster is first and first.isVisible()
    menu_titles = [a.text() for a in window.menuBar().actions()]
    assert "&Tools" in menu_titles


@pytest.mark.parametrize(
    ("bom", "delimiter"), [(True, ";"), (False, ",")], ids=["bom-semicolon", "plain-comma"]
)
def test_import_keeps_good_rows_and_lists_bad_ones_by_line(
    roster, qtbot, tmp_path, bom, delimiter
) -> None:
    load_and_check(qtbot, roster, write_roster(tmp_path, bom=bom, delimiter=delimiter))
    assert roster.stack.currentIndex() == 1
    queued = {r.upn.split("@")[0].split("_")[0] for r in roster.model.rows}
    assert queued == GOOD | {"nobody"}
    assert [p.line for p in roster.roster.problems] == BAD_LINES
    text = roster.problems.toPlainText()
    assert "Not imported (3):" in text
    for line in BAD_LINES:
        assert f"Line {line}" in text
    assert (
        "Line 11 (ava.newhire@northwind.example): ava.newhire@northwind.example is already on line 2"
        in text
    )
    assert roster.file_label.text() == "new-hires.csv: 10 people, 3 rows not imported"
    # Queue order is start time; ben has none and comes last.
    assert [r.upn.split("@")[0] for r in roster.visible_rows()][:2] == [
        "ava.newhire",
        "carl.disabled",
    ]
    assert roster.visible_rows()[-1].upn == UPN["ben.fresh"]


def test_the_pre_check_of_the_seeded_cases(roster, qtbot, tmp_path) -> None:
    load_and_check(qtbot, roster, write_roster(tmp_path))
    found = statuses(roster)
    assert {who for who, s in found.items() if s is RosterStatus.PROBLEM} == PROBLEMS
    assert {who for who, s in found.items() if s is RosterStatus.WAITING} == GOOD - PROBLEMS
    rows = {r.upn.split("@")[0].split("_")[0]: r for r in roster.model.rows}
    assert rows["ava.newhire"].precheck_text() == "Ready"
    assert "disabled" in rows["carl.disabled"].precheck_text()
    assert "pass policy" in rows["oscar.outside"].precheck_text()
    assert "external guest" in rows["gina"].precheck_text()
    assert "directory role tapdesk may not read" in rows["alex.admin"].precheck_text()
    assert "replaces" in rows["erin.existing"].precheck_text()
    assert "Passkey" in rows["priya.passkey"].precheck_text()
    assert "No such account" in rows["nobody"].precheck_text()
    problems = roster.problems.toPlainText()
    assert "Pre-check problems (5):" in problems
    assert "Line 3 (carl.disabled@northwind.example): The account is disabled:" in problems
    assert roster.problems_title.text() == "Problems (8)"
    assert roster.summary.text() == "10 people: 5 waiting · 5 problems"
    # The queue's model paints the pre-check column in the finding's tone, with a tooltip.
    model = roster.model
    carl = next(n for n, r in enumerate(model.rows) if r.upn == UPN["carl.disabled"])
    assert "Ask HR" in cell_tooltip(roster.table, roster.proxy.mapFromSource(model.index(carl, 5)))
    assert model.data(model.index(carl, 5), Qt.ItemDataRole.ForegroundRole) is not None


def test_the_tones_follow_a_theme_change(roster, qtbot, tmp_path) -> None:
    """The cells hold their colours: a palette change writes them again."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    light = QPalette(app.palette())
    load_and_check(qtbot, roster, write_roster(tmp_path))
    model = roster.model
    carl = next(n for n, r in enumerate(model.rows) if r.upn == UPN["carl.disabled"])
    tone = theme.SEVERITY_TONES[Severity.BLOCKS]

    def ink() -> object:
        return model.data(model.index(carl, Col.PRECHECK), Qt.ItemDataRole.ForegroundRole)

    assert ink() == theme.ink(theme.palette(), tone)
    try:
        app.setPalette(dark_palette())
        dark = theme.ink(theme.palette(), tone)
        assert dark != theme.ink(light, tone)
        qtbot.waitUntil(lambda: ink() == dark, timeout=WAIT_MS)
    finally:
        app.setPalette(light)
    qtbot.waitUntil(lambda: ink() == theme.ink(light, tone), timeout=WAIT_MS)


def test_filter_by_status_and_search(roster, qtbot, tmp_path) -> None:
    load_and_check(qtbot, roster, write_roster(tmp_path))
    roster.set_status_filter(RosterStatus.PROBLEM)
    assert {r.upn.split("@")[0] for r in roster.visible_rows()} == {
        "carl.disabled",
        "oscar.outside",
        "gina_fabrikam.example#EXT#",
        "ben.fresh",
        "nobody",
    }
    assert roster.status_filter.currentText() == "Problem (5)"
    qtbot.keyClicks(roster.search_box, "os")
    assert [r.upn for r in roster.visible_rows()] == [UPN["oscar.outside"]]
    assert roster.summary.text().startswith("Showing 1 of 10")
    roster.set_status_filter(None)
    roster.search_box.setText("newhire")  # name or UPN, any status
    assert {r.upn for r in roster.visible_rows()} == {UPN["ava.newhire"], UPN["nora.newhire"]}
    roster.search_box.setText("LAP-009 replicating")  # device and notes, every word
    assert [r.upn for r in roster.visible_rows()] == [UPN["ben.fresh"]]
    roster.search_box.clear()
    header = roster.table.horizontalHeader()
    header.setSortIndicator(Col.STATUS, Qt.SortOrder.DescendingOrder)  # a header click
    assert roster.visible_rows()[0].status is RosterStatus.PROBLEM
    header.setSortIndicator(Col.START, Qt.SortOrder.AscendingOrder)  # back to queue order
    assert roster.visible_rows()[0].upn == UPN["ava.newhire"]
    roster.search_box.setText("nobody-matches-this")
    assert roster.visible_rows() == []
    assert not roster.open_button.isEnabled()


def test_open_calls_into_the_main_window(make_window, qtbot, tmp_path) -> None:
    window = make_window()
    opened, _hook = attach_hooks(window)
    roster = window.day_tools.open_roster()
    load_and_check(qtbot, roster, write_roster(tmp_path))
    assert roster.select_upn(UPN["nora.newhire"])
    assert roster.open_button.isEnabled()
    roster.open_button.click()
    assert opened == [UPN["nora.newhire"]]
    roster.select_upn(UPN["ava.newhire"])
    roster.table.setFocus()
    qtbot.keyClick(roster.table, Qt.Key.Key_Return)
    assert opened == [UPN["nora.newhire"], UPN["ava.newhire"]]


def test_open_brings_the_person_onto_the_card(window, roster, qtbot, tmp_path) -> None:
    load_and_check(qtbot, roster, write_roster(tmp_path))
    roster.select_upn(UPN["priya.passkey"])
    roster.open_selected()
    qtbot.waitUntil(
        lambda: (
            window.card.user is not None
            and window.card.user.user_principal_name == UPN["priya.passkey"]
        ),
        timeout=WAIT_MS,
    )


def test_statuses_follow_the_sessions(make_window, qtbot, tmp_path) -> None:
    window = make_window()
    store = with_store(window, tmp_path / "tapdesk.db")
    _opened, hook = attach_hooks(window)
    save_session(store, window, "nora.newhire", "done")  # before the roster: shown at once
    roster = window.day_tools.open_roster()
    load_and_check(qtbot, roster, write_roster(tmp_path))
    qtbot.waitUntil(lambda: statuses(roster)["nora.newhire"] is RosterStatus.DONE, timeout=WAIT_MS)
    stages = {
        "ava.newhire": ("issued", RosterStatus.PASS_ISSUED),
        "erin.existing": ("authenticator", RosterStatus.AUTHENTICATOR),
        "priya.passkey": ("passkey", RosterStatus.PASSKEY),
        "alex.admin": ("abandoned", RosterStatus.PROBLEM),
        # A session under way wins over the pre-check's old objection.
        "carl.disabled": ("issued", RosterStatus.PASS_ISSUED),
    }
    for who, (stage, _) in stages.items():
        save_session(store, window, who, stage)
    hook.changed.emit()
    qtbot.waitUntil(
        lambda: all(statuses(roster)[w] is want for w, (_, want) in stages.items()),
        timeout=WAIT_MS,
    )
    roster.set_status_filter(RosterStatus.PASS_ISSUED)
    assert {r.upn for r in roster.visible_rows()} == {UPN["ava.newhire"], UPN["carl.disabled"]}
    store.close()


def test_signing_in_later_starts_the_pre_check(make_window, qtbot, tmp_path) -> None:
    window = make_window(sign_in=False)
    roster = window.day_tools.open_roster()
    roster.load(write_roster(tmp_path))
    qtbot.waitUntil(lambda: len(roster.model.rows) == 10, timeout=WAIT_MS)
    assert roster.banner.title.text() == "Sign in to pre-check the roster"
    assert roster.model.rows[0].precheck_text(roster.model.signed_in) == "Sign in to check"
    assert all(r.precheck is None for r in roster.model.rows)
    sign_in_with_token(qtbot, window)
    qtbot.waitUntil(lambda: settled(roster), timeout=WAIT_MS)
    assert roster.banner.isHidden()


def test_check_again_after_the_account_replicated(window, roster, qtbot, tmp_path) -> None:
    load_and_check(qtbot, roster, write_roster(tmp_path))
    assert statuses(roster)["ben.fresh"] is RosterStatus.PROBLEM
    past_replication(window)
    roster.recheck_button.click()
    qtbot.waitUntil(lambda: settled(roster), timeout=WAIT_MS)
    assert statuses(roster)["ben.fresh"] is RosterStatus.WAITING
    assert statuses(roster)["carl.disabled"] is RosterStatus.PROBLEM  # still disabled


def test_a_throttled_row_is_a_problem_and_the_batch_goes_on(
    window, roster, tenant, qtbot, tmp_path
) -> None:
    # More 429s than the client retries, for one person's method list only.
    tenant.inject(Fault.throttle("0", times=None, path_contains="11fb6156"))
    load_and_check(qtbot, roster, write_roster(tmp_path))
    tenant.clear_faults()
    nora = next(r for r in roster.model.rows if r.upn == UPN["nora.newhire"])
    assert nora.status is RosterStatus.PROBLEM
    assert "Microsoft Graph is throttling" in nora.precheck_text()
    assert statuses(roster)["ava.newhire"] is RosterStatus.WAITING


def test_copy_problems_and_drop_a_file(roster, qtbot, tmp_path) -> None:
    path = write_roster(tmp_path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(
        QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(roster, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(roster, drop)
    qtbot.waitUntil(lambda: settled(roster), timeout=WAIT_MS)
    roster.update_summary()
    roster.copy_button.click()
    assert QGuiApplication.clipboard().text() == roster.problems.toPlainText()
    assert "Line 7" in QGuiApplication.clipboard().text()


def test_a_file_that_cannot_be_read_is_said_inline(roster, qtbot, tmp_path) -> None:
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("UPN\r\nava@x.example\r\n".encode("utf-16"))
    roster.choose_file = lambda parent: utf16
    roster.import_file()
    qtbot.waitUntil(lambda: not roster.banner.isHidden(), timeout=WAIT_MS)
    assert roster.banner.title.text() == "Cannot read the roster"
    assert "UTF-16" in roster.banner.message.text()
    assert roster.stack.currentIndex() == 0  # nothing half-imported


def test_at_most_four_checks_at_once_and_the_main_window_stays_free(
    qtbot, tenant, clock, tmp_path
) -> None:
    lock = threading.Lock()
    now = {"in": 0, "max": 0}
    handler = tenant.handler

    def counting(request: httpx.Request) -> httpx.Response:
        with lock:
            now["in"] += 1
            now["max"] = max(now["max"], now["in"])
        try:
            return handler(request)
        finally:
            with lock:
                now["in"] -= 1

    services = token_services(
        tenant, clock, tmp_path / "home", transport=httpx.MockTransport(counting)
    )
    window = MainWindow(Backend.of(services), heartbeat_ms=0)
    qtbot.addWidget(window)
    window.show()
    sign_in_with_token(qtbot, window)
    tenant.latency = 0.02  # real sleeps, so the calls overlap
    roster = window.day_tools.open_roster()
    main_busy = []
    roster.queue.checked.connect(lambda *_: main_busy.append(window.runner.busy))
    roster.load(write_roster(tmp_path))
    qtbot.waitUntil(lambda: settled(roster), timeout=WAIT_MS)
    assert now["max"] == LIMIT
    assert not any(main_busy)  # the pre-check never used the main window's workers


def test_keyboard_and_accessible_names(window, roster, qtbot, tmp_path) -> None:
    path = write_roster(tmp_path)
    roster.choose_file = lambda parent: path
    roster.activateWindow()
    qtbot.keyClick(roster, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: settled(roster), timeout=WAIT_MS)
    qtbot.keyClick(roster, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert roster.search_box.hasFocus()
    audit = window.day_tools.open_audit()
    controls = (QAbstractButton, QLineEdit, QAbstractSpinBox, QComboBox, QAbstractItemView)
    popups = [c.view() for top in (roster, audit) for c in top.findChildren(QComboBox)]
    unnamed = [
        f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r}"
        for top in (roster, audit)
        for w in top.findChildren(QWidget)
        if isinstance(w, controls)
        and not w.accessibleName()
        and not isinstance(w.parent(), (QLineEdit, QAbstractSpinBox, QAbstractItemView))
        and not any(w is popup for popup in popups)  # Qt's own inner parts
    ]
    assert unnamed == []


def test_every_cell_shows_its_whole_text_on_hover_and_starts_are_not_cut(
    roster, qtbot, tmp_path
) -> None:
    path = tmp_path / "day.csv"
    path.write_text(
        "Name;UPN;Start;Device;Notes\r\n"
        f"Ava Newhire;{UPN['ava.newhire']};2026-12-01 08:30;LAP-0141-LONG-NAME;desk 4.12\r\n",
        encoding="utf-8",
    )
    load_and_check(qtbot, roster, path)
    model = roster.model
    for col in range(model.columnCount()):
        index = model.index(0, col)
        if model.data(index, Qt.ItemDataRole.DisplayRole):
            assert cell_tooltip(roster.table, roster.proxy.mapFromSource(index)).strip(), col
    start = model.data(model.index(0, 0), Qt.ItemDataRole.DisplayRole)
    assert start == "2026-12-01 08:30"
    table = roster.table
    assert table.columnWidth(0) >= table.fontMetrics().horizontalAdvance(start) + 8


def test_the_precheck_starts_on_the_turn_after_the_roster_shows(window, roster, qtbot, tmp_path):
    """The queue paints first; the pre-check counts as running from the start all the same."""
    roster.show_roster(parse_roster(roster_bytes()), "new-hires.csv")
    assert roster.queue.running and roster.queue.in_flight == 0
    qtbot.waitUntil(lambda: roster.queue.in_flight > 0 or settled(roster), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: settled(roster), timeout=WAIT_MS)


def test_the_first_checks_leave_one_turn_at_a_time(window, roster, qtbot, tmp_path):
    """Four sent in one turn made that turn start four workers and write four rows."""
    sent: list[int] = []
    by_the_turns_end: list[int] = []

    def check_sent(line: int) -> None:
        if not sent:  # a posted call runs once the slot sending this one has returned
            QTimer.singleShot(0, lambda: by_the_turns_end.append(len(sent)))
        sent.append(line)

    roster.queue.checking.connect(check_sent)
    roster.show_roster(parse_roster(roster_bytes()), "new-hires.csv")
    qtbot.waitUntil(lambda: bool(by_the_turns_end), timeout=WAIT_MS)
    assert by_the_turns_end == [1]
    qtbot.waitUntil(lambda: roster.queue.in_flight == LIMIT or len(sent) > LIMIT, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: settled(roster), timeout=WAIT_MS)


def test_neighbouring_rows_are_repainted_as_one_range(window, roster, qtbot, tmp_path) -> None:
    """A change to many rows at once (today's sessions, a pre-check started) is one signal per
    run of neighbouring rows, not one per row."""
    load_and_check(qtbot, roster, write_roster(tmp_path))
    model = roster.model
    ranges: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda first, last, *_: ranges.append(
            (first.row(), first.column(), last.row(), last.column())
        )
    )
    lines = [model.row(n).entry.line for n in (0, 1, 2, 4)]
    model.set_checking(set(lines))
    full = len(Col) - 1
    assert ranges == [(0, 0, 2, full), (4, 0, 4, full)]
    assert [model.row(n).checking for n in range(5)] == [True, True, True, False, True]
