"""Where the keyboard is, on screen (issue 14, problem 7): every Tab stop shows a ring in the
theme's focus colour, Tab walks the page in order and scrolls the tasks only as far as the new
stop needs, and the pass never moves. Checked on the pixels of the grabbed window."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from tapdesk.ui import focus, theme
from tapdesk.ui.dev.screenshots import dark_palette
from tapdesk.ui.widgets.work_area import FOCUS_MARGIN
from tapdesk.ui.window.main_window import MainWindow
from tests.helpers.demo import UPN
from tests.helpers.qt import open_user
from tests.ui.onboarding_helpers import FLOWS, onboarding_window, settle, start_flow
from tests.ui.test_geometry import SIZES, issued_window


@pytest.fixture
def app_palette() -> Iterator[QApplication]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    light = QPalette(app.palette())
    yield app
    app.setPalette(light)


def window_rect(window: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def ringed_share(shot: QImage, rect: QRect, colour: QColor) -> float:
    """How much of the band just outside ``rect`` is painted in ``colour``: for each point of
    the rectangle ``OUTSET`` pixels out, whether it or one pixel either side has the colour."""
    rgb = colour.rgb()
    around = rect.adjusted(-focus.OUTSET, -focus.OUTSET, focus.OUTSET, focus.OUTSET)
    points = [(x, around.top()) for x in range(around.left(), around.right() + 1)]
    points += [(x, around.bottom()) for x in range(around.left(), around.right() + 1)]
    points += [(around.left(), y) for y in range(around.top() + 1, around.bottom())]
    points += [(around.right(), y) for y in range(around.top() + 1, around.bottom())]
    cx, cy = around.center().x(), around.center().y()

    def inward(x: int, y: int, step: int) -> tuple[int, int]:
        return (x + step * ((cx > x) - (cx < x)), y + step * ((cy > y) - (cy < y)))

    def ringed(x: int, y: int) -> bool:
        for step in (0, 1, 2):
            px, py = inward(x, y, step)
            if shot.valid(px, py) and shot.pixel(px, py) == rgb:
                return True
        return False

    return sum(ringed(x, y) for x, y in points) / len(points)


def shot_of(window: QWidget) -> QImage:
    QApplication.processEvents()
    return window.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def press_tab(qtbot: Any) -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClick(widget, Qt.Key.Key_Tab)
    QApplication.processEvents()
    now = QApplication.focusWidget()
    assert now is not None
    return now


def in_view(window: QWidget, widget: QWidget) -> bool:
    """Shown, wholly inside the window, and cut by none of its ancestors (a scroll area's
    viewport above all)."""
    if not widget.isVisible() or not window.rect().contains(window_rect(window, widget)):
        return False
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if not parent.rect().contains(QRect(widget.mapTo(parent, QPoint(0, 0)), widget.size())):
            return False
        parent = parent.parentWidget()
    return True


def test_every_focus_stop_shows_a_ring(qtbot, window: MainWindow) -> None:
    open_user(qtbot, window, "ava", UPN["ava.newhire"])
    colour = theme.focus_colour(theme.palette())
    window.search.box.setFocus()
    seen: list[str] = []
    for _ in range(30):
        widget = QApplication.focusWidget()
        assert widget is not None
        share = ringed_share(shot_of(window), window_rect(window, widget), colour)
        name = widget.accessibleName() or type(widget).__name__
        assert share >= 0.8, (name, share)
        seen.append(name)
        press_tab(qtbot)
    # The walk went through the search, the form and back round, not one widget twice.
    assert {"Search users", "Search results", "Issue pass"} <= set(seen), seen


def test_tab_moves_focus_without_moving_the_pass(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Any
) -> None:
    """At 1024x700 with a checklist and a pass on show: round the page and back, every stop
    wholly in view, the tasks scrolled no further than the stop needs, the pass where it was."""
    window, _ = issued_window(qtbot, tenant, clock, tmp_path, SIZES[0], "checklist")
    panel = window.passes
    pass_at = (window_rect(window, panel.code_label), window_rect(window, panel.qr))
    bar = window.work.tasks.verticalScrollBar()
    viewport = window.work.tasks.viewport()
    window.search.box.setFocus()
    stops: list[QWidget] = []
    widget: QWidget = window.search.box
    scrolled = 0
    while True:
        before = bar.value()
        widget = press_tab(qtbot)
        if widget is window.search.box or len(stops) > 80:
            break
        stops.append(widget)
        name = widget.accessibleName() or type(widget).__name__
        assert in_view(window, widget), name
        assert (window_rect(window, panel.code_label), window_rect(window, panel.qr)) == pass_at
        if bar.value() != before and widget.height() + 2 * FOCUS_MARGIN < viewport.height():
            scrolled += 1
            # Only as far as needed: the stop sits its margin from the edge it came in at.
            top = widget.mapTo(viewport, QPoint(0, 0)).y()
            gap = top if bar.value() < before else viewport.height() - top - widget.height()
            assert gap <= FOCUS_MARGIN, (name, gap)
    assert widget is window.search.box, "Tab never came back round"
    assert scrolled > 0  # the checklist is longer than a bench screen: Tab did scroll it
    # In page order: the search, the checklist (its rows built after the pass panel, in their
    # place), the pass, the phone under them all.
    rows = window.guide.panel.rows
    row_stop = next(w for w in stops if rows["issue-pass"].isAncestorOf(w))
    phone = window.guide.phone
    assert phone is not None
    phone_stop = next(w for w in stops if phone.isAncestorOf(w))
    page = [
        window.search.results,
        window.guide.panel.form_button,
        row_stop,
        panel.copy_button,
        panel.revoke_button,
        phone_stop,
    ]
    order = [stops.index(w) for w in page]
    assert order == sorted(order), [w.accessibleName() for w in page]


def test_the_ring_follows_a_theme_change(qtbot, window: MainWindow, app_palette) -> None:
    box = window.search.box
    box.setFocus()
    light = theme.focus_colour(theme.palette())
    assert ringed_share(shot_of(window), window_rect(window, box), light) >= 0.8
    app_palette.setPalette(dark_palette())
    dark = theme.focus_colour(theme.palette())
    assert dark.rgb() != light.rgb()
    shot = shot_of(window)
    assert ringed_share(shot, window_rect(window, box), dark) >= 0.8
    assert ringed_share(shot, window_rect(window, box), light) == 0


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_the_focus_colour_stands_out_from_the_window(qtbot, palette: str) -> None:
    colours = dark_palette() if palette == "dark" else QApplication.palette()
    assert theme.is_dark(colours) == (palette == "dark")
    ring = theme.focus_colour(colours)
    assert theme.contrast(ring, colours.color(QPalette.ColorRole.Window)) >= 3.0
    assert theme.contrast(ring, colours.color(QPalette.ColorRole.Base)) >= 3.0


def test_a_faint_highlight_still_gives_a_ring_that_stands_out(qtbot) -> None:
    """A palette whose highlight is a pale tint of its window (some high-contrast and custom
    themes): the ring goes further towards the text colour until it stands out."""
    colours = QPalette(QApplication.palette())
    colours.setColor(QPalette.ColorRole.Window, QColor("#ffffff"))
    colours.setColor(QPalette.ColorRole.WindowText, QColor("#000000"))
    colours.setColor(QPalette.ColorRole.Highlight, QColor("#cfe3ff"))
    ring = theme.focus_colour(colours)
    assert theme.contrast(ring, QColor("#ffffff")) >= 3.0


def test_a_ring_is_cut_where_its_widget_scrolls_out_of_view(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Any
) -> None:
    window, _ = issued_window(qtbot, tenant, clock, tmp_path, SIZES[0], "checklist")
    tasks = window.work.tasks
    button = window.guide.panel.rows["issue-pass"].toggle  # "Show or hide the words"
    tasks.ensureWidgetVisible(button, 0, 0)
    bar = tasks.verticalScrollBar()
    bar.setValue(bar.value() + button.mapTo(tasks.viewport(), QPoint(0, 0)).y() + 10)
    button.setFocus(Qt.FocusReason.MouseFocusReason)  # half scrolled out, and left so
    QApplication.processEvents()
    assert button.hasFocus()
    seen = window_rect(window, tasks.viewport())
    assert window_rect(window, button).top() < seen.top() < window_rect(window, button).bottom()
    ring = focus.ring_of(window)
    assert ring.isVisible() and seen.contains(ring.geometry())
    colour = theme.focus_colour(theme.palette())
    shot = shot_of(window)
    outside = [
        (x, y)
        for y in range(seen.top() - 8, seen.top())
        for x in range(seen.left(), seen.right())
        if shot.pixel(x, y) == colour.rgb()
    ]
    assert outside == []


def test_the_ring_lets_clicks_through_and_outlives_its_widget(qtbot, window: MainWindow) -> None:
    extra = QPushButton("Temporary", window.work)
    extra.setGeometry(10, 10, 80, 24)
    extra.show()
    extra.setFocus()
    QApplication.processEvents()
    ring = focus.ring_of(window)
    assert ring.isVisible() and ring.geometry().contains(window_rect(window, extra))
    edge = window_rect(window, extra).topLeft() - QPoint(2, 2)
    assert window.childAt(edge) is not ring  # a click on the ring reaches what is under it
    extra.deleteLater()
    QApplication.processEvents()
    # Nothing rings the deleted button: the ring is gone, or round where Qt sent the focus.
    assert not ring.isVisible() or ring.target is QApplication.focusWidget()
    window.search.box.setFocus()
    QApplication.processEvents()
    assert ring.isVisible() and ring.geometry().contains(window_rect(window, window.search.box))


def test_tab_reaches_a_step_opened_since_the_last_tab_in_page_order(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Any
) -> None:
    """The page's tab order is walked again only when the window's widgets changed since (a
    walk is milliseconds on every Tab): a step's words built since the last Tab are in it."""
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    start_flow(qtbot, window, UPN["ava.newhire"], FLOWS["passkey-authenticator"])
    rows = window.guide.panel.rows
    rows["confirm-identity"].toggle.setFocus()
    press_tab(qtbot)
    walked = getattr(window, focus._CHAINED)
    focus.follow_page(window)  # nothing changed: the order stands as it was set
    assert getattr(window, focus._CHAINED) is walked

    folded = rows["create-passkey"]
    assert not folded.built
    folded.toggle.setFocus()
    folded.toggle.click()  # its words and buttons are built now
    settle(qtbot, window)
    assert folded.built and folded.toggle.hasFocus()
    now = press_tab(qtbot)
    assert folded.body.isAncestorOf(now), now.accessibleName()  # not the end of the window
