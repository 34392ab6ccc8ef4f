"""The simulated phone along the bottom is one row of fixed height (issue 14, problem 7): what
it says never makes it taller and moves the page, the pass included, above it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from tapdesk.ui.onboarding.phone import INTRO
from tests.helpers.demo import UPN
from tests.helpers.qt import issue, open_user
from tests.ui.onboarding_helpers import onboarding_window, phone

AVA = UPN["ava.newhire"]


def test_a_long_phone_message_does_not_move_the_page(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Path
) -> None:
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home", hide_after_seconds=0)
    window.resize(1024, 700)
    open_user(qtbot, window, "ava", AVA)
    window.form.set_path(None)
    issue(qtbot, window)
    dock = window.guide.phone
    assert dock is not None and dock.across
    QApplication.processEvents()
    before = (
        dock.height(),
        window.work.geometry(),
        window.passes.code_label.mapTo(window, window.passes.code_label.rect().topLeft()),
    )
    # A security key needs a sign-in with the pass within five minutes: a long refusal.
    status = phone(qtbot, window, "security-key")
    assert len(status) > 80, status
    QApplication.processEvents()
    after = (
        dock.height(),
        window.work.geometry(),
        window.passes.code_label.mapTo(window, window.passes.code_label.rect().topLeft()),
    )
    assert after == before
    assert dock.status.elided() and status in dock.status.toolTip()  # the whole of it on hover


def test_along_the_bottom_the_intro_is_on_hover_and_stacked_it_is_shown(
    qtbot: Any, tenant: Any, clock: Any, tmp_path: Path
) -> None:
    window = onboarding_window(qtbot, tenant, clock, tmp_path / "home")
    dock = window.guide.phone
    assert dock is not None and dock.across
    assert dock.intro.isHidden() and INTRO in dock.target.toolTip()
    dock.setFloating(True)  # stacked: room to say it in full
    assert not dock.across and not dock.intro.isHidden() and dock.status.wordWrap()
