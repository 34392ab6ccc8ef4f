"""The pass in large monospaced type: groups of four, digits and symbols in their own colours,
sized to the space it has (a 48-character pass wraps by whole groups, never mid-group)."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from tapdesk.ui import theme
from tapdesk.ui.spell import CharClass, char_class
from tapdesk.ui.theme import Tone

MASK = "•"
GAP = "\u2002"  # an en space between groups: wider than a letter, narrower than two


class PassText(QLabel):
    def __init__(
        self, parent: QWidget | None = None, *, largest: float = 34.0, smallest: float = 14.0
    ) -> None:
        super().__init__(parent)
        self.setObjectName("passCode")
        self.setAccessibleName("Pass")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._largest = largest
        self._smallest = smallest
        self._groups: list[str] = []
        self._masked = False
        self._layout: tuple[int, float] | None = None
        theme.follow_palette(self, self._fit)  # digits and symbols are coloured in the HTML

    def set_groups(self, groups: list[str], *, masked: bool) -> None:
        self._groups = list(groups)
        self._masked = masked
        self._layout = None
        self._fit()

    @property
    def largest(self) -> float:
        return self._largest

    def set_largest(self, largest: float) -> None:
        """The most points the pass may take (a full-screen view sizes it to the screen)."""
        if largest != self._largest:
            self._largest = largest
            self._layout = None
            self._fit()

    def clear(self) -> None:  # also drops the value held for re-layout
        self._groups = []
        self._layout = None
        super().clear()

    def plain_text(self) -> str:
        """What a person reads (groups separated by spaces); for tests and screen readers."""
        return " ".join(MASK * len(g) if self._masked else g for g in self._groups)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    # -- layout ---------------------------------------------------------------------------------
    def _choose(self, width: float) -> tuple[int, float]:
        """Groups per line and point size: as few lines as possible at a readable size."""
        count = len(self._groups)
        readable = max(self._smallest, 22.0)
        for per_line in range(count, 0, -1):
            size = self._largest_fitting(per_line, width)
            if size >= readable or per_line == 1:
                return per_line, max(size, self._smallest)
        return 1, self._smallest

    def _largest_fitting(self, per_line: int, width: float) -> float:
        chars = per_line * 4 + (per_line - 1)
        probe = theme.pass_font(100.0)
        advance = QFontMetricsF(probe).horizontalAdvance("M" * chars) / 100.0
        if advance <= 0:
            return self._smallest
        return min(self._largest, width / advance * 0.96)

    def _fit(self) -> None:
        if not self._groups:
            return
        width = max(50.0, float(self.contentsRect().width()))
        per_line, size = self._choose(width)
        # Whole points: rich and plain text then draw the glyphs alike, and a pixel more or
        # less of width does not re-lay the pass out.
        size = float(max(math.floor(size), math.ceil(self._smallest)))
        if self._layout != (per_line, round(size, 1)):
            self._layout = (per_line, round(size, 1))
            font: QFont = theme.pass_font(size)
            self.setFont(font)
        self.setText(self._html(per_line))

    def _html(self, per_line: int) -> str:
        import html  # with the first pass, not at start-up

        palette = theme.palette()
        colours = {
            CharClass.DIGIT: theme.css(theme.ink(palette, Tone.INFO)),
            CharClass.SYMBOL: theme.css(theme.ink(palette, Tone.ERROR)),
        }
        rendered = []
        for group in self._groups:
            if self._masked:
                rendered.append(MASK * len(group))
                continue
            spans = []
            for ch in group:
                colour = colours.get(char_class(ch))
                text = html.escape(ch)
                spans.append(f'<span style="color:{colour}">{text}</span>' if colour else text)
            rendered.append("".join(spans))
        lines = [GAP.join(rendered[i : i + per_line]) for i in range(0, len(rendered), per_line)]
        return "<br>".join(lines)
