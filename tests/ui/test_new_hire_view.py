"""Issue 14, "a view for the new hire": the pass, its spelling, the QR code and the countdown
full screen on the screen facing them, nothing of the technician's; it follows mask, revoke and
expiry, closes with Esc, and keeps nothing of the pass once closed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from tapdesk.core.models import PassCode
from tapdesk.demo import DEMO_TECHNICIAN_UPN, DemoTenant
from tapdesk.ui.spell import spell_out
from tapdesk.ui.widgets.pass_panel import PanelState
from tapdesk.ui.window.new_hire import HIDDEN_TEXT, NO_LONGER_WORKS, NewHireView
from tests.helpers.demo import UPN, IssuedPasses
from tests.helpers.qt import confirm, decode_widget, issue, open_user, read, wait_idle
from tests.helpers.walk import contents

AVA, ANDY = UPN["ava.newhire"], UPN["andy.app"]
ROOT = Path(__file__).resolve().parents[2]


class Shown(NamedTuple):
    window: Any
    issued: IssuedPasses  # the passes Graph handed out
    code: str  # the one on show
    view: NewHireView


def _shown(qtbot: Any, make_window: Any, tenant: Any, **settings: Any) -> Shown:
    """Ava's pass issued, the technician clicks "Show to the new hire"."""
    issued = IssuedPasses(tenant)
    window = make_window(transport=issued, **settings)
    open_user(qtbot, window, "ava", AVA)
    window.form.set_path(None)  # a pass only: no checklist waits for it (the idle test)
    issue(qtbot, window)
    window.passes.new_hire_button.click()
    view = window.new_hire
    assert view is not None
    qtbot.waitExposed(view)
    # It takes the keyboard (Esc there closes it), as it does on a real screen.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    return Shown(window, issued, issued.last, view)


def _view(window: Any) -> NewHireView:
    assert window.new_hire is not None
    return window.new_hire


def _texts(view: NewHireView) -> list[str]:
    return [read(label) for label in view.findChildren(QLabel) if read(label)]


def _nothing_of(view: NewHireView, code: str) -> None:
    """No trace of the pass in the view: neither on screen nor held by its Python side."""
    assert decode_widget(view) == []
    spelled = spell_out(PassCode(code).grouped(4))
    assert [t for t in _texts(view) if code in t or spelled in t] == []
    held = contents(vars(view)) + contents(vars(view.code_label)) + contents(vars(view.qr))
    assert [o for o in held if isinstance(o, PassCode)] == []
    assert [o for o in held if isinstance(o, str) and code in o] == []
    assert not view.qr.has_code and view.code_label.plain_text() == ""


def test_it_shows_the_pass_large_and_nothing_of_the_technician(
    qtbot: Any, make_window: Any, tenant: Any
) -> None:
    window, _issued, code, view = _shown(qtbot, make_window, tenant)
    assert view.isVisible() and view.isFullScreen() and view.isWindow()
    assert view.screen() is not None and view.geometry() == view.screen().geometry()
    assert decode_widget(view) == [code]  # the QR code scans from across the desk
    assert view.code_label.plain_text().replace(" ", "") == code
    assert read(view.spelled) == spell_out(PassCode(code).grouped(4))
    assert view.code_label.font().pointSizeF() > window.passes.code_label.font().pointSizeF()
    assert read(view.upn) == AVA
    technician = window.technician
    card = window.card
    assert technician is not None and technician.name
    theirs = [DEMO_TECHNICIAN_UPN, technician.name, "Demo tenant", "demo"]
    theirs += [read(card.details), read(card.methods), read(card.existing)]
    theirs += [read(label) for label in window.header.findChildren(QLabel) if read(label)]
    shown = " | ".join(_texts(view))
    assert [t for t in theirs if t and t.lower() in shown.lower()] == []
    # The technician's panel is as it was: the pass painted, not masked.
    assert window.passes.state is PanelState.SHOWN and not window.passes.is_masked


def test_it_follows_mask_show_revoke_and_expiry(
    qtbot: Any, make_window: Any, tenant: Any, clock: Any
) -> None:
    window, issued, code, view = _shown(qtbot, make_window, tenant)
    window.activateWindow()  # the technician turns back to their own screen
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # the technician masks the pass
    assert window.passes.is_masked
    assert view.isVisible() and read(view.message) == HIDDEN_TEXT
    _nothing_of(view, code)
    window.passes.reveal_button.click()  # Show
    assert decode_widget(view) == [code] and view.message.isHidden()

    window.passes.revoke_button.click()
    confirm(qtbot, window)
    wait_idle(qtbot, window)
    assert window.passes.state is PanelState.FINAL
    assert view.isVisible() and read(view.message) == NO_LONGER_WORKS
    assert read(view.countdown_label) == "Revoked"
    _nothing_of(view, code)

    # A second pass, shown to the new hire, runs out while on screen.
    window.passes.replace_button.click()  # "Issue a new pass" once the last one is gone
    qtbot.waitUntil(lambda: window.passes.has_value, timeout=10_000)
    wait_idle(qtbot, window)
    window.passes.new_hire_button.click()
    assert decode_widget(view) == [issued.last]
    tap = window.passes.tap
    clock.advance((tap.expires - clock.now() + timedelta(seconds=1)).total_seconds())
    window.tick()
    assert view.isVisible() and read(view.message) == NO_LONGER_WORKS
    _nothing_of(view, issued.last)


def test_esc_closes_it_and_leaves_the_technicians_pass_shown(
    qtbot: Any, make_window: Any, tenant: Any
) -> None:
    window, _issued, code, view = _shown(qtbot, make_window, tenant)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not view.isVisible()
    panel = window.passes
    assert panel.state is PanelState.SHOWN and not panel.is_masked
    assert decode_widget(panel.qr) == [code]
    _nothing_of(view, code)


def test_ctrl_shift_n_opens_it_and_shows_a_masked_pass_again(
    qtbot: Any, make_window: Any, tenant: Any
) -> None:
    issued = IssuedPasses(tenant)
    window = make_window(transport=issued)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.passes.is_masked
    qtbot.keyClick(
        window,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    view = _view(window)
    assert view.isVisible() and view.isFullScreen()
    assert not window.passes.is_masked and decode_widget(view) == [issued.last]


def test_the_idle_mask_waits_while_the_new_hire_reads_their_view(
    qtbot: Any, make_window: Any, tenant: Any, clock: Any
) -> None:
    window, _issued, code, _shown_view = _shown(qtbot, make_window, tenant, hide_after_seconds=60)
    for _ in range(10):
        clock.advance(30)
        window.tick()
    assert not window.passes.is_masked and decode_widget(_view(window)) == [code]
    qtbot.keyClick(_view(window), Qt.Key.Key_Escape)
    assert not _view(window).isVisible()
    for _ in range(3):
        clock.advance(30)
        window.tick()
    assert window.passes.is_masked  # the view closed: the idle time counts again


@pytest.mark.parametrize("way", ["switch user", "sign out", "forget", "close window"])
def test_switching_user_signing_out_forgetting_or_closing_the_window_closes_it(
    qtbot: Any, make_window: Any, tenant: Any, way: str
) -> None:
    window, _issued, code, view = _shown(qtbot, make_window, tenant)
    if way == "switch user":
        open_user(qtbot, window, "andy", ANDY)
    elif way == "sign out":
        window.signin.signed_out.emit()
        wait_idle(qtbot, window)
    elif way == "forget":
        window.passes.forget_button.click()
    else:
        window.close()
    assert not view.isVisible()
    _nothing_of(view, code)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="Qt's offscreen screen configuration")
def test_it_opens_on_the_screen_facing_the_new_hire(tmp_path: Path) -> None:
    """Two screens (Qt's offscreen platform reads them from a JSON file): the technician's
    window on the bench screen, the view opens full screen on the one facing the new hire."""
    screens = [
        {"name": "bench", "x": 0, "y": 0, "width": 1280, "height": 800},
        {"name": "facing", "x": 1280, "y": 0, "width": 1920, "height": 1080},
    ]
    config = tmp_path / "screens.json"
    config.write_text(json.dumps({"screens": screens}), encoding="utf-8")
    home = tmp_path / "home"
    tenant = DemoTenant(state_path=home / "data" / "demo-tenant.json")  # what the child opens
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAPDESK_")}
    env.update(
        QT_QPA_PLATFORM=f"offscreen:configfile={config}",
        TAPDESK_HOME=str(home),
        TAPDESK_ACCESS_TOKEN=tenant.access_token(),
        XDG_DATA_HOME=str(tmp_path / "xdg"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.new_hire_child"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["screens"] == ["bench", "facing"]
    assert seen["window"] == "bench"
    assert seen["menu"] == ["2: facing 1920×1080", "1: bench 1280×800 (this window)"]
    assert seen["view"] == "facing" and seen["full_screen"]
    assert seen["geometry"] == [1280, 0, 1920, 1080]
    assert seen["decoded"] == 1
    assert seen["chosen"] == "bench"  # picked from the menu: the view moves there
    assert seen["remembered"] == "bench"  # and the button opens it there from now on
