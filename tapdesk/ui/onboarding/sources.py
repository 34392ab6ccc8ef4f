"""Flow lines as rich text that says where each comes from: a small "Why?" after a line that
cites Microsoft pages (hover: the pages; click: the first opens), a muted "field-tested" mark
where no page documents it. A line of tapdesk's own (``house``) gets no mark.

Flow text is data: every line goes through :func:`~tapdesk.ui.text.esc`, and no href is ever
text from a file. A link is ``why:<n>``, an index into the page lists kept beside the markup,
or ``tested``; the pages (which the flow parser accepted: https on Microsoft's documentation
hosts) reach the screen only as a plain-text tooltip and leave only through ``openUrl``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QCursor, QDesktopServices
from PySide6.QtWidgets import QToolTip, QWidget

from tapdesk.core.flows import Line
from tapdesk.ui import theme
from tapdesk.ui.text import RichLabel, esc, plain_tip

WHY_TIP = "Microsoft documents this:"
FIELD_TESTED_TIP = "No Microsoft page documents this; it is what works in the field."
_WHY = "why:"
_TESTED = "tested"


@dataclass(frozen=True, slots=True)
class Marked:
    """One label's markup and the pages its ``why:<n>`` links stand for."""

    html: str = ""
    pages: tuple[tuple[str, ...], ...] = ()


class Marker:
    """Builds one label's markup, keeping the pages of each "Why?" it writes."""

    def __init__(self) -> None:
        self._pages: list[tuple[str, ...]] = []
        # Read at build time: a palette change rebuilds (the label caches on the markup).
        self._muted = theme.css(theme.muted(theme.palette()))

    def why(self, pages: tuple[str, ...]) -> str:
        if not pages:
            return ""
        self._pages.append(pages)
        return self._mark(f"{_WHY}{len(self._pages) - 1}", "Why?")

    def marks(self, line: Line) -> str:
        """``line``'s own mark: its pages, else "field-tested", else (house, or unsourced) none."""
        if line.cite:
            return self.why(line.cite)
        return self._mark(_TESTED, "<i>field-tested</i>") if line.field_tested else ""

    def text(self, line: Line) -> str:
        return esc(line.text) + self.marks(line)

    def lines(self, lines: Iterable[Line], prefix: str) -> list[str]:
        """Each line after ``prefix`` (our own markup, e.g. "⚠ "), with its mark."""
        return [f"{prefix}{self.text(line)}" for line in lines]

    def done(self, html: str) -> Marked:
        return Marked(html, tuple(self._pages))

    def _mark(self, href: str, words: str) -> str:
        style = f"color: {self._muted}; text-decoration: none;"
        return f"&nbsp;<a href='{href}' style='{style}'><small>{words}</small></a>"


def lines_marked(lines: Iterable[Line], prefix: str, heading: str = "") -> Marked:
    """Rendered lines (:func:`tapdesk.core.flow_text.render`), one a line after ``prefix``
    (our own markup, e.g. "⚠ "), under an optional bold ``heading``; nothing when none."""
    marker = Marker()
    shown = marker.lines(lines, prefix)
    if not shown:
        return Marked()
    head = f"<div><b>{esc(heading)}</b></div>" if heading else ""
    return marker.done(head + "<br>".join(shown))


def field_tested_tip() -> str:
    return plain_tip(FIELD_TESTED_TIP)


class SourcedLabel(RichLabel):
    """Rich text from a :class:`Marker`: its links show their pages and open the first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.marked = Marked()
        self.setOpenExternalLinks(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.linkHovered.connect(self._hovered)
        self.linkActivated.connect(self._activated)

    def show_marked(self, marked: Marked) -> None:
        # Rows redraw often; laying out rich text again only when it changed keeps that cheap.
        if marked != self.marked:
            self.marked = marked
            self.setText(marked.html)

    def pages(self, href: str) -> tuple[str, ...]:
        """The pages a ``why:<n>`` link stands for (none for any other href)."""
        number = href.removeprefix(_WHY)
        if not href.startswith(_WHY) or not number.isdigit():
            return ()
        index = int(number)
        return self.marked.pages[index] if index < len(self.marked.pages) else ()

    def tip(self, href: str) -> str:
        if href == _TESTED:
            return field_tested_tip()
        pages = self.pages(href)
        return plain_tip(WHY_TIP, *pages) if pages else ""

    def _hovered(self, href: str) -> None:
        tip = self.tip(href)
        if tip:
            QToolTip.showText(QCursor.pos(), tip, self)
        else:
            QToolTip.hideText()

    def _activated(self, href: str) -> None:
        pages = self.pages(href)
        if pages:
            QDesktopServices.openUrl(QUrl(pages[0], QUrl.ParsingMode.StrictMode))
        else:
            self._hovered(href)  # "field-tested": a click (or Enter) explains it too
