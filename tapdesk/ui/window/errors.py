"""Where an error is shown: next to the control that failed, and in the status bar.

Issuing from the form fails under the Issue button; Replace, Revoke and the checklist's pass
actions fail in the pass column, which is always in view; a search or lookup fails in the
search column; everything else (sign-in, the policy) in the banner above the work. Every error
is also in the status bar. An error about one user belongs to that user: opening another user
hides it, coming back shows it again, and one that arrives for a user no longer open waits in
the status bar, named, for when they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QStatusBar

from tapdesk.errors import TapdeskError
from tapdesk.ui.widgets.banner import Banner

STATUS_MS = 15_000


@dataclass(frozen=True, slots=True)
class _Shown:
    spot: Banner
    error: TapdeskError


class ErrorRouter:
    def __init__(
        self, status: QStatusBar, app_banner: Banner, open_user: Callable[[], str | None]
    ) -> None:
        self._status = status
        self._app = app_banner
        self._open_user = open_user  # the id of the user on screen, if any
        self._spots: list[Banner] = []
        self._by_user: dict[str, _Shown] = {}

    def add_spot(self, banner: Banner) -> None:
        """A banner beside controls that act on the open user."""
        self._spots.append(banner)
        banner.dismissed.connect(lambda: self._forget_shown(banner))

    def show(
        self,
        error: TapdeskError,
        spot: Banner | None = None,
        *,
        user_id: str | None = None,
        name: str = "",
    ) -> None:
        """``spot`` None: the banner above the work. ``user_id``: the error is about them."""
        line = f"{error.title}: {error.message}"
        if user_id is None or spot is None:
            self._status.showMessage(line, STATUS_MS)
            (spot or self._app).show_error(error)
            return
        self._by_user[user_id] = _Shown(spot, error)
        if user_id == self._open_user():
            self._status.showMessage(line, STATUS_MS)
            spot.show_error(error)
        else:
            self._status.showMessage(f"For {name or 'another user'}: {line}", STATUS_MS)

    def user_changed(self, user_id: str | None) -> None:
        """Another user on screen: the last one's errors leave, this one's come back."""
        for spot in self._spots:
            spot.hide()  # not dismiss(): the error still belongs to its user
        shown = self._by_user.get(user_id) if user_id else None
        if shown is not None:
            shown.spot.show_error(shown.error)

    def settled(self, user_id: str) -> None:
        """The user's pass action worked: their earlier error no longer applies."""
        shown = self._by_user.pop(user_id, None)
        if shown is not None and user_id == self._open_user():
            shown.spot.hide()

    def clear(self) -> None:
        """Signed out: nothing of the last technician's work stays."""
        self._by_user.clear()
        for spot in self._spots:
            spot.hide()

    def _forget_shown(self, spot: Banner) -> None:
        user_id = self._open_user()
        shown = self._by_user.get(user_id) if user_id else None
        if user_id is not None and shown is not None and shown.spot is spot:
            del self._by_user[user_id]
