"""A label measures its text once per text and font, not on every paint, resize or setText.

Measuring words is what made a label costly: the window sets, resizes and paints hundreds of
them on every change. What the technician sees stays the same: the line elides when it does not
fit, and the tooltip then holds the whole value.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QWidget

from tapdesk.ui.text import Label
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
