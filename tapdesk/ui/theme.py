"""Colours and fonts derived from the system palette, so light and dark themes both work.

Nothing here hard-codes a light background: tints are the palette's own colours blended with a
hue (red for errors, amber for warnings). The only fixed colours are the QR code's black on white.

Style sheets hold colours, not palette roles, so a widget computes them with :func:`styled`,
:func:`mute` or :func:`follow_palette`: they run again when the application's palette changes
(Windows switched between light and dark, or high contrast came on, while tapdesk runs).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontInfo, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from tapdesk.core.lifecycle import Urgency
from tapdesk.core.readiness import Severity

# Monospaced faces that tell 0 from O and 1 from l and I (slashed or dotted zero, serifed 1/l).
PASS_FONTS = ("Cascadia Mono", "DejaVu Sans Mono", "Consolas", "Menlo", "SF Mono", "Noto Sans Mono")
LARGE_TEXT_FACTOR = 1.3


class Tone(StrEnum):
    INFO = "info"
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


# How a readiness finding looks, wherever it is shown (card, roster queue).
SEVERITY_TONES = {
    Severity.BLOCKS: Tone.ERROR,
    Severity.WARNING: Tone.WARNING,
    Severity.INFO: Tone.INFO,
}
ICONS = {Tone.ERROR: "✖", Tone.WARNING: "⚠", Tone.INFO: "ℹ", Tone.OK: "✓"}

_HUES = {
    Tone.INFO: QColor(45, 125, 210),
    Tone.OK: QColor(46, 160, 67),
    Tone.WARNING: QColor(214, 140, 0),
    Tone.ERROR: QColor(215, 58, 73),
}
_URGENCY_TONES = {
    Urgency.OK: Tone.OK,
    Urgency.WARNING: Tone.WARNING,
    Urgency.CRITICAL: Tone.ERROR,
    Urgency.DONE: Tone.ERROR,
}


def palette() -> QPalette:
    """The application's palette (the system's light or dark one).

    Colours are derived from it rather than from a widget's own palette: a style sheet rewrites
    the widget's palette, and tinting that again would compound on every restyle.
    """
    return QGuiApplication.palette()


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``amount`` of ``b`` over ``a``."""
    keep = 1.0 - amount
    return QColor(
        round(a.red() * keep + b.red() * amount),
        round(a.green() * keep + b.green() * amount),
        round(a.blue() * keep + b.blue() * amount),
    )


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def hue(tone: Tone) -> QColor:
    return QColor(_HUES[tone])


def tint(palette: QPalette, tone: Tone, amount: float = 0.14) -> QColor:
    """A background for a banner or chip: the window colour leaning towards ``tone``."""
    return mix(
        palette.color(QPalette.ColorRole.Window),
        _HUES[tone],
        amount * (1.6 if is_dark(palette) else 1),
    )


def ink(palette: QPalette, tone: Tone) -> QColor:
    """Text in ``tone`` that stays readable on the window colour."""
    text = palette.color(QPalette.ColorRole.WindowText)
    return mix(_HUES[tone], text, 0.45 if is_dark(palette) else 0.5)


def muted(palette: QPalette) -> QColor:
    """Secondary text: the text colour a third of the way towards the background."""
    return mix(
        palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window), 0.35
    )


def luminance(colour: QColor) -> float:
    """Relative luminance (WCAG 2): 0 for black, 1 for white."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(colour.red())
        + 0.7152 * linear(colour.green())
        + 0.0722 * linear(colour.blue())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio, from 1 (the same) to 21 (black on white)."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


FOCUS_CONTRAST = 3.0  # WCAG 2.2's least for a focus indicator against what is next to it


def focus_colour(palette: QPalette) -> QColor:
    """The focus ring: the palette's highlight a fifth of the way towards the text colour (darker
    on light windows, lighter on dark ones), further if it would not stand out from the window."""
    highlight = palette.color(QPalette.ColorRole.Highlight)
    text = palette.color(QPalette.ColorRole.WindowText)
    window = palette.color(QPalette.ColorRole.Window)
    amount = 0.2
    colour = mix(highlight, text, amount)
    while contrast(colour, window) < FOCUS_CONTRAST and amount < 1.0:
        amount = min(1.0, amount + 0.1)
        colour = mix(highlight, text, amount)
    return colour


def urgency_tone(urgency: Urgency) -> Tone:
    return _URGENCY_TONES[urgency]


def pass_font(point_size: float) -> QFont:
    """The first installed face of :data:`PASS_FONTS`, else the system's fixed font."""
    families = set(QFontDatabase.families())
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    for family in PASS_FONTS:
        if family in families:
            font = QFont(family)
            break
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setFixedPitch(True)
    font.setPointSizeF(point_size)
    font.setWeight(QFont.Weight.DemiBold)
    return font


def is_monospaced(font: QFont) -> bool:
    return QFontInfo(font).fixedPitch()


def scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


def apply_large_text(app: QApplication, enabled: bool) -> None:
    """The bench setting: every widget a size up (the pass and headings scale with it).

    Windows built afterwards pick it up; the system size is remembered, so it can be undone.
    """
    font = app.font()
    base = app.property("tapdeskBasePointSize")
    if not isinstance(base, float):
        base = max(font.pointSizeF(), 10.0)
        app.setProperty("tapdeskBasePointSize", base)
    font.setPointSizeF(base * (LARGE_TEXT_FACTOR if enabled else 1.0))
    app.setFont(font)


def css(color: QColor) -> str:
    return color.name(QColor.NameFormat.HexRgb)


_RESTYLE = "_tapdesk_restyle"  # the attribute that holds a widget's palette callback


def follow_palette(widget: QWidget, restyle: Callable[[], None]) -> None:
    """Run ``restyle`` now, and again whenever the application's palette changes.

    One callback per widget: the last one given replaces the one before. It should read the
    widget's current state (its tone, whether it is active), not what it was when registered.
    """
    restyle()
    setattr(widget, _RESTYLE, restyle)


def styled(widget: QWidget, sheet: Callable[[], str]) -> None:
    """``widget``'s style sheet from ``sheet()``, now and after every palette change."""
    follow_palette(widget, lambda: set_sheet(widget, sheet()))


def set_sheet(widget: QWidget, sheet: str) -> None:
    """Set ``widget``'s style sheet unless it has that one already: setting it polishes the
    widget and its children again, which a row restyled to the same tone need not pay."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def mute(widget: QWidget) -> None:
    """Secondary text (:func:`muted`) that follows the palette."""
    styled(widget, lambda: f"color: {css(muted(palette()))};")


def restyle_all() -> None:
    """Every live widget's palette callback, once (the palette just changed)."""
    for widget in QApplication.allWidgets():
        restyle = getattr(widget, _RESTYLE, None)
        if restyle is not None:
            restyle()


def follow_system_palette(app: QApplication) -> None:
    """Restyle every widget when the application's palette changes, for the life of ``app``.

    QGuiApplication.paletteChanged is emitted for a theme change of the system as for setPalette
    (qguiapplication.cpp, sendApplicationPaletteChange). Qt 6 marks it deprecated in favour of
    the ApplicationPaletteChange event, which only an event filter on the whole application
    could see, at the cost of a Python call for every event of every object.
    """
    if app.property("tapdeskFollowsPalette") is True:
        return
    app.setProperty("tapdeskFollowsPalette", True)
    app.paletteChanged.connect(restyle_all)


def code_box_sheet(object_name: str, radius: int) -> str:
    """The framed box a pass is written in (the panel's and the new hire's view)."""
    colours = palette()
    base = colours.color(colours.ColorRole.Base)
    return (
        f"#{object_name} {{ background: {css(base)};"
        f" border: 1px solid {css(tint(colours, Tone.INFO, 0.45))};"
        f" border-radius: {radius}px; }}"
    )
