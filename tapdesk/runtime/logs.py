"""Logging set-up: a rotating file in the log dir, and stderr with --verbose.

The window and the CLI may run at once and share ``tapdesk.log``. Windows cannot rename a file
another process holds open (Python's open() does not share delete access), so a plain
RotatingFileHandler there loses every record once the file is full. Here a refused rename keeps
appending and tries again later, and a process whose file another process rotated away follows
the name to the new file.

Log lines carry ids, UPNs, statuses and request-ids. Never a pass, a token or a response body:
the modules that handle those only log identifiers, and the hygiene tests scan every record.
"""

from __future__ import annotations

import logging
import os
from io import TextIOWrapper
from pathlib import Path
from typing import cast

from tapdesk.runtime import private

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_NAME = "tapdesk.log"
BACKUPS = 3
MAX_BYTES = 1_000_000


class _SharedRotatingHandler(logging.FileHandler):
    """A log that rotates by size, and that two processes writing one file survive (see the
    module docstring). Opened (at start and after each rotation) 0600; renamed files keep that
    mode.

    The rotation of logging.handlers.RotatingFileHandler, without that module: it loads sockets
    and pickle, some 4 ms of every start of the window.
    """

    _retry_at = 0  # after a refused rename: the size at which to try again

    def __init__(self, filename: Path, *, max_bytes: int, backups: int) -> None:
        super().__init__(filename, mode="a", encoding="utf-8")
        self.maxBytes = max_bytes
        self.backupCount = backups

    def _open(self) -> TextIOWrapper:
        stream = open(  # noqa: SIM115 (the handler keeps the stream and closes it)
            self.baseFilename,
            self.mode,
            encoding=self.encoding,
            errors=self.errors,
            opener=private.opener,
        )
        return cast(TextIOWrapper, stream)  # text: the handler is given an encoding

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self.shouldRollover(record):
                self.doRollover()
            super().emit(record)
        except Exception:
            self.handleError(record)

    def shouldRollover(self, record: logging.LogRecord) -> bool:
        size = self._follow()
        return 0 < self.maxBytes <= size and size >= self._retry_at

    def _follow(self) -> int:
        """Reopen by name when the open file is no longer the one at the name (rotated away);
        returns the size of the file now written (one stat per record, as the base class's
        tell() is one seek)."""
        try:
            named: os.stat_result | None = Path(self.baseFilename).stat()
        except OSError:
            named = None
        if self.stream is not None and named is not None:
            held = os.fstat(self.stream.fileno())
            if (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino):
                return named.st_size
        if self.stream is not None:
            self.stream.close()
        self.stream = self._open()
        return os.fstat(self.stream.fileno()).st_size

    def doRollover(self) -> None:
        if self.stream:
            self.stream.close()
            self.stream = None
        base = Path(self.baseFilename)
        # Move the full file aside under a name of our own first: if that is refused, nothing
        # has been shifted or lost yet.
        aside = base.with_name(f"{base.name}.{os.getpid()}.rotating")
        try:
            base.rename(aside)
        except FileNotFoundError:
            pass  # another process rotated it a moment ago
        except OSError:
            # Windows, WinError 32: the other front end holds the file. Keep appending.
            try:
                size = base.stat().st_size
            except OSError:
                size = 0
            self._retry_at = size + max(self.maxBytes // 10, 1)
        else:
            for number in range(self.backupCount - 1, 0, -1):
                source = base.with_name(f"{base.name}.{number}")
                if source.exists():
                    source.replace(base.with_name(f"{base.name}.{number + 1}"))
            aside.replace(base.with_name(f"{base.name}.1"))
            self._retry_at = 0
        self.stream = self._open()


def configure(log_dir: Path | None, *, verbose: bool = False) -> None:
    root = logging.getLogger("tapdesk")
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in list(root.handlers):
        if getattr(handler, "_tapdesk", False):
            root.removeHandler(handler)
            handler.close()
    if verbose:
        _add(root, logging.StreamHandler(), logging.DEBUG)
    if log_dir is not None:
        try:
            private.private_dir(log_dir)
            _fix_rotated(log_dir)
            file_handler = _SharedRotatingHandler(
                log_dir / LOG_NAME, max_bytes=MAX_BYTES, backups=BACKUPS
            )
        except OSError:
            return  # a read-only profile must not stop the app
        _add(root, file_handler, logging.DEBUG if verbose else logging.INFO)
    # httpx logs one INFO line per request (method, URL, status): useful, and never bodies.
    logging.getLogger("httpx").setLevel(logging.INFO if verbose else logging.WARNING)


def _fix_rotated(log_dir: Path) -> None:
    """Rotated logs written before tapdesk made its files private."""
    for number in range(1, BACKUPS + 1):
        private.fix_mode(log_dir / f"{LOG_NAME}.{number}")


def _add(logger: logging.Logger, handler: logging.Handler, level: int) -> None:
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler._tapdesk = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
