"""How a technician proves who they are: the Windows broker, the system browser, a device code.

The browser sign-in does not use ``acquire_token_interactive``: that call cannot be cancelled
from another thread, and it takes the browser from ``webbrowser``'s global registry rather than
the launcher tapdesk injects. MSAL's public API has no cancellable interactive sign-in; the
smallest public-API answer is ``initiate_auth_code_flow`` + ``acquire_token_by_auth_code_flow``
(MSAL still builds the request and checks PKCE, state and nonce) with our own loopback listener
(``tapdesk.auth.loopback``) receiving the ``form_post`` on ``http://localhost:<port>``. Only
public MSAL calls are used here: no ``msal.<module>`` import (a test checks all of tapdesk).
"""

from __future__ import annotations

import importlib.util
import logging
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import msal

from tapdesk.auth.loopback import Fields, LoopbackListener
from tapdesk.auth.outcomes import CANCELLED, TIMED_OUT
from tapdesk.config import Settings
from tapdesk.core.clock import Clock
from tapdesk.errors import AuthError

log = logging.getLogger(__name__)

OpenBrowser = Callable[[str], bool]


def wants_broker(settings: Settings, platform: str | None = None) -> bool:
    """The site asks for WAM and this is Windows (the only platform tapdesk uses it on)."""
    return settings.broker and (platform or sys.platform) == "win32"


def use_broker(settings: Settings, platform: str | None = None) -> bool:
    """WAM on Windows when the setting allows it and ``msal[broker]`` is installed.

    Without pymsalruntime MSAL refuses to build a broker-enabled app, so check first.
    """
    if not wants_broker(settings, platform):
        return False
    return importlib.util.find_spec("pymsalruntime") is not None


def broker_problem() -> str | None:
    """Why WAM's runtime cannot load (the exception's type), or None when it loads.

    MSAL imports pymsalruntime while it builds a broker app (msal/broker.py); a missing or
    quarantined DLL fails that import with ImportError, a native loader with OSError.
    """
    try:
        importlib.import_module("pymsalruntime")
    except (ImportError, OSError) as exc:
        return type(exc).__name__
    return None


def system_browser(url: str) -> bool:
    # In a frozen Linux build the browser must not inherit the bundle's library path.
    from tapdesk.runtime.frozen import open_url

    return open_url(url)


class BrowserSignIn:
    """One system-browser sign-in with a loopback redirect."""

    def __init__(self, open_browser: OpenBrowser) -> None:
        self._open_browser = open_browser
        self._cancelled = threading.Event()
        self._listener: LoopbackListener | None = None  # while waiting for the redirect

    def run(
        self,
        app: msal.PublicClientApplication,
        scopes: Sequence[str],
        *,
        prompt: str | None,
        login_hint: str | None,
        timeout: float,
        max_age: int | None = None,
    ) -> dict[str, Any]:
        with LoopbackListener() as listener:  # listening before the browser opens
            flow = app.initiate_auth_code_flow(
                list(scopes),
                # The app registration's redirect URI; the listener itself is on 127.0.0.1.
                redirect_uri=f"http://localhost:{listener.port}",
                prompt=prompt,
                login_hint=login_hint,
                response_mode="form_post",  # the code travels in a POST body, not the URL
                max_age=max_age,  # MSAL then checks the ID token's auth_time against it
            )
            self._listener = listener
            try:
                response = self._wait(listener, flow, timeout)
            finally:
                self._listener = None
        result: dict[str, Any] = app.acquire_token_by_auth_code_flow(
            flow, response, scopes=list(scopes)
        )
        return result

    def _wait(self, listener: LoopbackListener, flow: dict[str, Any], timeout: float) -> Fields:
        # Checked after ``_listener`` is set, so a cancel that came earlier is not missed.
        if self._cancelled.is_set():
            raise AuthError(CANCELLED, code="cancelled")
        if not self._launch(flow["auth_uri"]):
            raise AuthError(
                "No web browser could be opened for the sign-in.",
                hint="Use device code sign-in instead.",
                code="no_browser",
            )
        response = listener.wait(timeout, state=flow["state"])
        if self._cancelled.is_set():
            raise AuthError(CANCELLED, code="cancelled")
        if response is None:
            raise AuthError(
                TIMED_OUT, hint="Sign in again and finish in the browser.", code="timeout"
            )
        return response

    def _launch(self, url: str) -> bool:
        try:
            return self._open_browser(url)
        except Exception as exc:  # webbrowser.Error, OSError from a broken $BROWSER...
            log.info("browser did not open: %s", type(exc).__name__)
            return False

    def cancel(self) -> None:
        """Stop waiting for the browser (from any thread); ``run`` raises AuthError."""
        self._cancelled.set()
        listener = self._listener
        if listener is not None:
            listener.cancel()


class DeviceFlow:
    """A device-code sign-in in progress: what the technician must see, and a way to stop it.

    The device code itself stays inside (whoever holds it gets the tokens once the user
    approves), so it is in neither ``repr`` nor any public attribute.
    """

    __slots__ = ("_cancelled", "_raw", "expires_at", "message", "user_code", "verification_uri")

    def __init__(self, raw: dict[str, Any], clock: Clock) -> None:
        self._raw = raw
        self._cancelled = threading.Event()
        self.user_code: str = raw["user_code"]
        self.verification_uri: str = raw["verification_uri"]
        self.message: str = raw.get("message") or (
            f"To sign in, open {self.verification_uri} and enter the code {self.user_code}."
        )
        self.expires_at: datetime = clock.now() + timedelta(seconds=int(raw["expires_in"]))

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()
        # MSAL's polling loop checks this between its one-second sleeps.
        self._raw["expires_at"] = 0

    @property
    def msal_flow(self) -> dict[str, Any]:
        return self._raw

    def __repr__(self) -> str:
        return f"DeviceFlow(user_code={self.user_code!r}, expires_at={self.expires_at:%H:%M:%S})"
