"""The pass is the centre of the window (issue 14): at every size from a 1024x700 bench screen
up, after issuing from the form or from the checklist, and with the checklist scrolled to its
end, the pass, its QR code, its countdown and its buttons are wholly on screen, and the QR
grabbed from the screen scans to the pass the tenant issued."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QRegion
from PySide6.QtWidgets import QApplication, QWidget

from tapdesk.ui.window.main_window import MainWindow
from tests.helpers.demo import UPN, IssuedPasses
from tests.helpers.qt import WAIT_MS, decode, issue, open_user
from tests.ui.onboarding_helpers import FLOWS, onboarding_window, settle, start_flow

SIZES = [(1024, 700), (1280, 800), (1920, 1080)]
ROUTES = ["form", "checklist", "checklist-end"]


def fully_visible(window: MainWindow, widget: QWidget) -> bool:
    """Shown, inside the window, and not cut by a scroll area's viewport."""
    if not widget.isVisible() or widget.width() <= 0 or widget.height() <= 0:
        return False
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    cut = QRegion(widget.rect()) - widget.visibleRegion()
    return window.rect().contains(rect) and cut.isEmpty()


def issued_window(
    qtbot: Any,
    tenant: Any,
    clock: Any,
    tmp_path: Any,
    size: tuple[int, int],
    route: str,
    **settings: Any,
) -> tuple[MainWindow, IssuedPasses]:
    issued = IssuedPasses(tenant)
    window = onboarding_window(
        qtbot, tenant, clock, tmp_path / "home", transport=issued, **settings
    )
    window.resize(*size)
    if route == "form":
        open_user(qtbot, window, "ava", UPN["ava.newhire"])
        window.form.set_path(None)
        issue(qtbot, window)
    else:
        start_flow(qtbot, window, UPN["nora.newhire"], FLOWS["passkey-authenticator"])
        rows = window.guide.panel.rows
        rows["confirm-identity"].tick_button.click()
        rows["issue-pass"].issue_button.click()
        qtbot.waitUntil(lambda: window.passes.has_value, timeout=WAIT_MS)
        settle(qtbot, window)
        if route == "checklist-end":
            bar = window.work.tasks.verticalScrollBar()
            if size == SIZES[0]:
                assert bar.maximum() > 0  # on a bench screen the checklist does scroll
            bar.setValue(bar.maximum())
    qtbot.wait(20)  # the columns settle once the pass is on show (the work area refits)
    return window, issued


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_pass_and_its_qr_stay_wholly_in_view(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Any, size: tuple[int, int], route: str
) -> None:
    window, issued = issued_window(qtbot, tenant, clock, tmp_path, size, route)
    assert (window.width(), window.height()) == size
    panel = window.passes
    for widget in (
        panel.code_label,
        panel.qr,
        panel.countdown_label,
        panel.copy_button,
        panel.revoke_button,
        panel.replace_button,
    ):
        assert fully_visible(window, widget), widget.accessibleName()
    assert fully_visible(window, window.strip.name)  # whose pass it is, above the work
    shot = window.screen().grabWindow(window.winId()).toImage()
    assert decode(shot) == [issued.last]


def test_the_qr_and_the_pass_grow_with_the_space(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Any
) -> None:
    window, _ = issued_window(qtbot, tenant, clock, tmp_path, SIZES[0], "form")
    small = (window.passes.qr.width(), window.passes.code_label.font().pointSizeF())
    window.resize(*SIZES[2])
    qtbot.waitUntil(lambda: window.passes.qr.width() > small[0], timeout=WAIT_MS)
    large = (window.passes.qr.width(), window.passes.code_label.font().pointSizeF())
    assert large[0] >= 1.3 * small[0] and large[1] >= 1.3 * small[1], (small, large)


def test_each_user_opens_at_the_top_with_their_name_in_view(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Any
) -> None:
    """A new user never opens at the last one's scroll position with their name out of sight."""
    window, _ = issued_window(qtbot, tenant, clock, tmp_path, SIZES[0], "checklist-end")
    assert not fully_visible(window, window.card.name)  # Nora's card is scrolled away
    open_user(qtbot, window, "ava", UPN["ava.newhire"])
    QApplication.processEvents()
    assert window.card.name.text() == "Ava Newhire"
    assert fully_visible(window, window.card.name)
    assert fully_visible(window, window.strip.name) and window.strip.name.text() == "Ava Newhire"


def test_the_pass_column_keeps_its_place_as_the_countdown_ticks(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Any
) -> None:
    window, _ = issued_window(
        qtbot, tenant, clock, tmp_path, (1280, 800), "form", hide_after_seconds=0
    )
    panel = window.passes
    before = (panel.geometry(), panel.qr.geometry())
    for seconds in (1, 50 * 60, 9 * 60):  # 1:00:00 → 59:59 → 9:59 → 0:59
        clock.advance(seconds)
        window.tick()
        QApplication.processEvents()
        assert panel.countdown_label.text().startswith("Expires in")
        assert (panel.geometry(), panel.qr.geometry()) == before


@pytest.mark.parametrize("route", ROUTES)
def test_the_tasks_beside_the_pass_are_never_cut_at_the_right(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Any, route: str
) -> None:
    """At 1024x700 the card, the form and the checklist fit beside the pass: the tasks column
    has no horizontal scroll bar, so anything wider than it would be cut off unseen."""
    window, _ = issued_window(qtbot, tenant, clock, tmp_path, SIZES[0], route)
    tasks = window.work.tasks
    content = tasks.widget()
    assert content is not None
    assert content.minimumSizeHint().width() <= tasks.viewport().width()
    assert content.width() <= tasks.viewport().width()
