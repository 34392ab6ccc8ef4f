"""The pass panel as a person sees it: grabbed pixels and decoded QR codes, checked against the
pass value Graph handed out (recorded on the wire), never against the panel's own attributes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel

from tapdesk.demo.shapes import pass_expiry
from tapdesk.ui import theme
from tapdesk.ui.spell import spell_out
from tapdesk.ui.theme import Tone
from tapdesk.ui.widgets.pass_panel import PanelState
from tests.helpers.demo import UPN, IssuedPasses
from tests.helpers.qt import (
    blank,
    confirm,
    decode_widget,
    grab,
    ink,
    issue,
    open_user,
    pixels_of,
    read,
    reference_text,
    seen,
    wait_idle,
)

AVA = UPN["ava.newhire"]
GAP = "\u2002"  # what a reader sees between two groups of four
DOTS = "••••" + GAP + "••••"  # an eight-character pass, masked


@pytest.fixture
def issued(tenant) -> IssuedPasses:
    return IssuedPasses(tenant)


def grouped(code: str) -> str:
    return GAP.join(code[i : i + 4] for i in range(0, len(code), 4))


def labels_holding(window, code: str) -> list[str]:
    """Every label in the window whose text has the pass, grouped or not, or its spelling."""
    spelled = spell_out([code[i : i + 4] for i in range(0, len(code), 4)])
    texts = [read(label) for label in window.findChildren(QLabel)]
    return [t for t in texts if code in t or grouped(code) in t or spelled in t]


def settle() -> None:
    QApplication.processEvents()  # let the layout give the label its final size


def replace(qtbot, window, issued: IssuedPasses) -> None:
    count = len(issued.values)
    window.passes.replace_button.click()
    confirm(qtbot, window)
    qtbot.waitUntil(lambda: len(issued.values) > count and window.passes.has_value)
    wait_idle(qtbot, window)


def test_a_masked_pass_paints_the_same_dots_whatever_the_pass(qtbot, make_window, issued):
    """Mask until revealed: the masked label's pixels carry nothing of the pass, nor does the QR."""
    window = make_window(mask_until_revealed=True, hide_after_seconds=0, transport=issued)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    settle()
    panel = window.passes
    first = grab(panel.code_label)
    assert ink(first) == ink(reference_text(qtbot, panel.code_label, DOTS))
    assert decode_widget(panel.qr) == []
    replace(qtbot, window, issued)
    settle()
    assert issued.values[0] != issued.values[1]
    assert grab(panel.code_label) == first  # two passes, the same pixels
    assert decode_widget(panel.qr) == []
    assert labels_holding(window, issued.last) == []


def test_show_paints_the_pass_the_tenant_issued_in_groups_of_four(qtbot, make_window, issued):
    """After Show the label paints what a plain label shows for the issued pass, grouped."""
    window = make_window(mask_until_revealed=True, hide_after_seconds=0, transport=issued)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    settle()
    panel = window.passes
    masked = grab(panel.code_label)
    panel.reveal_button.click()
    settle()
    shown = grab(panel.code_label)
    assert shown != masked
    assert ink(shown) == ink(reference_text(qtbot, panel.code_label, grouped(issued.last)))
    assert decode_widget(panel.qr) == [issued.last]
    panel.reveal_button.click()  # Mask again
    settle()
    again = grab(panel.code_label)
    assert ink(again) == ink(reference_text(qtbot, panel.code_label, DOTS))
    assert decode_widget(panel.qr) == []


def test_the_qr_on_screen_scans_to_the_pass_the_tenant_issued(qtbot, make_window, issued):
    """The QR a phone scans off the window is the issued pass (not what the widget was told)."""
    window = make_window(hide_after_seconds=0, transport=issued)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    assert decode_widget(window.passes.qr) == [issued.last]
    assert decode_widget(window) == [issued.last]  # one code in the whole window
    replace(qtbot, window, issued)
    assert decode_widget(window.passes.qr) == [issued.values[1]]


# Copying the issued pass and the clipboard clearing itself: test_pass_lifecycle.py.


def test_the_copied_pass_asks_clipboard_managers_to_keep_it_out_of_history(
    qtbot, make_window, issued
):
    """Windows history and cloud sync, Klipper and macOS managers each read their own hint."""
    window = make_window(hide_after_seconds=0, transport=issued)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    window.passes.copy_button.click()
    mime = QGuiApplication.clipboard().mimeData()
    windows = 'application/x-qt-windows-mime;value="{}"'
    hints = {
        windows.format("ExcludeClipboardContentFromMonitorProcessing"): b"1",
        windows.format("CanIncludeInClipboardHistory"): b"\x00\x00\x00\x00",  # DWORD 0: no
        "x-kde-passwordManagerHint": b"secret",
        "org.nspasteboard.ConcealedType": b"1",
    }
    assert {kind: bytes(mime.data(kind)) for kind in hints} == hints
    assert mime.text() == issued.last


@pytest.mark.parametrize("then", ["masked", "forgotten", "expired"])
def test_a_masked_or_forgotten_pass_leaves_nothing_of_it_on_screen(
    qtbot, make_window, issued, tenant, clock, then
):
    """Esc masks: the label paints dots, no QR scans, no label spells the pass out; Forget and
    expiry leave no dots either."""
    window = make_window(hide_after_seconds=0, transport=issued)
    open_user(qtbot, window, "ava", AVA)
    issue(qtbot, window)
    settle()
    panel = window.passes
    code = issued.last
    spelled = spell_out([code[:4], code[4:]])
    shown = grab(panel.code_label)
    assert not blank(shown) and decode_widget(window) == [code]
    assert seen(panel.spelled) == spelled  # what the checks below look for is really there

    qtbot.keyClick(window, Qt.Key.Key_Escape)
    if then == "forgotten":
        panel.forget_button.click()
    if then == "expired":
        clock.advance((pass_expiry(tenant.users[AVA].tap) - clock.now()).total_seconds())
        window.tick()
        wait_idle(qtbot, window)
    expected = {
        "masked": PanelState.SHOWN,
        "forgotten": PanelState.FORGOTTEN,
        "expired": PanelState.FINAL,
    }[then]
    assert panel.state is expected
    settle()
    hidden = grab(panel.code_label)
    assert hidden != shown
    if then == "masked":
        assert panel.is_masked and not blank(hidden)  # dots: the same for any pass (above)
    else:
        assert blank(hidden) and read(panel.code_label) == ""
    assert decode_widget(panel.qr) == [] and decode_widget(window) == []
    assert labels_holding(window, code) == []


def _move_to(clock, tenant, seconds_left: float) -> None:
    """The fake clock to ``seconds_left`` before the pass the tenant holds expires."""
    expires = pass_expiry(tenant.users[AVA].tap)
    clock.advance((expires - clock.now()).total_seconds() - seconds_left)


@pytest.mark.parametrize(
    ("lifetime", "threshold", "before", "after"),
    [
        (60, 900, Tone.OK, Tone.WARNING),  # a quarter of the lifetime left
        (30, 600, Tone.OK, Tone.WARNING),  # ten minutes left, whichever comes first
        (60, 360, Tone.WARNING, Tone.ERROR),  # a tenth of the lifetime left
        (10, 120, Tone.WARNING, Tone.ERROR),  # two minutes left, whichever comes first
    ],
)
def test_the_countdown_turns_amber_then_red_at_its_thresholds(
    qtbot, make_window, tenant, clock, lifetime, threshold, before, after
):
    """The countdown's text and bar are painted in the tone of the time left, switching exactly
    at the threshold (one second before it, still the earlier tone)."""
    tenant.set_policy(minimumLifetimeInMinutes=10)
    window = make_window(hide_after_seconds=0)
    open_user(qtbot, window, "ava", AVA)
    window.form.lifetime.setValue(lifetime)
    issue(qtbot, window)
    panel = window.passes
    palette = theme.palette()

    def painted(tone: Tone) -> tuple[int, int]:
        """Pixels of the tone's text colour in the countdown, of its hue in the bar."""
        text = pixels_of(grab(panel.countdown_label), theme.ink(palette, tone))
        return text, pixels_of(grab(panel.progress), theme.hue(tone))

    for seconds_left, tone, other in ((threshold + 1, before, after), (threshold, after, before)):
        _move_to(clock, tenant, seconds_left)
        window.tick()
        wait_idle(qtbot, window)
        minutes, seconds = divmod(seconds_left, 60)
        assert seen(panel.countdown_label) == f"Expires in {minutes:02d}:{seconds:02d}"
        assert min(painted(tone)) > 20 and painted(other) == (0, 0), (seconds_left, tone)
