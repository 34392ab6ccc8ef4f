"""What reaches a terminal: our words, and outside text that cannot drive the terminal.

A displayName or a Graph error may hold escape sequences: a new window title, an OSC 52
clipboard write, a cursor move that overwrites the line next to a printed pass. Every command
writes through :class:`TerminalWriter`, which prints such characters as ``\\uXXXX``. That form
is also valid inside a JSON string, so ``--json`` output still parses to the exact values.
"""

from __future__ import annotations

import contextlib
import io
import os
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


def say_line(err: TextIO, line: str) -> bool:
    """``tapdesk: <line>`` on ``err``, flushed. False when ``err`` cannot take it (closed, a
    broken pipe, a console gone): the caller then leaves the line to the log."""
    try:
        err.write(f"tapdesk: {line}\n")
        err.flush()
    except (OSError, ValueError):
        return False
    return True


def utf8(stream: TextIO) -> TextIO:
    """The stream set to write UTF-8, whatever the console's code page.

    On Windows, output redirected to a file or a pipe is encoded in the ANSI code page (cp1252),
    which has no "Ł", no QR half blocks: the write would fail after the pass was created. The
    frozen build sets Python's UTF-8 mode (packaging/tapdesk.spec); this covers ``python -m
    tapdesk`` and any stream handed in. ``backslashreplace``: the one thing UTF-8 cannot
    encode, a lone surrogate in a directory field, prints as ``\\udXXX`` instead of failing
    the whole write (and with it, the pass). A stream that is not a TextIOWrapper (StringIO)
    holds text, not bytes, and is left alone.
    """
    if isinstance(stream, io.TextIOWrapper):
        # closed or broken already: the first write says so
        with contextlib.suppress(OSError, ValueError):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")  # flushes first
    return stream


def discard(stream: TextIO) -> None:
    """After a failed write: what is still buffered for an OS stream goes to the null device.

    Otherwise Python flushes it again at exit, fails again, prints "Exception ignored ...
    BrokenPipeError" and exits 120 (the recipe of the Python docs, signal module, "Note on
    SIGPIPE"). A stream without a file descriptor (a test's) has nothing to discard."""
    inner = stream._stream if isinstance(stream, TerminalWriter) else stream
    try:
        target = inner.fileno()
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is an OSError
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, target)
    finally:
        os.close(null)
