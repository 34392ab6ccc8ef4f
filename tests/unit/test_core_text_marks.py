"""How outside text is shown in the window: one line, marks for controls, breakable runs."""

from __future__ import annotations

from tapdesk.core.text import CONTROL_MARK, LINE_MARK, ZERO_WIDTH_SPACE, breakable, one_line


def test_a_tab_is_shown_as_a_space() -> None:
    assert one_line("Ava\tLee") == "Ava Lee"


def test_line_breaks_and_other_controls_get_different_marks() -> None:
    """A line break shows ⏎, a bell or a bidi override shows �: the reader sees which."""
    assert one_line("Ava\nIT says\r\u2028ok\x07\u202e!") == (
        f"Ava{LINE_MARK}IT says{LINE_MARK}{LINE_MARK}ok{CONTROL_MARK}{CONTROL_MARK}!"
    )
    assert (LINE_MARK, CONTROL_MARK) == ("\u23ce", "\ufffd")


def test_a_long_word_gets_a_break_after_every_forty_characters() -> None:
    word = "x" * 95
    assert breakable(word) == "x" * 40 + ZERO_WIDTH_SPACE + "x" * 40 + ZERO_WIDTH_SPACE + "x" * 15
    assert breakable("Senior " + "y" * 40) == "Senior " + "y" * 40  # no run longer than 40
