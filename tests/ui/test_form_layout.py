"""The issue form at the sizes a bench has (issue 14, problem 7): the setup path's help never
lies over the paths or is cut, and Issue is in view when a user opens at 1024x700."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QWidget

from tests.helpers.demo import UPN
from tests.helpers.qt import WAIT_MS, open_user, wait_idle
from tests.ui.onboarding_helpers import onboarding_window
from tests.ui.test_geometry import fully_visible

ANDY = UPN["andy.app"]


def _in(form: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(form, widget.rect().topLeft()), widget.size())


@pytest.mark.parametrize("size", [(1280, 860), (1024, 700)], ids=["1280x860", "1024x700"])
def test_the_setup_path_help_never_overlaps_the_paths_or_is_cut(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    window.resize(*size)
    open_user(qtbot, window, "andy", ANDY)
    form = window.form
    assert len(form.path_buttons) >= 5
    for key in form.path_buttons:
        form.set_path(key)
        for _ in range(3):  # the text, then the layout it asks for
            QApplication.processEvents()
        help_text = form.path_help
        assert help_text.text(), key
        area = _in(form, help_text)
        for other in form.path_buttons.values():
            assert not area.intersects(_in(form, other)), (key, other.text())
        assert help_text.height() >= help_text.heightForWidth(help_text.width()), key


@pytest.mark.parametrize("who", ["andy.app", "ava.newhire", "erin.existing"])
def test_an_issue_button_is_in_view_whoever_opens_at_1024x700(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Path, who: str
) -> None:
    """The form's own, or (a long card above it) the strip's; never neither, never a moved page."""
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    window.resize(1024, 700)
    open_user(qtbot, window, who.split(".")[0], UPN[who])
    for _ in range(3):
        QApplication.processEvents()
    buttons = (window.form.issue_button, window.strip.issue_button)
    assert [fully_visible(window, b) for b in buttons].count(True) == 1
    assert fully_visible(window, window.passes)


def test_while_the_forms_issue_is_out_of_view_the_strip_offers_it(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Path
) -> None:
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home", hide_after_seconds=0)
    window.resize(1024, 700)
    open_user(qtbot, window, "andy", ANDY)  # his card has findings: the form starts low
    window.form.set_path(None)
    mirror = window.strip.issue_button
    qtbot.waitUntil(mirror.isVisible, timeout=WAIT_MS)
    assert not fully_visible(window, window.form.issue_button)
    assert fully_visible(window, mirror) and mirror.text() == "Issue pass"
    mirror.click()
    qtbot.waitUntil(lambda: window.passes.has_value, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: mirror.text() == "Replace the current pass…", timeout=WAIT_MS)
    wait_idle(qtbot, window)
    for _ in range(3):  # the pass column takes its width; the form reflows beside it
        QApplication.processEvents()
    window.work.reveal(window.form.issue_button)  # the form's own button in view: one is enough
    qtbot.waitUntil(lambda: not mirror.isVisible(), timeout=WAIT_MS)
    assert fully_visible(window, window.form.issue_button)


def test_the_strip_offers_issue_only_while_the_forms_is_out_of_view_even_with_focus_on_it(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Path
) -> None:
    """The focus ring lies over the focused button: it does not make the button 'out of view'."""
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    window.resize(1024, 700)
    open_user(qtbot, window, "andy", ANDY)
    wait_idle(qtbot, window)
    for _ in range(3):  # the card's findings in place
        QApplication.processEvents()
    window.work.reveal(window.form.issue_button)
    window.form.issue_button.setFocus()
    for _ in range(3):
        QApplication.processEvents()
    assert window.work.shows_whole(window.form.issue_button)
    assert not window.strip.issue_button.isVisible()  # at once, on the next turn of the loop
