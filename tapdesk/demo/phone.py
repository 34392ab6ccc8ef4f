"""The new hire's phone (and laptop): what they do after the technician reads out the pass.

Each action changes the tenant the way the real one would, so the app's checklist, which only
polls Graph, ticks itself: Authenticator appears, a passkey appears, a one-time pass turns
``OneTimeUsed``, a Windows Hello key appears. The pass value is never needed: the simulated
user "types" it off screen.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import timedelta

from tapdesk.core.clock import Clock
from tapdesk.demo import passes, shapes
from tapdesk.demo.model import DemoUser, JsonDict
from tapdesk.demo.store import StateStore

ODATA = "@odata.type"
_AUTHENTICATOR = "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod"
# "Users must complete multifactor authentication (MFA) within the past five minutes before they
# can register a passkey (FIDO2)": learn.microsoft.com/en-us/entra/identity/authentication/
# how-to-authentication-passkeys-fido2. The demo's only multifactor sign-in is the pass's.
PASSKEY_MFA_FRESHNESS = timedelta(minutes=5)
STALE_SIGN_IN = "sign-in older than 5 minutes"


class PassNotUsable(RuntimeError):
    """The sign-in with the pass failed; ``reason`` is Graph's methodUsabilityReason or a note."""

    def __init__(self, upn: str, reason: str) -> None:
        super().__init__(f"{upn} cannot sign in with a Temporary Access Pass: {reason}")
        self.reason = reason


class Phone:
    def __init__(self, store: StateStore, clock: Clock, upn: str) -> None:
        self._store = store
        self._clock = clock
        self.upn = upn

    def sign_in_with_pass(self) -> None:
        """Sign in with the current pass; a one-time pass is then spent."""

        def sign_in(user: DemoUser, policy: JsonDict) -> None:
            if user.tap is None:
                raise PassNotUsable(self.upn, "no pass")
            if not user.account_enabled:
                raise PassNotUsable(self.upn, "account disabled")
            reason = passes.usability(user.tap, user, policy, self._clock.now())
            if reason != "EnabledByPolicy":
                raise PassNotUsable(self.upn, reason)
            user.tap.used_at = self._clock.now()

        self._change(sign_in)

    def register_authenticator(self, platform: str = "ios") -> None:
        """Add the work account to Microsoft Authenticator (push and phone sign-in)."""
        self._change(lambda user, _policy: self._add_authenticator(user, platform))

    def create_passkey(self, platform: str = "ios") -> None:
        """Create a passkey in Authenticator; signs the account into Authenticator if needed.

        The passkey is made on a phone that holds the account, so names match from step to
        step: an account in Authenticator on the Pixel only gets its passkey on the Pixel,
        whichever button was pressed."""

        def create(user: DemoUser, _policy: JsonDict) -> None:
            phones = [shapes.platform_of(m) for m in user.methods if m[ODATA] == _AUTHENTICATOR]
            phone = platform if platform in phones or not phones else phones[-1] or platform
            self._add_authenticator(user, phone)
            method_id = secrets.token_urlsafe(32)
            user.methods.append(shapes.passkey_method(method_id, self._clock.now(), phone))

        self._change(create)

    def register_security_key(self) -> None:
        """Add a passkey on a FIDO2 security key at Security info, which needs a multifactor
        sign-in (here: with the pass) within the past five minutes."""

        def register(user: DemoUser, _policy: JsonDict) -> None:
            now = self._clock.now()
            used = user.tap.used_at if user.tap is not None else None
            if used is None or now - used > PASSKEY_MFA_FRESHNESS:
                raise PassNotUsable(self.upn, STALE_SIGN_IN)
            user.methods.append(shapes.security_key_method(secrets.token_urlsafe(32), now))

        self._change(register)

    def register_windows_hello(self) -> None:
        method_id = str(uuid.uuid4())  # Windows Hello ids are GUID-shaped (Graph's examples)
        self._change(
            lambda user, _policy: user.methods.append(
                shapes.windows_hello_method(method_id, self._clock.now())
            )
        )

    def _add_authenticator(self, user: DemoUser, platform: str) -> None:
        if any(
            m[ODATA] == _AUTHENTICATOR and shapes.platform_of(m) == platform for m in user.methods
        ):
            return  # one Authenticator registration per account on each phone
        method = shapes.authenticator_method(str(uuid.uuid4()), self._clock.now(), platform)
        user.methods.append(method)

    def _change(self, action: Callable[[DemoUser, JsonDict], None]) -> None:
        with self._store.transaction() as state:
            user = state.find_user(self.upn)
            if user is None:
                raise KeyError(f"no user {self.upn} in the demo tenant")
            action(user, state.policy)
