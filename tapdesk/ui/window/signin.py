"""Sign-in from the window: silent at start, browser / broker, device code, switch, sign-out.

Every call into sign-in is a named operation (:mod:`tapdesk.ui.operations`) on a worker; the
header shows a spinner meanwhile and the outcome lands back here on the GUI thread.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from tapdesk.core.models import User
from tapdesk.core.roles import Roles, Technician
from tapdesk.errors import AuthError, TapdeskError
from tapdesk.ui.operations import Operations
from tapdesk.ui.widgets.device_code import DeviceCodeDialog
from tapdesk.ui.widgets.header import HeaderBar

if TYPE_CHECKING:
    from tapdesk.ui.operations import Account, DeviceFlow, SavedSignIn

log = logging.getLogger(__name__)
CHANNEL = "signin"
BROWSER_BUSY = "Finish signing in in your browser…"
# The demo tenant answers sign-in itself: no browser opens, so none is named.
DEMO_BUSY = "Signing in to the demo tenant…"
# WAM's window belongs to Windows: MSAL's public API cannot close it from here, so no Cancel.
BROKER_BUSY = "Finish signing in in the Windows sign-in window (Alt+Tab if it is hidden)…"


def technician_from(account: Account) -> Technician:
    return Technician(
        username=account.username,
        name=account.name,
        roles=account.roles,
        object_id=account.object_id or None,
    )


class SignIn(QObject):
    signed_in = Signal(object)  # Technician
    signed_out = Signal()
    failed = Signal(object)  # TapdeskError
    notice = Signal(str)
    # A shared bench found a saved sign-in: ask "Continue as …?" (Account), never assume it.
    confirm_requested = Signal(object)

    def __init__(self, ops: Operations, header: HeaderBar, window: QWidget) -> None:
        super().__init__(window)
        self._ops = ops
        self._header = header
        self._window = window
        self._dialog: DeviceCodeDialog | None = None
        self._flow: DeviceFlow | None = None
        self.technician: Technician | None = None
        self.saved: SavedSignIn | None = None  # on a shared bench, until someone answers
        header.sign_in_requested.connect(self.sign_in)
        header.device_code_requested.connect(self.device_code)
        header.switch_requested.connect(self.switch_account)
        header.sign_out_requested.connect(self.sign_out)
        header.cancel_requested.connect(self.cancel_browser)

    @property
    def signs_in(self) -> bool:
        """False when a token comes from the environment: nobody signs in or out."""
        return self._ops.backend.signs_in

    # -- start-up ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Silent sign-in from the saved cache; a token from the environment needs none."""
        if not self.signs_in:
            self._header.set_busy(True, "Checking the access token…")
            self._ops.token_user(self._token_user, self._failed_quietly, channel=CHANNEL)
            return
        if self._ops.backend.settings.shared_bench:
            self._header.set_busy(True, "Checking the saved sign-in…")
            self._ops.saved_sign_in(self._after_saved, self._failed_quietly, channel=CHANNEL)
            return
        self._header.set_busy(True, "Signing in…")
        self._ops.sign_in_silent(self._after_silent, self._failed_quietly, channel=CHANNEL)

    def _after_saved(self, result: tuple[SavedSignIn | None, list[str]]) -> None:
        saved, notices = result
        for text in notices:
            self.notice.emit(text)
        self._header.set_busy(False)
        self._header.show_signed_out()
        self.signed_out.emit()
        self.saved = saved
        if saved is not None:
            self.confirm_requested.emit(saved.account)

    def continue_as_saved(self) -> None:
        """The person at the keyboard is the saved technician: one step if their last sign-in
        is recent enough for this bench, else Entra asks them to sign in again."""
        saved = self.saved
        if saved is None:
            self.sign_in()
            return
        handle = int(self._window.winId())
        self._show_waiting()
        self._ops.continue_as(
            saved.account.username, handle, self._adopt, self._failed, channel=CHANNEL
        )

    def use_another_account(self) -> None:
        """Not the saved technician: their sign-in is wiped first, then this person signs in."""
        self.saved = None
        self._header.set_busy(True, "Signing out…")
        self._ops.sign_out(
            lambda _: self.sign_in(select_account=True), self._failed, channel=CHANNEL
        )

    def switch_account(self) -> None:
        """One click to hand the bench over: the window forgets the signed-in technician's
        work on screen and their tokens before the next person signs in."""
        if not self.signs_in:
            return
        self.technician = None
        self.signed_out.emit()
        self.use_another_account()

    def _after_silent(self, result: tuple[Account | None, list[str]]) -> None:
        account, notices = result
        for text in notices:
            self.notice.emit(text)
        if account is None:
            self._header.set_busy(False)
            self._header.show_signed_out()
            self.signed_out.emit()
        else:
            self._adopt(account)

    def _token_user(self, user: User) -> None:
        self._arrive(
            Technician(
                user.user_principal_name,
                user.display_name,
                Roles.unknown(),
                object_id=user.id,
                can_sign_out=False,
            )
        )

    def _arrive(self, technician: Technician) -> None:
        """Signed in; roles the sign-in did not carry are asked of Graph first."""
        if technician.roles.known:
            self._signed_in(technician)
            return
        self._ops.my_roles(
            lambda roles: self._signed_in(replace(technician, roles=roles)),
            lambda _error: self._signed_in(technician),  # unknown: the header says so
            channel=CHANNEL,
        )

    def _signed_in(self, technician: Technician) -> None:
        self._header.set_busy(False)
        self.technician = technician
        self.saved = None
        self._header.show_signed_in(technician)
        self.signed_in.emit(technician)

    def _failed_quietly(self, error: TapdeskError) -> None:
        self._header.set_busy(False)
        self._header.show_signed_out()
        self.signed_out.emit()
        self.failed.emit(error)

    # -- interactive ------------------------------------------------------------------------------
    def sign_in(self, *, select_account: bool = False) -> None:
        if not self.signs_in:
            return
        handle = int(self._window.winId())  # read here: winId() belongs to the GUI thread
        self._show_waiting()
        self._ops.sign_in_interactive(
            handle, select_account, self._adopt, self._failed, channel=CHANNEL
        )

    def _show_waiting(self) -> None:
        if self._ops.uses_broker():
            self._header.set_busy(True, BROKER_BUSY)
        elif not self._ops.browser_opens():
            self._header.set_busy(True, DEMO_BUSY)
        else:
            self._header.set_busy(True, BROWSER_BUSY, cancellable=True)

    def cancel_browser(self) -> None:
        """Stop waiting for the browser; the pending sign-in then fails as "cancelled"."""
        if self.signs_in:
            self._ops.cancel_interactive()

    def device_code(self) -> None:
        if not self.signs_in:
            return
        self._header.set_busy(True, "Starting a code sign-in…")
        self._ops.start_device_flow(self._show_code, self._failed, channel=CHANNEL)

    def _show_code(self, flow: DeviceFlow) -> None:
        self._flow = flow
        self._header.set_busy(True, "Waiting for the code to be used…")
        dialog = DeviceCodeDialog(flow.user_code, flow.verification_uri, self._window)
        dialog.rejected.connect(self._cancel_code)
        self._dialog = dialog
        dialog.open()
        self._ops.finish_device_flow(flow, self._code_done, self._code_failed)

    def _cancel_code(self) -> None:
        flow, self._flow = self._flow, None
        if flow is not None:
            self._ops.cancel_device_flow(flow)
        self._dialog = None
        self._header.set_busy(False)
        if self.technician is None:
            self._header.show_signed_out("Sign-in cancelled")

    def _close_dialog(self) -> None:
        dialog, self._dialog = self._dialog, None
        self._flow = None
        if dialog is not None:
            dialog.rejected.disconnect(self._cancel_code)
            dialog.accept()
            dialog.deleteLater()

    def _code_done(self, account: Account) -> None:
        self._close_dialog()
        self._adopt(account)

    def _code_failed(self, error: TapdeskError) -> None:
        cancelled = isinstance(error, AuthError) and error.code == "cancelled"
        self._close_dialog()
        if not cancelled:
            self._failed(error)

    def shutdown(self) -> None:
        """On exit: stop any sign-in that is waiting on a person, so workers can finish."""
        if not self.signs_in or not self._ops.backend.ready:  # never built: nothing waits
            return
        if self._flow is not None:
            self._ops.cancel_device_flow(self._flow)
        self._ops.cancel_interactive()

    @property
    def device_dialog(self) -> DeviceCodeDialog | None:
        return self._dialog

    # -- sign-out ---------------------------------------------------------------------------------
    def sign_out(self, note: str = "Signed out") -> None:
        """Forget the technician: the window clears at once, then the tokens are wiped."""
        if not self.signs_in:
            return
        self.technician = None
        self.saved = None
        self.signed_out.emit()
        self._header.set_busy(True, "Signing out…")
        self._ops.sign_out(lambda _: self._after_sign_out(note), self._failed, channel=CHANNEL)

    def _after_sign_out(self, note: str) -> None:
        self._header.set_busy(False)
        self._header.show_signed_out(note)

    # -- outcomes ---------------------------------------------------------------------------------
    def _adopt(self, account: Account) -> None:
        self._arrive(technician_from(account))

    def _failed(self, error: TapdeskError) -> None:
        self._header.set_busy(False)
        cancelled = isinstance(error, AuthError) and error.code == "cancelled"
        if self.technician is None:
            self._header.show_signed_out("Sign-in cancelled" if cancelled else "")
        else:
            self._header.show_signed_in(self.technician)
        if not cancelled:
            self.failed.emit(error)
