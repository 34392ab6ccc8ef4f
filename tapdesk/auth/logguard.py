"""Keep credentials out of MSAL's log records.

MSAL logs at DEBUG the loopback listener's auth response (an authorization code) and token
cache events; it masks tokens in the latter, but tapdesk does not stake a secret on a library's
masking staying complete. A filter on every ``msal.*`` logger drops its DEBUG records whatever
level someone configures, and masks anything shaped like a JWT in the rest.
"""

from __future__ import annotations

import logging
import re

_JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*")


class _MsalGuard(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO:
            return False
        text = record.getMessage()
        if _JWT.search(text):
            record.msg, record.args = _JWT.sub("<redacted>", text), None
        return True


_GUARD = _MsalGuard("msal")


def guard_msal_logging() -> None:
    """Attach the guard to every MSAL logger that exists now (idempotent).

    Logger filters are not inherited, and MSAL creates some loggers only when an app object is
    built, so call this again after building one.
    """
    names = [n for n in logging.Logger.manager.loggerDict if n == "msal" or n.startswith("msal.")]
    for name in ("msal", *names):
        logger = logging.getLogger(name)
        if _GUARD not in logger.filters:
            logger.addFilter(_GUARD)
