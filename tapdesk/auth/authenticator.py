"""The technician's sign-in: one MSAL public client per tenant, its token cache, its account.

Every method may block (network, keyring, a browser or a device code): call them from a worker,
never from the GUI thread. The object is thread-safe; only one interactive sign-in (browser,
broker or device code) runs at a time.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import msal
from keyring.backend import KeyringBackend

from tapdesk.auth.cache import CACHE_FILE, CacheProtection, CacheStore, cache_file_name
from tapdesk.auth.claims import jwt_payload, roles_from_id_claims
from tapdesk.auth.freshness import (
    MSAL_MAX_AGE_FAILURE,
    SKEW_SECONDS,
    authenticated_at,
    is_fresh,
)
from tapdesk.auth.keystore import KeyStore, key_name
from tapdesk.auth.logguard import guard_msal_logging
from tapdesk.auth.outcomes import (
    CANCELLED,
    broker_status,
    check,
    error_for,
    msal_boundary,
    needs_interaction,
)
from tapdesk.auth.strategies import (
    BrowserSignIn,
    DeviceFlow,
    OpenBrowser,
    system_browser,
    use_broker,
    wants_broker,
)
from tapdesk.config import Settings
from tapdesk.core.clock import SYSTEM_CLOCK, Clock
from tapdesk.core.roles import Roles
from tapdesk.errors import (
    AuthError,
    ConfigError,
    SignInRequired,
    StorageError,
    TapdeskError,
)
from tapdesk.runtime.paths import AppPaths

log = logging.getLogger(__name__)
BROKER_WINDOW_HIDDEN = (
    "Find it with Alt+Tab or on the taskbar, then finish or close it; closing it cancels."
)
MsalAccount = dict[str, Any]
SIGN_IN_SECONDS = 300  # how long a person has to finish an interactive sign-in


@dataclass(frozen=True, slots=True)
class Account:
    username: str
    name: str
    tenant_id: str
    object_id: str
    roles: Roles = field(default_factory=Roles.unknown)


@dataclass(frozen=True, slots=True)
class SavedSignIn:
    """The account in the token cache, read without signing in: whom to ask "Continue as?"."""

    account: Account
    authenticated_at: datetime | None  # Entra's auth_time; None when it did not say


NOT_FRESH = "The sign-in was not recent enough for this shared bench."
NOT_FRESH_HINT = "Sign in again: enter your password or use your passkey when asked."


class Authenticator:
    def __init__(
        self,
        settings: Settings,
        paths: AppPaths,
        *,
        http_client: httpx.Client | None = None,
        keyring_backend: KeyringBackend | None = None,
        authority: str | None = None,
        client_id: str | None = None,
        open_browser: OpenBrowser | None = None,
        clock: Clock = SYSTEM_CLOCK,
        tenant: str = "",
    ) -> None:
        """``tenant``: whose sign-in this is (the composition root's tenant key); the cache
        file and its keyring entry are that tenant's alone, so tenants never share a sign-in."""
        self._authority = authority or settings.authority
        self._client_id = client_id or settings.client_id or ""
        self._scopes = settings.graph_scopes()
        self._broker = use_broker(settings)
        # Configured on Windows but pymsalruntime is not even installed: say so at the first build.
        self._broker_missing = wants_broker(settings) and not self._broker
        self._notices: list[str] = []  # from sign-in itself (the broker fell back)
        self._http = http_client
        self._owns_http = http_client is None
        self._open_browser = open_browser or system_browser
        self._clock = clock
        self._keystore = KeyStore(keyring_backend, name=key_name(tenant))
        self._store = CacheStore(
            paths.data_dir / cache_file_name(tenant),
            self._keystore,
            allow_plaintext=settings.allow_plaintext_cache,
            clock=clock,
        )
        self._keyring_backend = keyring_backend  # also holds the key of a pre-tenant cache
        # A shared bench: nobody is signed in until the person at the keyboard says who they
        # are, and an interactive sign-in asks Entra for one at most this many seconds old.
        self._bench = settings.shared_bench
        fresh = settings.fresh_sign_in_minutes
        self._max_age = None if fresh is None else fresh * 60
        self._cache = msal.SerializableTokenCache()
        self._app: msal.PublicClientApplication | None = None
        self._loaded = False
        self._account: Account | None = None
        self._lock = threading.RLock()  # app, cache and account state
        self._interactive = threading.Lock()  # one interactive sign-in at a time
        self._browser: BrowserSignIn | None = None
        guard_msal_logging()

    # --- what the window and whoami show -------------------------------------------------

    @property
    def account(self) -> Account | None:
        return self._account

    @property
    def cache_path(self) -> Path:
        return self._store.path

    @property
    def cache_protection(self) -> CacheProtection:
        """May touch the keyring on first use."""
        self._ensure_loaded()
        return self._store.protection

    @property
    def notices(self) -> list[str]:
        """Things the technician should know (say, tokens kept in memory only); each once."""
        self._ensure_loaded()
        return [*self._store.notices, *self._notices]

    @property
    def uses_broker(self) -> bool:
        """Whether sign-in goes through WAM (False once a broken runtime fell back)."""
        return self._broker

    @property
    def keyring_name(self) -> str:
        """The keyring backend in use (``keyring.backends.SecretService.Keyring``...)."""
        return self._keystore.name

    @property
    def scopes(self) -> list[str]:
        return list(self._scopes)

    # --- sign-in ---------------------------------------------------------------------------

    @property
    def shared_bench(self) -> bool:
        return self._bench

    def sign_in_silent(self) -> Account | None:
        """The saved account, refreshed if needed; None when an interactive sign-in is needed.

        On a shared bench only an account confirmed in this process (:meth:`continue_as`, an
        interactive sign-in) counts: a saved one may be the previous technician's.
        """
        if self._bench and self._account is None:
            return None
        return self._silent_sign_in(username=None)

    def saved_sign_in(self) -> SavedSignIn | None:
        """Who the token cache holds, read from the cache alone (no network, no refresh)."""
        with self._lock:
            self._ensure_loaded()
            entries = self._cache.search(msal.TokenCache.CredentialType.ACCOUNT, query={})
            entry = next(iter(entries), None)  # one technician at a time (_finish_sign_in)
            if entry is None:
                return None
            claims = self._cached_id_claims(entry)
            return SavedSignIn(self._account_of(entry, claims), authenticated_at(claims))

    def continue_as(
        self,
        username: str,
        *,
        parent_window_handle: int | None = None,
        timeout: float = SIGN_IN_SECONDS,
    ) -> Account:
        """The person at the keyboard says they are ``username``: one step when their last
        sign-in is recent enough (Entra's ``auth_time``), else a sign-in Entra makes fresh."""
        saved = self.saved_sign_in()
        if (
            saved is not None
            and saved.account.username.lower() == username.lower()
            and self._recent(saved.authenticated_at)
        ):
            account = self._silent_sign_in(username=saved.account.username)
            if account is not None:
                return account
        return self.sign_in_interactive(
            parent_window_handle=parent_window_handle, login_hint=username, timeout=timeout
        )

    def sign_in_interactive(
        self,
        *,
        parent_window_handle: int | None = None,
        select_account: bool = False,
        login_hint: str | None = None,
        timeout: float = SIGN_IN_SECONDS,
    ) -> Account:
        """Silent first (unless ``select_account``), then the broker or the system browser.

        On a shared bench there is no silent step (:meth:`continue_as` is that), and Entra is
        asked for a sign-in at most ``max_age`` old, which it makes fresh when it is not.
        """
        if not select_account and not self._bench:
            account = self._silent_sign_in(username=login_hint, window_next=True)
            if account is not None:
                return account
        # On a bench neither WAM nor the browser's session may pick an account by itself: it
        # may be the previous technician's. The person at the keyboard chooses.
        choose = select_account or (self._bench and not login_hint)
        prompt = msal.Prompt.SELECT_ACCOUNT if choose else None
        with self._one_interactive():  # released however the call ends: a lost WAM window too
            app = self._ready_app()
            if self._broker and prompt is None and not login_hint:
                prompt, login_hint = self._broker_account_choice(app)
            with msal_boundary(self._client_id), self._stale_sign_in_refused(app):
                if self._broker:
                    result = app.acquire_token_interactive(
                        self._scopes,
                        prompt=prompt,
                        login_hint=login_hint,
                        timeout=timeout,
                        parent_window_handle=(
                            app.CONSOLE_WINDOW_HANDLE
                            if parent_window_handle is None
                            else parent_window_handle
                        ),
                        max_age=self._max_age,
                    )
                else:
                    result = self._browser_sign_in(app, prompt, login_hint, timeout)
            return self._finish_sign_in(app, result, max_age=self._max_age)

    def cancel_interactive(self) -> None:
        """Stop a browser sign-in from another thread; it raises AuthError("cancelled")."""
        browser = self._browser
        if browser is not None:
            browser.cancel()

    def start_device_flow(self) -> DeviceFlow:
        app = self._ready_app()
        with msal_boundary():
            try:
                raw: dict[str, Any] = app.initiate_device_flow(scopes=self._scopes)
            except ValueError as exc:  # not JSON, or no device endpoint in the metadata
                raise AuthError("The sign-in service did not start a device code sign-in.") from exc
        if "user_code" not in raw:
            raise error_for(raw, scopes=self._scopes, client_id=self._client_id)
        return DeviceFlow(raw, self._clock)

    def finish_device_flow(self, flow: DeviceFlow) -> Account:
        """Block until the code is used, expires, or the flow is cancelled."""
        with self._one_interactive():
            if flow.cancelled:
                raise AuthError(CANCELLED, code="cancelled")
            app = self._ready_app()
            with msal_boundary():
                result = app.acquire_token_by_device_flow(flow.msal_flow)
            if flow.cancelled:
                raise AuthError(CANCELLED, code="cancelled")
            return self._finish_sign_in(app, result)

    def cancel_device_flow(self, flow: DeviceFlow) -> None:
        flow.cancel()

    # --- tokens for Graph ------------------------------------------------------------------

    def access_token(self, force_refresh: bool = False) -> str:
        """A Graph access token for the signed-in account; refreshes silently when needed."""
        with self._lock:
            app = self._ready_app()
            msal_account = self._current_msal_account(app)
            if msal_account is None:
                raise SignInRequired("You are not signed in.", hint="Sign in to continue.")
            result = self._check(self._silent(app, msal_account, force_refresh=force_refresh))
            self._adopt(msal_account, result)  # roles change when a PIM role is activated
            token: str = result["access_token"]
            return token

    # --- sign-out --------------------------------------------------------------------------

    def sign_out(self) -> None:
        """Forget every account, delete the cache file and its key; works offline."""
        with self._lock:
            self._ensure_loaded()
            self._remove_accounts()
            self._cache = msal.SerializableTokenCache()
            self._app = None  # the next app gets the fresh, empty cache
            self._account = None
            try:
                self._store.wipe()
            except OSError as exc:
                raise StorageError(
                    f"The saved sign-in at {self.cache_path} could not be deleted "
                    f"({type(exc).__name__}).",
                    hint="Delete the file by hand.",
                ) from exc

    def close(self) -> None:
        if self._owns_http and self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> Authenticator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- internals -------------------------------------------------------------------------

    def _ensure_loaded(self) -> None:
        with self._lock:
            if not self._loaded:
                self._forget_legacy_cache()
                self._store.load(self._cache)
                self._loaded = True

    def _forget_legacy_cache(self) -> None:
        """A cache from before tenants had their own: nobody can say whose it is, so it goes."""
        path = self._store.path.with_name(CACHE_FILE)
        if not path.exists():
            return
        legacy = CacheStore(
            path, KeyStore(self._keyring_backend), allow_plaintext=False, clock=self._clock
        )
        try:
            legacy.wipe()
            log.info("token cache shared by all tenants removed: each tenant now has its own")
        except OSError as exc:
            log.warning("old token cache not removed: %s", type(exc).__name__)

    def _ready_app(self) -> msal.PublicClientApplication:
        with self._lock:
            self._ensure_loaded()
            if self._app is None:
                self._app = self._build_app()
            return self._app

    def _build_app(self) -> msal.PublicClientApplication:
        if not self._authority or not self._client_id:
            raise ConfigError(
                "no tenant is configured",
                key="tenant.id",
                hint="Set [tenant] id and client_id in tapdesk.toml, or try the demo (--demo).",
            )
        if self._broker_missing:
            self._broker_missing = False
            self._fall_back_to_browser("ModuleNotFoundError")
        try:
            app = self._new_app()
        except (ImportError, OSError) as exc:
            # MSAL lets a pymsalruntime that cannot load (missing DLL, antivirus quarantine)
            # escape its constructor: it catches only RuntimeError (application.py
            # _decide_broker). The browser and the device code need no broker.
            if not self._broker:
                raise
            self._fall_back_to_browser(type(exc).__name__)
            app = self._new_app()
        guard_msal_logging()  # MSAL creates some of its loggers only now
        return app

    def _new_app(self) -> msal.PublicClientApplication:
        # Building the app fetches the authority's OpenID metadata (network).
        with msal_boundary():
            try:
                return msal.PublicClientApplication(
                    self._client_id,
                    authority=self._authority,
                    token_cache=self._cache,
                    http_client=self._http_client(),
                    # A tenant authority needs no discovery; the demo host could not answer it.
                    instance_discovery=False,
                    enable_broker_on_windows=self._broker,
                )
            except ValueError as exc:
                raise AuthError(
                    f"The sign-in authority {self._authority} could not be used.",
                    hint="Check the tenant ID and cloud in tapdesk.toml.",
                ) from exc

    def _fall_back_to_browser(self, reason: str) -> None:
        """The broker cannot load: the browser for this session, said once."""
        self._broker = False
        log.warning("Windows broker (WAM) unavailable (%s): using the browser sign-in", reason)
        self._notices.append(
            f"The Windows sign-in (WAM) could not load ({reason}), so tapdesk signs in with "
            "the browser this session. Reinstall tapdesk to restore it."
        )

    def _broker_account_choice(
        self, app: msal.PublicClientApplication
    ) -> tuple[str | None, str | None]:
        """(prompt, login_hint) for WAM, which otherwise signs in the Windows session's account.

        No cached account: the first sign-in on this bench, so let the technician pick one.
        Afterwards hint the cached account; MSAL then asks WAM for that account
        (application.py _acquire_token_interactive_via_broker).
        """
        with self._lock:
            cached = self._current_msal_account(app)
        if cached is None or not cached.get("username"):
            return msal.Prompt.SELECT_ACCOUNT, None
        return None, str(cached["username"])

    def _http_client(self) -> httpx.Client:
        if self._http is None:
            self._http = _default_http_client()
        return self._http

    def _silent(
        self, app: msal.PublicClientApplication, account: MsalAccount, *, force_refresh: bool
    ) -> Mapping[str, Any] | None:
        try:
            with msal_boundary(self._client_id):
                result: Mapping[str, Any] | None = app.acquire_token_silent_with_error(
                    self._scopes, account=account, force_refresh=force_refresh
                )
            return result
        finally:
            self._store.save(self._cache)

    def _silent_sign_in(self, *, username: str | None, window_next: bool = False) -> Account | None:
        """``window_next``: the technician asked to sign in, so any refusal of WAM's silent call
        (a status MSAL would not reopen the window for) is left to the WAM window to settle."""
        with self._lock:
            app = self._ready_app()
            accounts: list[MsalAccount] = app.get_accounts(username=username)
            if not accounts:
                return None
            result = self._silent(app, accounts[0], force_refresh=False)
            if result is None or needs_interaction(result):
                return None
            if window_next and self._broker and result.get("error") == "broker_error":
                log.info(
                    "silent broker sign-in refused (%s): opening WAM", broker_status(result)[0]
                )
                return None
            return self._adopt(accounts[0], self._check(result))

    def _browser_sign_in(
        self,
        app: msal.PublicClientApplication,
        prompt: str | None,
        login_hint: str | None,
        timeout: float,
    ) -> dict[str, Any]:
        self._browser = BrowserSignIn(self._open_browser)
        try:
            return self._browser.run(
                app,
                self._scopes,
                prompt=prompt,
                login_hint=login_hint,
                timeout=timeout,
                max_age=self._max_age,
            )
        finally:
            self._browser = None

    def _finish_sign_in(
        self,
        app: msal.PublicClientApplication,
        result: Mapping[str, Any],
        *,
        max_age: int | None = None,
    ) -> Account:
        """``max_age``: what the sign-in asked Entra for; its answer must show a sign-in that
        recent. A device code cannot ask, so it is not held to it (the next "Continue as" is)."""
        with self._lock:
            try:
                ok = self._check(result)
            finally:
                self._store.save(self._cache)
            accounts: list[MsalAccount] = app.get_accounts()
            claims = ok.get("id_token_claims") or {}
            if max_age is not None and not is_fresh(
                authenticated_at(claims), max_age, self._clock.now(), skew=SKEW_SECONDS
            ):
                # MSAL checks auth_time on the browser path only, after caching the tokens.
                self._forget_unfresh(app)
                raise AuthError(NOT_FRESH, hint=NOT_FRESH_HINT, code="not_fresh")
            chosen = _matching_account(accounts, claims)
            if chosen is None:
                raise AuthError("The sign-in finished without an account.", code="no_account")
            # One technician account at a time: switching drops the other's tokens.
            for other in accounts:
                if other is not chosen:
                    app.remove_account(other)
            self._store.save(self._cache)
            return self._adopt(chosen, ok)

    @contextmanager
    def _stale_sign_in_refused(self, app: msal.PublicClientApplication) -> Iterator[None]:
        """MSAL raises RuntimeError when the ID token's auth_time is missing or older than
        max_age, after it has cached the tokens: drop them, and say it in our words."""
        try:
            yield
        except RuntimeError as exc:
            if not str(exc).startswith(MSAL_MAX_AGE_FAILURE):
                raise
            log.info("sign-in refused: auth_time missing or older than max_age")
            self._forget_unfresh(app)
            raise AuthError(NOT_FRESH, hint=NOT_FRESH_HINT, code="not_fresh") from None

    def _forget_unfresh(self, app: msal.PublicClientApplication) -> None:
        with self._lock:
            for account in app.get_accounts():
                app.remove_account(account)
            self._account = None
            self._store.save(self._cache)

    def _recent(self, at: datetime | None) -> bool:
        return self._max_age is None or is_fresh(at, self._max_age, self._clock.now())

    def _current_msal_account(self, app: msal.PublicClientApplication) -> MsalAccount | None:
        if self._bench and self._account is None:
            return None  # not confirmed by the person at the keyboard (continue_as, sign-in)
        accounts: list[MsalAccount] = app.get_accounts()
        if self._account is not None:
            wanted = self._account.object_id
            accounts = [a for a in accounts if a.get("local_account_id") == wanted]
        return accounts[0] if accounts else None

    def _adopt(self, msal_account: MsalAccount, result: Mapping[str, Any]) -> Account:
        claims = result.get("id_token_claims") or self._cached_id_claims(msal_account)
        account = self._account_of(msal_account, claims)
        self._account = account
        return account

    @staticmethod
    def _account_of(msal_account: MsalAccount, claims: Mapping[str, Any]) -> Account:
        username = str(msal_account.get("username") or claims.get("preferred_username") or "")
        return Account(
            username=username,
            name=str(claims.get("name") or username),
            tenant_id=str(claims.get("tid") or msal_account.get("realm") or ""),
            object_id=str(claims.get("oid") or msal_account.get("local_account_id") or ""),
            roles=roles_from_id_claims(claims),
        )

    def _cached_id_claims(self, msal_account: MsalAccount) -> dict[str, Any]:
        # A token served from the cache comes without id_token_claims: read the cached ID token.
        found = self._cache.search(
            msal.TokenCache.CredentialType.ID_TOKEN,
            query={"home_account_id": msal_account.get("home_account_id")},
        )
        for entry in found:
            claims = jwt_payload(str(entry.get("secret") or ""))
            if claims:
                return claims
        return {}

    def _remove_accounts(self) -> None:
        """Let MSAL forget each account (with the broker this signs out of WAM too)."""
        try:
            app = self._ready_app()
        except TapdeskError as exc:  # offline or no tenant: the local wipe still happens
            log.info("sign-out without MSAL: %s", type(exc).__name__)
            return
        for account in app.get_accounts():
            app.remove_account(account)

    def _check(self, result: Mapping[str, Any] | None) -> Mapping[str, Any]:
        return check(result, scopes=self._scopes, client_id=self._client_id, broker=self._broker)

    @contextmanager
    def _one_interactive(self) -> Iterator[None]:
        if not self._interactive.acquire(blocking=False):
            if self._broker:  # WAM's window cannot be closed from here: say where it is
                raise AuthError(
                    "The Windows sign-in window is still open.",
                    hint=BROKER_WINDOW_HIDDEN,
                    code="busy",
                )
            raise AuthError(
                "Another sign-in is already in progress.",
                hint="Finish or cancel it first.",
                code="busy",
            )
        try:
            yield
        finally:
            self._interactive.release()


def _matching_account(accounts: list[MsalAccount], claims: Mapping[str, Any]) -> MsalAccount | None:
    oid = claims.get("oid")
    upn = str(claims.get("preferred_username") or "").lower()
    for account in accounts:
        if oid and account.get("local_account_id") == oid:
            return account
    for account in accounts:
        if upn and str(account.get("username") or "").lower() == upn:
            return account
    return accounts[0] if len(accounts) == 1 else None


def _default_http_client() -> httpx.Client:
    """Trust the OS certificate store, so TLS-inspecting corporate proxies work."""
    verify: ssl.SSLContext | bool = True
    try:
        import truststore

        verify = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    except ImportError:
        pass
    return httpx.Client(timeout=httpx.Timeout(30.0), verify=verify)
