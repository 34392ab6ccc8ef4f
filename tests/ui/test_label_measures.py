"""A label measures its text once per text and font, not on every paint, resize or setText.
Rich text is laid out once per width, text and font, however often a layout asks.

Measuring words is what made a label costly: the window sets, resizes and paints hundreds of
them on every change. What the technician sees stays the same: the line elides when it does not
fit, and the tooltip then holds the whole value.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QWidget

from tapdesk.ui.text import Label, RichLabel
from tests.helpers.qt import tip_text

LONG = "Department of Temporary Access and Very Long Job Titles, Northwind"


class Measured(Label):
    """Counts the times the label asks for its font's metrics (every measurement does)."""

    measures = 0

    def fontMetrics(self) -> QFontMetrics:
        self.measures += 1
        return super().fontMetrics()


@pytest.mark.parametrize("wrap", [False, True], ids=["one line", "word-wrapped"])
def test_a_label_measures_its_text_again_only_for_another_text_or_font(qtbot, wrap) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(1200, 200)
    text = LONG if not wrap else LONG.replace(" ", "")  # one word wider than the label
    label = Measured(text, host)
    label.setWordWrap(wrap)
    label.setGeometry(0, 0, 120, 40)
    host.show()
    qtbot.waitExposed(host)
    assert label.elided() and text in tip_text(label.toolTip())  # the whole value on hover
    measured = label.measures

    label.resize(120, 80)  # taller only
    label.repaint()
    label.setText(text)  # the same text again
    assert label.elided()
    label.resize(1100, 80)  # wide enough now: the same measurement answers
    label.repaint()
    assert not label.elided() and label.toolTip() == ""
    label.resize(120, 80)
    assert label.elided() and text in tip_text(label.toolTip())
    assert label.measures == measured

    label.setText("Short")
    assert not label.elided() and label.toolTip() == ""
    assert label.measures == measured + 1

    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 4)
    label.setFont(font)  # another font: the same text needs more room, measured again
    assert label.elided()
    assert label.measures == measured + 2


class LaidOut(RichLabel):
    """Counts the times the label lays its rich text out for a height."""

    layouts = 0

    def _lay_out(self, width: int) -> int:
        self.layouts += 1
        return super()._lay_out(width)


def qt_height(label: QLabel, width: int) -> int:
    """What QLabel itself answers for the same text, font and wrapping."""
    plain = QLabel()
    plain.setTextFormat(Qt.TextFormat.RichText)
    plain.setWordWrap(label.wordWrap())
    plain.setFont(label.font())
    plain.setText(label.text())
    return plain.heightForWidth(width)


def test_rich_text_is_laid_out_once_per_width_text_and_font(qtbot) -> None:
    label = LaidOut("<b>Before you start</b><br>" + LONG)
    qtbot.addWidget(label)
    narrow = label.heightForWidth(150)
    assert [label.heightForWidth(150) for _ in range(5)] == [narrow] * 5
    assert narrow == qt_height(label, 150)
    assert label.heightForWidth(600) < narrow  # wider: fewer lines
    assert label.layouts == 2

    label.setText(label.text() + "<br>" + LONG)  # more text: taller at the same width
    assert label.heightForWidth(150) == qt_height(label, 150) > narrow
    assert label.layouts == 3

    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    taller = label.heightForWidth(150)
    label.setFont(font)  # a bigger font: more lines again
    assert label.heightForWidth(150) == qt_height(label, 150) > taller
    assert label.layouts == 4

    label.clear()  # no text: no lines
    assert label.heightForWidth(150) == qt_height(label, 150) < narrow

    label.setWordWrap(False)  # one line: QLabel has no height for a width then
    assert label.heightForWidth(150) == qt_height(label, 150)
