"""Reading a pass aloud without mistakes: each character's class and a spoken name."""

from __future__ import annotations

from enum import StrEnum

_SYMBOL_NAMES = {
    "+": "plus",
    "-": "dash",
    "!": "exclamation mark",
    "?": "question mark",
    "#": "hash",
    "$": "dollar",
    "%": "percent",
    "&": "ampersand",
    "*": "star",
    "=": "equals",
    "@": "at",
    "/": "slash",
    "\\": "backslash",
    "_": "underscore",
    ".": "dot",
    ",": "comma",
    ":": "colon",
    ";": "semicolon",
    "^": "caret",
    "~": "tilde",
    "(": "open bracket",
    ")": "close bracket",
    "[": "open square bracket",
    "]": "close square bracket",
    "{": "open brace",
    "}": "close brace",
    "<": "less than",
    ">": "greater than",
    "'": "apostrophe",
    '"': "quote",
    "|": "vertical bar",
}
_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


class CharClass(StrEnum):
    UPPER = "upper"
    LOWER = "lower"
    DIGIT = "digit"
    SYMBOL = "symbol"


def char_class(ch: str) -> CharClass:
    if ch.isdigit():
        return CharClass.DIGIT
    if ch.isalpha():
        return CharClass.UPPER if ch.isupper() else CharClass.LOWER
    return CharClass.SYMBOL


def spoken(ch: str) -> str:
    kind = char_class(ch)
    if kind is CharClass.DIGIT and ch in "0123456789":
        return _DIGITS[int(ch)]
    if kind is CharClass.UPPER:
        return f"capital {ch}"
    if kind is CharClass.LOWER:
        return f"small {ch}"
    return _SYMBOL_NAMES.get(ch, f"symbol {ch}")


def _keep_together(text: str) -> str:
    return text.replace(" ", "\u00a0")


def spell_out(groups: list[str]) -> str:
    """ "capital X, small y, seven, plus  /  small k, …": one slash per group read aloud."""
    return "  /  ".join(", ".join(_keep_together(spoken(ch)) for ch in group) for group in groups)
