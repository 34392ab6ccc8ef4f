"""Labels that show text as text.

QLabel guesses: a string that looks like HTML is rendered as HTML, so a displayName of
``<img src="file:///dev/zero">`` would make Qt load that file. Every label in tapdesk is one of:

- :class:`Label`: plain text on one logical line. Line breaks, control and bidi characters are
  shown as marks (:func:`tapdesk.core.text.one_line`), so a displayName cannot draw a second
  line of fake instructions. Several lines only through :meth:`Label.set_lines`. A word-wrapped
  label may break long unbroken runs; a single-line label elides what does not fit and offers
  the whole value as a tooltip, so a 128-character jobTitle never widens the window.
- :class:`RichLabel`: markup we wrote; every outside value in it goes through :func:`esc`.

Tooltips guess the same way: outside values go through :func:`plain_tip`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel, QWidget

from tapdesk.core.text import ZERO_WIDTH_SPACE, breakable, one_line

MIN_EMS = 16  # the most a label insists on, in widths of "M"


def esc(value: object) -> str:
    """An outside value, made safe to put inside markup we wrote."""
    import html  # not at start-up: no markup with outside values is painted first

    return html.escape(breakable(one_line(str(value))))


def fit_line(widget: QWidget, text: str, width: int) -> str:
    """``text`` on one line, elided to ``width`` pixels in ``widget``'s font: for buttons and
    other widgets that cannot elide by themselves and would otherwise grow to fit."""
    return widget.fontMetrics().elidedText(one_line(text), Qt.TextElideMode.ElideRight, width)


def plain_tip(*lines: str) -> str:
    """A tooltip that shows ``lines`` literally, one per line (Qt renders a tooltip that looks
    like HTML as HTML)."""
    text = "\n".join(one_line(line) for line in lines)
    normal = GuiQt.WhiteSpaceMode.WhiteSpaceNormal  # wraps long lines, unlike "pre"
    return GuiQt.convertFromPlainText(text, normal) if text.strip() else ""


class Label(QLabel):
    """Plain text, always. Word-wrapped (``setWordWrap``) or one line that elides when painted
    narrower than its text (``text()`` stays whole, for screen readers)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._value = ""
        self._lines = False
        self._tip = ""
        # Measuring the text is the costly part of a label that elides, and setText, resize and
        # paint all ask: the widest run (wrapped) or the whole line, kept until the text or
        # the font changes; the tooltip, until the text, the tip or the elision changes.
        self._measured: tuple[str, bool, int | None] | None = None  # text, wrap, pixels
        self._em: int | None = None  # the width of "M" (the least a label insists on)
        self._tipped: tuple[str, str, bool] | None = None  # value, tip, elided
        self.setText(text)

    def value(self) -> str:
        """The text as given (before marks or breaks)."""
        return self._value

    def setText(self, text: str) -> None:
        self._value = text
        self._lines = False
        self._show()

    def set_lines(self, lines: list[str]) -> None:
        """One line per item, each item kept on its own line (a word-wrapped label)."""
        self._value = "\n".join(one_line(line) for line in lines)
        self._lines = True
        self._show()

    def setWordWrap(self, on: bool) -> None:
        super().setWordWrap(on)
        if hasattr(self, "_value"):
            self._show()

    def setToolTip(self, tip: str) -> None:
        self._tip = tip
        self._retip()

    def clear(self) -> None:
        self.setText("")

    def elided(self) -> bool:
        """Whether some of the text is cut off: a single line elided, or a wrapped word wider
        than the label (then the tooltip holds the whole value)."""
        needed = self._needed()
        return needed is not None and needed > self._room()

    def _needed(self) -> int | None:
        """Pixels the text needs to show whole: its widest word when wrapped (None: no word),
        else its line."""
        text, wrap = QLabel.text(self), self.wordWrap()
        measured = self._measured
        if measured is not None and measured[0] == text and measured[1] == wrap:
            return measured[2]
        metrics = self.fontMetrics()
        if wrap:
            words = text.replace(ZERO_WIDTH_SPACE, " ").split()
            needed = max((metrics.horizontalAdvance(word) for word in words), default=None)
        else:
            needed = metrics.horizontalAdvance(text)
        self._measured = (text, wrap, needed)
        return needed

    def changeEvent(self, event: QEvent) -> None:
        # Another font (set, inherited, or from a style sheet): every width measured again.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._measured = self._em = None
            self._tipped = None
        super().changeEvent(event)

    def minimumSizeHint(self) -> QSize:
        # Our own words keep their width (a countdown is never squeezed to "1:00:…"); past
        # MIN_EMS characters a single line elides and a wrapped one wraps or clips a
        # pathological word, so no value from outside can widen the window.
        hint = super().minimumSizeHint()
        if self._em is None:
            self._em = self.fontMetrics().horizontalAdvance("M")
        hint.setWidth(min(hint.width(), self._em * MIN_EMS))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():  # a height alone cuts nothing
            self._retip()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.elided():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        room = self.contentsRect().adjusted(self.margin(), 0, -self.margin(), 0)
        text = self.fontMetrics().elidedText(
            QLabel.text(self), Qt.TextElideMode.ElideRight, room.width()
        )
        self.style().drawItemText(
            painter,
            room,
            int(self.alignment().value),
            self.palette(),
            self.isEnabled(),
            text,
            self.foregroundRole(),
        )

    def _room(self) -> int:
        return self.contentsRect().width() - 2 * self.margin()

    def _show(self) -> None:
        if self.wordWrap():
            shown = self._value if self._lines else one_line(self._value)
            shown = breakable(shown)
        else:
            shown = one_line(self._value)
        if QLabel.text(self) != shown:
            QLabel.setText(self, shown)
        self._retip()

    def _retip(self) -> None:
        tip, elided = self._tip, self.elided()
        if self._tipped == (self._value, tip, elided):
            return
        self._tipped = (self._value, tip, elided)
        if elided:
            own = [tip] if tip and not GuiQt.mightBeRichText(tip) else []
            tip = plain_tip(self._value, *own)
        if QLabel.toolTip(self) != tip:
            QLabel.setToolTip(self, tip)


class RichLabel(QLabel):
    """Markup we wrote; outside values inside it went through :func:`esc`.

    Its height for a width is kept until its text, wrapping, font or style changes. Layouts ask
    for it many times in one pass (28 asks at four widths when the checklist's notes show), and
    QLabel lays the whole rich text out again for each ask: it resets the document's font first.
    """

    _KEPT_WIDTHS = 32  # a window dragged wider asks at every width: keep only the recent ones

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        self._heights: dict[int, int] = {}
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._heights.clear()
        super().setText(text)

    def setWordWrap(self, on: bool) -> None:
        self._heights.clear()
        super().setWordWrap(on)

    def clear(self) -> None:  # QLabel's own slot would not pass through setText
        self._heights.clear()
        super().clear()

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            if len(self._heights) >= self._KEPT_WIDTHS:
                self._heights.clear()
            height = self._heights[width] = self._lay_out(width)
        return height

    def _lay_out(self, width: int) -> int:
        return super().heightForWidth(width)

    def changeEvent(self, event: QEvent) -> None:
        self._heights.clear()  # a font, style or direction change lays the text out anew
        super().changeEvent(event)
