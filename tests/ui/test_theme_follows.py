"""Windows switches between light and dark (or turns high contrast on) while tapdesk runs: every
colour the window derived from the old palette is derived again from the new one.

Checked on the pixels: the header's tint, the pass's code box and the tenant chip, grabbed after
the application's palette changed, against what the theme makes of the new palette.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QWidget

from tapdesk.ui import theme
from tapdesk.ui.dev.screenshots import dark_palette
from tapdesk.ui.theme import Tone
from tests.helpers.demo import UPN
from tests.helpers.qt import grab, issue, open_user


def painted(widget: QWidget, x: int, y: int) -> str:
    return grab(widget).pixelColor(x, y).name()


def looks(window) -> dict[str, str]:
    """A pixel of each: the header's background, the code box's, the chip's."""
    QApplication.processEvents()
    box = window.findChild(QFrame, "codeBox")
    return {
        "header": painted(window.header, 2, 2),
        "code box": painted(box, 4, box.height() // 2),
        "chip": painted(window.header.tenant, 5, window.header.tenant.height() // 2),
    }


def expected(palette: QPalette) -> dict[str, str]:
    """What the theme derives from ``palette`` for the same three places."""
    return {
        "header": theme.css(theme.tint(palette, Tone.INFO, 0.07)),
        "code box": theme.css(palette.color(QPalette.ColorRole.Base)),
        "chip": theme.css(theme.tint(palette, Tone.WARNING, 0.18)),  # the demo tenant's chip
    }


@pytest.fixture
def app_palette() -> Iterator[QApplication]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    light = QPalette(app.palette())
    yield app
    app.setPalette(light)


def test_a_theme_change_while_a_pass_shows_recolours_the_window(
    qtbot, make_window, app_palette: QApplication
) -> None:
    window = make_window()
    open_user(qtbot, window, "ava", UPN["ava.newhire"])
    issue(qtbot, window)
    light = QPalette(app_palette.palette())
    assert not theme.is_dark(light)
    assert looks(window) == expected(light)

    app_palette.setPalette(dark_palette())
    dark = app_palette.palette()
    assert looks(window) == expected(dark)
    assert QColor(looks(window)["header"]).lightness() < 64  # dark indeed

    app_palette.setPalette(light)  # and back
    assert looks(window) == expected(light)
