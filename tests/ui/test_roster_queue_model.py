"""The queue model keeps its cells in Qt's items and writes a long roster over a few turns."""

from __future__ import annotations

from PySide6.QtGui import Qt

from tapdesk.core.roster import RosterEntry
from tapdesk.ui.roster.queue import ROWS_PER_TURN, Col, QueueModel

PEOPLE = ROWS_PER_TURN * 2 + 30


def entries(count: int = PEOPLE) -> tuple[RosterEntry, ...]:
    return tuple(
        RosterEntry(line=n + 2, upn=f"p{n:03d}@northwind.example", name=f"Person {n:03d}")
        for n in range(count)
    )


def shown(model: QueueModel, row: int, col: Col) -> object:
    return model.data(model.index(row, col), Qt.ItemDataRole.DisplayRole)


def test_a_long_roster_shows_its_top_at_once_and_the_rest_in_the_turns_after(qtbot) -> None:
    model = QueueModel()
    model.set_entries(entries())
    assert shown(model, 0, Col.NAME) == "Person 000"
    assert shown(model, ROWS_PER_TURN - 1, Col.UPN) == f"p{ROWS_PER_TURN - 1:03d}@northwind.example"
    assert shown(model, ROWS_PER_TURN, Col.NAME) is None  # one turn's worth, no more
    qtbot.waitUntil(lambda: shown(model, PEOPLE - 1, Col.NAME) is not None, timeout=2000)
    names = [shown(model, n, Col.NAME) for n in range(PEOPLE)]
    assert names == [f"Person {n:03d}" for n in range(PEOPLE)]
    assert {shown(model, n, Col.PRECHECK) for n in range(PEOPLE)} == {"Not checked yet"}


def test_a_row_that_changes_is_written_at_once_while_the_rest_waits(qtbot) -> None:
    model = QueueModel()
    model.set_entries(entries())
    late = PEOPLE - 1
    model.set_checking({model.row(late).entry.line})
    assert shown(model, late, Col.PRECHECK) == "Checking…"
    assert shown(model, late - 1, Col.PRECHECK) is None  # the backlog still waits its turn
    qtbot.waitUntil(lambda: shown(model, late - 1, Col.PRECHECK) is not None, timeout=2000)
    assert shown(model, late, Col.PRECHECK) == "Checking…"


def test_cells_are_read_only(qtbot) -> None:
    model = QueueModel()
    model.set_entries(entries(3))
    flags = model.flags(model.index(1, Col.NAME))
    assert not flags & Qt.ItemFlag.ItemIsEditable
    assert not flags & Qt.ItemFlag.ItemIsDragEnabled
    assert flags & Qt.ItemFlag.ItemIsSelectable
