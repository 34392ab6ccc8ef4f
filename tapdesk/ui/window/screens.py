"""Which screen the new hire faces: benches often have a second monitor turned towards them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QScreen

from tapdesk.core.text import one_line


def screen_choices(screens: Sequence[QScreen], avoid: QScreen | None) -> list[QScreen]:
    """Every screen, the ones other than ``avoid`` (the technician's) first, in system order."""
    others = [screen for screen in screens if screen is not avoid]
    return others + [screen for screen in screens if screen is avoid]


def pick_screen(
    screens: Sequence[QScreen], avoid: QScreen | None, remembered: str | None = None
) -> QScreen | None:
    """The screen chosen last in this run if it is still there, else the first other one."""
    for screen in screens:
        if remembered is not None and screen.name() == remembered:
            return screen
    choices = screen_choices(screens, avoid)
    return choices[0] if choices else None


def screen_label(screens: Sequence[QScreen], screen: QScreen, here: QScreen | None) -> str:
    """ "2: DELL U2419H 1920×1080", numbered as the system lists them; a menu item's text, so
    an ampersand in a monitor's name is doubled (it would be a mnemonic)."""
    number = next((i for i, s in enumerate(screens, 1) if s is screen), 0)
    name = one_line(screen.model() or screen.name() or "Screen").replace("&", "&&")
    size = screen.geometry().size()
    mine = " (this window)" if screen is here else ""
    return f"{number}: {name} {size.width()}×{size.height()}{mine}"
