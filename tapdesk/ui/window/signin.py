"""Sign-in from the window: silent at start, browser / broker, device code, switch, sign-out.

Every call into ``tapdesk.auth`` runs on a worker through the task runner; the header shows a
spinner meanwhile and the outcome lands back here on the GUI thread.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from tapdesk.app.services import built
from tapdesk.core.roles import Roles, Technician
from tapdesk.errors import AuthError, TapdeskError
from tapdesk.ui.tasks import TaskRunner
from tapdesk.ui.widgets.device_code import DeviceCodeDialog
from tapdesk.ui.widgets.header import HeaderBar

if TYPE_CHECKING:
    from tapdesk.app.services import Services

log = logging.getLogger(__name__)
CHANNEL = "signin"


def technician_from(account: Any) -> Technician:
    roles = getattr(account, "roles", None)
    return Technician(
        username=str(getattr(account, "username", "") or ""),
        name=str(getattr(account, "name", "") or ""),
        roles=roles if isinstance(roles, Roles) else Roles.unknown(),
        object_id=str(getattr(account, "object_id", "") or "") or None,
    )


class SignIn(QObject):
    signed_in = Signal(object)  # Technician
    signed_out = Signal()
    failed = Signal(object)  # TapdeskError
    notice = Signal(str)

    def __init__(
        self, services: Services, runner: TaskRunner, header: HeaderBar, window: QWidget
    ) -> None:
        super().__init__(window)
        self._services = services
        self._runner = runner
        self._header = header
        self._window = window
        self._dialog: DeviceCodeDialog | None = None
        self._flow: Any = None
        self.technician: Technician | None = None
        header.sign_in_requested.connect(self.sign_in)
        header.device_code_requested.connect(self.device_code)
        header.switch_requested.connect(lambda: self.sign_in(select_account=True))
        header.sign_out_requested.connect(self.sign_out)
        header.cancel_requested.connect(self.cancel_browser)

    @property
    def auth(self) -> Any:
        return self._services.auth

    # -- start-up ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Silent sign-in from the saved cache; a token from the environment needs none."""
        if self.auth is None:
            graph = self._services.graph
            self._header.set_busy(True, "Checking the access token…")
            self._runner.submit(
                graph.me, self._token_user, self._failed_quietly, channel=CHANNEL, name="me"
            )
            return
        self._header.set_busy(True, "Signing in…")
        self._runner.submit(
            self._silent, self._after_silent, self._failed_quietly, channel=CHANNEL, name="silent"
        )

    def _silent(self) -> tuple[Any, list[str]]:
        account = self.auth.sign_in_silent()
        return account, list(self.auth.notices)

    def _after_silent(self, result: tuple[Any, list[str]]) -> None:
        account, notices = result
        for text in notices:
            self.notice.emit(text)
        if account is None:
            self._header.set_busy(False)
            self._header.show_signed_out()
            self.signed_out.emit()
        else:
            self._adopt(account)

    def _token_user(self, user: Any) -> None:
        self._header.set_busy(False)
        self.technician = Technician(
            user.user_principal_name,
            user.display_name,
            Roles.unknown(),
            object_id=user.id,
            can_sign_out=False,
        )
        self._header.show_signed_in(self.technician)
        self.signed_in.emit(self.technician)

    def _failed_quietly(self, error: TapdeskError) -> None:
        self._header.set_busy(False)
        self._header.show_signed_out()
        self.signed_out.emit()
        self.failed.emit(error)

    # -- interactive ------------------------------------------------------------------------------
    def sign_in(self, *, select_account: bool = False) -> None:
        if self.auth is None:
            return
        handle = int(self._window.winId())  # read here: winId() belongs to the GUI thread
        auth = self.auth
        self._header.set_busy(True, "Finish signing in in your browser…", cancellable=True)
        self._runner.submit(
            lambda: auth.sign_in_interactive(
                parent_window_handle=handle, select_account=select_account
            ),
            self._adopt,
            self._failed,
            channel=CHANNEL,
            name="interactive sign-in",
        )

    def cancel_browser(self) -> None:
        """Stop waiting for the browser; the pending sign-in then fails as "cancelled"."""
        auth = self.auth
        if auth is not None:
            self._runner.submit(auth.cancel_interactive, name="cancel sign-in")

    def device_code(self) -> None:
        if self.auth is None:
            return
        self._header.set_busy(True, "Starting a code sign-in…")
        self._runner.submit(
            self.auth.start_device_flow,
            self._show_code,
            self._failed,
            channel=CHANNEL,
            name="device code",
        )

    def _show_code(self, flow: Any) -> None:
        self._flow = flow
        self._header.set_busy(True, "Waiting for the code to be used…")
        dialog = DeviceCodeDialog(flow.user_code, flow.verification_uri, self._window)
        dialog.rejected.connect(self._cancel_code)
        self._dialog = dialog
        dialog.open()
        auth = self.auth
        self._runner.submit(
            lambda: auth.finish_device_flow(flow),
            self._code_done,
            self._code_failed,
            name="device code wait",
        )

    def _cancel_code(self) -> None:
        flow, self._flow = self._flow, None
        if flow is not None:
            auth = self.auth
            self._runner.submit(lambda: auth.cancel_device_flow(flow), name="cancel device code")
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

    def _code_done(self, account: Any) -> None:
        self._close_dialog()
        self._adopt(account)

    def _code_failed(self, error: TapdeskError) -> None:
        cancelled = isinstance(error, AuthError) and error.code == "cancelled"
        self._close_dialog()
        if not cancelled:
            self._failed(error)

    def shutdown(self) -> None:
        """On exit: stop any sign-in that is waiting on a person, so workers can finish."""
        auth, flow = self.auth, self._flow
        if auth is None or not built(auth):  # never signed in: nothing is waiting
            return
        if flow is not None:
            self._runner.submit(lambda: auth.cancel_device_flow(flow), name="cancel device code")
        self._runner.submit(auth.cancel_interactive, name="cancel sign-in")

    @property
    def device_dialog(self) -> DeviceCodeDialog | None:
        return self._dialog

    # -- sign-out ---------------------------------------------------------------------------------
    def sign_out(self) -> None:
        if self.auth is None:
            return
        self._header.set_busy(True, "Signing out…")
        self._runner.submit(
            self.auth.sign_out,
            lambda _: self._after_sign_out(),
            self._failed,
            channel=CHANNEL,
            name="sign-out",
        )

    def _after_sign_out(self) -> None:
        self.technician = None
        self._header.set_busy(False)
        self._header.show_signed_out("Signed out")
        self.signed_out.emit()

    # -- outcomes ---------------------------------------------------------------------------------
    def _adopt(self, account: Any) -> None:
        self._header.set_busy(False)
        self.technician = technician_from(account)
        self._header.show_signed_in(self.technician)
        self.signed_in.emit(self.technician)

    def _failed(self, error: TapdeskError) -> None:
        self._header.set_busy(False)
        cancelled = isinstance(error, AuthError) and error.code == "cancelled"
        if self.technician is None:
            self._header.show_signed_out("Sign-in cancelled" if cancelled else "")
        else:
            self._header.show_signed_in(self.technician)
        if not cancelled:
            self.failed.emit(error)
