"""Logging set-up: a rotating file in the log dir, and stderr with --verbose.

Log lines carry ids, UPNs, statuses and request-ids. Never a pass, a token or a response body:
the modules that handle those only log identifiers, and the hygiene tests scan every record.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


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
            log_dir.mkdir(parents=True, exist_ok=True)
            file_handler = logging.handlers.RotatingFileHandler(
                log_dir / "tapdesk.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
            )
        except OSError:
            return  # a read-only profile must not stop the app
        _add(root, file_handler, logging.DEBUG if verbose else logging.INFO)
    # httpx logs one INFO line per request (method, URL, status): useful, and never bodies.
    logging.getLogger("httpx").setLevel(logging.INFO if verbose else logging.WARNING)


def _add(logger: logging.Logger, handler: logging.Handler, level: int) -> None:
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler._tapdesk = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
