"""What reaches a terminal: our words, and outside text that cannot drive the terminal.

A displayName or a Graph error may hold escape sequences: a new window title, an OSC 52
clipboard write, a cursor move that overwrites the line next to a printed pass. Every command
writes through :class:`TerminalWriter`, which prints such characters as ``\\uXXXX``. That form
is also valid inside a JSON string, so ``--json`` output still parses to the exact values.
"""

from __future__ import annotations

from typing import TextIO, cast

from tapdesk.core.text import escape_controls


class TerminalWriter:
    """A text stream that escapes control and bidi characters (our own newlines and tabs
    stay)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(escape_controls(text, keep="\n\t"))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    @property
    def encoding(self) -> str:
        return getattr(self._stream, "encoding", None) or "utf-8"


def safe_stream(stream: TextIO) -> TextIO:
    return cast(TextIO, TerminalWriter(stream))


def field(value: object) -> str:
    """One outside value inside a line we print: its line breaks escaped too, so a displayName
    cannot start a line of its own."""
    return escape_controls(str(value))
