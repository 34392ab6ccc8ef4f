"""Refuse politely to run elevated on Windows ("Run as administrator").

Two reasons, both named in the refusal: the Windows sign-in broker (WAM) is reported to fail in
elevated apps, and an elevated window may run under an administrator account other than the
technician's, so the audit trail would name the wrong person. Installing needs administrator
rights; running tapdesk never does.

Elevated means the token Windows made for "Run as administrator" (or an installer's launch that
inherited its elevation): TokenElevationTypeFull. An administrator on a machine without UAC, or
the built-in Administrator, has a TokenElevationTypeDefault token and no way to start tapdesk
any other way, so is not refused; nor is anyone when Windows does not answer.
https://learn.microsoft.com/windows/win32/api/winnt/ne-winnt-token_elevation_type

tapdesk.app.main calls :func:`elevation_refusal` before anything else and stops with the
refusal (REFUSAL, then HOW as the hint) in a box or on stderr.
"""

from __future__ import annotations

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

TOKEN_ELEVATION_TYPE_FULL = 2  # Default = 1 (no split token), Full = 2, Limited = 3
_TOKEN_QUERY = 0x0008
_TOKEN_ELEVATION_TYPE_CLASS = 18  # TOKEN_INFORMATION_CLASS.TokenElevationType


def token_elevation_type() -> int | None:
    """This process token's TOKEN_ELEVATION_TYPE, or None when Windows does not say."""
    import ctypes  # Windows asks only: elsewhere nothing loads it at start-up

    win_dll = getattr(ctypes, "WinDLL", None)
    if win_dll is None:
        return None
    from ctypes import wintypes

    try:
        kernel32, advapi32 = win_dll("kernel32"), win_dll("advapi32")
        # Declared, so the pseudo-handle (-1) and the token keep their 64-bit width.
        kernel32.GetCurrentProcess.restype = wintypes.HANDLE
        kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
        advapi32.OpenProcessToken.argtypes = [
            wintypes.HANDLE,
            wintypes.DWORD,
            ctypes.POINTER(wintypes.HANDLE),
        ]
        advapi32.OpenProcessToken.restype = wintypes.BOOL
        advapi32.GetTokenInformation.argtypes = [
            wintypes.HANDLE,
            ctypes.c_int,
            ctypes.c_void_p,
            wintypes.DWORD,
            ctypes.POINTER(wintypes.DWORD),
        ]
        advapi32.GetTokenInformation.restype = wintypes.BOOL
        token = wintypes.HANDLE()
        if not advapi32.OpenProcessToken(
            kernel32.GetCurrentProcess(), _TOKEN_QUERY, ctypes.byref(token)
        ):
            return None
        try:
            kind, size = wintypes.DWORD(), wintypes.DWORD()
            if not advapi32.GetTokenInformation(
                token,
                _TOKEN_ELEVATION_TYPE_CLASS,
                ctypes.byref(kind),
                ctypes.sizeof(kind),
                ctypes.byref(size),
            ):
                return None
            return int(kind.value)
        finally:
            kernel32.CloseHandle(token)
    except (AttributeError, OSError, ValueError):
        return None  # no answer: never refuse on a guess


def is_elevated(
    *, platform: str | None = None, elevation_type: Callable[[], int | None] | None = None
) -> bool:
    """True only on Windows when this process was started elevated ("Run as administrator")."""
    if (platform if platform is not None else sys.platform) != "win32":
        return False
    return (elevation_type or token_elevation_type)() == TOKEN_ELEVATION_TYPE_FULL


def elevation_refusal(
    *, platform: str | None = None, elevation_type: Callable[[], int | None] | None = None
) -> str | None:
    """The text to show (and then stop) when tapdesk runs elevated; None when all is well."""
    return REFUSAL if is_elevated(platform=platform, elevation_type=elevation_type) else None
