"""The words of a shared bench, one owner for the window and the command line."""

from __future__ import annotations

from tapdesk.core.text import one_line


def last_to_sign_in(name: str, username: str) -> str:
    """Who the saved sign-in belongs to, said before anyone may use it."""
    who = one_line(name or username)
    return f"{who} ({one_line(username)}) was the last to sign in on this computer."
