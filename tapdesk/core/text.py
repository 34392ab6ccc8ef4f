"""Text from outside (directory fields, Graph errors, roster and flow files) is data.

Two ways to show it without letting it steer the display:

- :func:`one_line` for a window: line breaks become a visible ``⏎`` and other control or
  bidirectional-override characters a visible ``�``, so a displayName cannot draw a second line
  of fake instructions or reverse the text after it;
- :func:`escape_controls` for a terminal: every such character becomes ``\\uXXXX``, which a
  terminal prints as six harmless characters and JSON reads back as the same character.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the characters that
# reorder text (Unicode bidi embeddings, overrides, isolates and marks: "Trojan Source").
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")
_LONG_RUN = re.compile(r"\S{40}(?=\S)")

LINE_MARK = "\u23ce"  # ⏎
CONTROL_MARK = "\ufffd"  # �
ZERO_WIDTH_SPACE = "\u200b"


def _visible(match: re.Match[str]) -> str:
    char = match.group(0)
    if char == "\t":
        return " "
    return LINE_MARK if char in _LINE_BREAKS else CONTROL_MARK


def one_line(text: str) -> str:
    """``text`` on one line, every control character shown as a mark instead of obeyed."""
    return _CONTROL.sub(_visible, text)


def breakable(text: str) -> str:
    """A zero-width space after every 40 characters without a space, so a word-wrapped label
    can break a 128-character jobTitle instead of growing the window to fit it."""
    return _LONG_RUN.sub(lambda m: m.group(0) + ZERO_WIDTH_SPACE, text)


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04x}"


def escape_controls(text: str, *, keep: str = "") -> str:
    """Every control and bidi character as ``\\uXXXX``, except those in ``keep``."""
    if keep:
        return _CONTROL.sub(lambda m: m.group(0) if m.group(0) in keep else _escaped(m), text)
    return _CONTROL.sub(_escaped, text)
