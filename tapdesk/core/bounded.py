"""Reading a file named from outside (roster, configuration, flow) without trusting the name.

The one reader for such files: it takes regular files only and never more than ``limit`` bytes,
so a symlink to ``/dev/zero``, a named pipe with no writer or a multi-gigabyte file can neither
hang tapdesk nor fill its memory. It lives in ``core`` because the flow loader here needs it too.
:func:`utf8_text` is the one decoder of what it read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# O_NONBLOCK: a FIFO swapped in after the stat must not block the open. O_NOCTTY: a terminal
# must not become ours. Neither exists on Windows, where O_BINARY does.
_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
)
_CHUNK = 1 << 16


class RefusedFile(Exception):
    """A path that is not read: its ``str`` completes "<file> ..." for the caller's message."""


class NotRegularFile(RefusedFile):
    def __init__(self, kind: str) -> None:
        super().__init__(f"is {kind}, not a regular file")
        self.kind = kind


class TooLarge(RefusedFile):
    def __init__(self, limit: int) -> None:
        super().__init__(f"is larger than {describe_size(limit)}")
        self.limit = limit


class NotUtf8(ValueError):
    """Bytes that are not UTF-8 text: ``utf16`` when a UTF-16 byte order mark starts them, else
    ``line`` (1-based) holds the first byte UTF-8 does not allow."""

    def __init__(self, *, utf16: bool, line: int) -> None:
        super().__init__("saved as UTF-16" if utf16 else f"not UTF-8 (line {line})")
        self.utf16 = utf16
        self.line = line


# Windows PowerShell 5.1's ">" and Out-File save UTF-16LE with a BOM, Set-Content the ANSI code
# page (about_Character_Encoding, PowerShell 5.1: https://learn.microsoft.com/powershell/module/
# microsoft.powershell.core/about/about_character_encoding?view=powershell-5.1).
SAVE_AS_UTF8 = (
    "Save it as UTF-8: in PowerShell, Set-Content -Encoding UTF8 (or Out-File -Encoding "
    "utf8); in Notepad, Save as with Encoding UTF-8."
)
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def utf8_text(raw: bytes) -> str:
    """The text of a file that must be UTF-8, its byte order mark (optional) dropped."""
    if raw.startswith(_UTF16_MARKS):
        raise NotUtf8(utf16=True, line=1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotUtf8(utf16=False, line=raw[: exc.start].count(b"\n") + 1) from None


def describe_size(size: int) -> str:
    """5000000 -> "5 MB", 262144 -> "256 KiB": the way the limit was written."""
    for unit, name in ((1 << 20, "MiB"), (1 << 10, "KiB"), (1_000_000, "MB"), (1_000, "kB")):
        if size >= unit and size % unit == 0:
            return f"{size // unit} {name}"
    return f"{size:,} bytes"


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _refuse_special(mode: int) -> None:
    kind = _kind(mode)
    if kind is not None:
        raise NotRegularFile(kind)


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path`` (symlinks followed).

    Raises :class:`NotRegularFile`, :class:`TooLarge` (after reading at most ``limit + 1``
    bytes, whatever the file claims its size is) or the ``OSError`` of the open or read.
    """
    # Looked at before opening: opening a device or a FIFO can have effects of its own.
    _refuse_special(path.stat().st_mode)
    fd = os.open(path, _FLAGS)
    try:
        _refuse_special(os.fstat(fd).st_mode)  # the name may point elsewhere since the stat
        data = _read_at_most(fd, limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise TooLarge(limit)
    return data


def _read_at_most(fd: int, count: int) -> bytes:
    chunks: list[bytes] = []
    left = count
    while left > 0:
        chunk = os.read(fd, min(left, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
