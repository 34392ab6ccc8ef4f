"""Colours and fonts derived from the system palette, so light and dark themes both work.

Nothing here hard-codes a light background: tints are the palette's own colours blended with a
hue (red for errors, amber for warnings). The only fixed colours are the QR code's black on white.
"""

from __future__ import annotations

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
