"""Refuse politely to run elevated on Windows ("Run as administrator").

Two reasons, both named in the refusal: the Windows sign-in broker (WAM) is reported to fail in
elevated apps, and an elevated window may run under an administrator account other than the
technician's, so the audit trail would name the wrong person. Installing needs administrator
rights; running tapdesk never does.

tapdesk.app.main calls :func:`elevation_refusal` before anything else and stops with the
refusal (REFUSAL, then HOW as the hint) in a box or on stderr.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable

REFUSAL = (
    "tapdesk is running as administrator. Running elevated breaks the Windows sign-in broker, "
    "and the audit trail must name the technician who issues each pass, not an administrator "
    "account."
)
HOW = (
    "Close it and start it as yourself: from the Start menu or a normal (not 'Run as "
    "administrator') console. Installing tapdesk needs administrator rights; running it does not."
)


def _is_user_an_admin() -> bool:
    # shell32.IsUserAnAdmin: TRUE when the process token is elevated (UAC on) or the user is an
    # administrator with UAC off. https://learn.microsoft.com/windows/win32/api/shlobj_core/nf-shlobj_core-isuseranadmin
    windll = getattr(ctypes, "windll", None)
    if windll is None:
        return False
    try:
        return bool(windll.shell32.IsUserAnAdmin())
    except (AttributeError, OSError):
        return False  # no answer: never refuse on a guess


def is_elevated(
    *, platform: str | None = None, is_user_an_admin: Callable[[], bool] | None = None
) -> bool:
    """True only on Windows when this process runs with administrator rights."""
    if (platform if platform is not None else sys.platform) != "win32":
        return False
    return bool((is_user_an_admin or _is_user_an_admin)())


def elevation_refusal(
    *, platform: str | None = None, is_user_an_admin: Callable[[], bool] | None = None
) -> str | None:
    """The text to show (and then stop) when tapdesk runs elevated; None when all is well."""
    return REFUSAL if is_elevated(platform=platform, is_user_an_admin=is_user_an_admin) else None
