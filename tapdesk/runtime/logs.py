"""Logging set-up: a rotating file in the log dir, and stderr with --verbose.

Log lines carry ids, UPNs, statuses and request-ids. Never a pass, a token or a response body:
the modules that handle those only log identifiers, and the hygiene tests scan every record.
"""

from __future__ import annotations

import logging
import logging.handlers
from io import TextIOWrapper
from pathlib import Path
from typing import cast

from tapdesk.runtime import private

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_NAME = "tapdesk.log"
BACKUPS = 3


class _PrivateRotatingHandler(logging.handlers.RotatingFileHandler):
    """Opens the log (at start and after each rotation) 0600; renamed files keep that mode."""

    def _open(self) -> TextIOWrapper:
        stream = open(  # noqa: SIM115 (the handler keeps the stream and closes it)
            self.baseFilename,
            self.mode,
            encoding=self.encoding,
            errors=self.errors,
            opener=private.opener,
        )
        return cast(TextIOWrapper, stream)  # text: the handler is given an encoding


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
            file_handler = _PrivateRotatingHandler(
                log_dir / LOG_NAME, maxBytes=1_000_000, backupCount=BACKUPS, encoding="utf-8"
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
