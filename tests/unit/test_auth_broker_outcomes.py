"""What the Windows broker (WAM) answers, and what the technician then sees.

WAM exists only on Windows. The results below have exactly the shape MSAL 1.39 hands back after
``_clean_up`` (application.py): ``{"error": "broker_error", "error_description": "<context>.
Status: Response_Status.Status_X, Error code: N, Tag: M", "msal_telemetry": ...}``, with the
private ``_broker_*`` keys gone. Where the broker must be "on", MSAL's interactive and silent calls
are replaced at the app boundary by fakes that record their arguments and sign in for real with a
device code against the demo tenant; where the runtime must fail to load, ``sys.platform`` is
``win32`` and a stand-in ``pymsalruntime`` fails its import, so real MSAL meets it.
"""

from __future__ import annotations

import logging
import sys
import types
from collections.abc import Iterator
from typing import Any

import httpx
import msal
import pytest

from tapdesk.auth import Authenticator
from tapdesk.auth.outcomes import error_for, needs_interaction
from tapdesk.demo import DEMO_AUTHORITY, DEMO_CLIENT_ID, DEMO_TECHNICIAN_UPN, DemoTenant
from tapdesk.errors import AuthError, SignInRequired
from tapdesk.runtime.paths import AppPaths
from tests.helpers.auth import demo_authenticator
from tests.helpers.clock import FakeClock
from tests.helpers.wam import Wam, break_runtime, install_wam, pretend_windows

SCOPES = ["https://graph.microsoft.com/User.Read.All"]
CLIENT = "11111111-2222-3333-4444-555555555555"
# Free text of WAM's context may hold an account name; it must never reach the technician.
CONTEXT = "Silent fails for tess.private@contoso.com (pii)"
WAM_URI = f"ms-appx-web://microsoft.aad.brokerplugin/{DEMO_CLIENT_ID}"
WHERE = "Authentication > Mobile and desktop applications"


def broker_error(status: str, code: int = 0, context: str = CONTEXT) -> dict[str, Any]:
    """A broker failure as MSAL 1.39's public API returns it (broker.py _convert_error)."""
    return {
        "error": "broker_error",
        "error_description": (
            f"{context}. Status: Response_Status.{status}, Error code: {code}, Tag: 557973642"
        ),
        "msal_telemetry": '{"msalruntime_telemetry":{},"msal_python_telemetry":null}',
    }


# --- classification from MSAL's codes ---------------------------------------------------------


@pytest.mark.parametrize("status", ["Status_InteractionRequired", "Status_AccountUnusable"])
def test_a_broker_status_msal_itself_would_show_wam_for_needs_interaction(status: str) -> None:
    result = broker_error(status, 3399614475)
    assert needs_interaction(result)
    error = error_for(result, scopes=SCOPES, client_id=CLIENT, broker=True)
    assert isinstance(error, SignInRequired)
    assert (error.message, error.hint) == (
        "Your sign-in has expired or needs to be confirmed again.",
        "Sign in again.",
    )


@pytest.mark.parametrize(
    "status", ["Status_UserCanceled", "Status_NoNetwork", "Status_ApiContractViolation"]
)
def test_other_broker_statuses_are_not_a_reason_to_show_wam(status: str) -> None:
    assert not needs_interaction(broker_error(status))


def test_a_cancelled_wam_window_says_cancelled_not_refused() -> None:
    # The two contexts seen in the wild; the second ends in "..".
    for context in ("User canceled the flow", "User cancelled the Accounts Control Operation."):
        error = error_for(
            broker_error("Status_UserCanceled", 0, context),
            scopes=SCOPES,
            client_id=CLIENT,
            broker=True,
        )
        assert (type(error), error.message, error.code) == (
            AuthError,
            "Sign-in was cancelled.",
            "cancelled",
        )


def test_a_missing_wam_redirect_uri_names_the_uri_and_where_to_add_it() -> None:
    # Microsoft's documented signature (learn.microsoft.com/entra/msal/python/advanced/wam).
    error = error_for(
        broker_error("Status_ApiContractViolation", 3399614473),
        scopes=SCOPES,
        client_id=CLIENT,
        broker=True,
    )
    assert error.message == (
        "tapdesk's app registration does not allow the Windows sign-in (WAM): "
        "a redirect URI is missing."
    )
    assert error.hint == (
        f"In the Microsoft Entra admin center, open the app registration (client ID {CLIENT}) "
        "> Authentication > Mobile and desktop applications, and add the redirect URI "
        f"ms-appx-web://microsoft.aad.brokerplugin/{CLIENT}"
    )
    assert error.code == "redirect_uri"


def test_aadsts50011_names_the_redirect_uri_of_the_sign_in_in_use() -> None:
    result = {
        "error": "invalid_request",
        "error_description": "AADSTS50011: The redirect URI 'x' does not match.",
        "error_codes": [50011],
    }
    wam = error_for(result, scopes=SCOPES, client_id=CLIENT, broker=True)
    browser = error_for(result, scopes=SCOPES, client_id=CLIENT, broker=False)
    assert f"redirect URI ms-appx-web://microsoft.aad.brokerplugin/{CLIENT}" in wam.hint
    assert browser.hint.endswith(f"{WHERE}, and add the redirect URI http://localhost")
    assert "browser sign-in" in browser.message


def test_another_broker_failure_shows_its_status_and_code_and_never_the_context() -> None:
    error = error_for(
        broker_error("Status_NoNetwork", 2148073494), scopes=SCOPES, client_id=CLIENT, broker=True
    )
    assert error.message == (
        "The Windows sign-in (WAM) did not finish (Status_NoNetwork, 2148073494)."
    )
    shown = f"{error.title} {error.message} {error.hint}"
    assert "tess.private" not in shown and "pii" not in shown and "Silent fails" not in shown


# --- the broker in a sign-in (MSAL's WAM calls replaced at the app boundary) ------------------


@pytest.fixture
def tenant(clock: FakeClock) -> DemoTenant:
    return DemoTenant(clock=clock, auto_approve_after=None)


@pytest.fixture
def wam(tenant: DemoTenant, monkeypatch: pytest.MonkeyPatch) -> Wam:
    return install_wam(tenant, monkeypatch)


def make_auth(
    tenant: DemoTenant, paths: AppPaths, clock: FakeClock, http: httpx.Client
) -> Authenticator:
    return demo_authenticator(http, paths, clock)


@pytest.fixture
def auth(
    tenant: DemoTenant, paths: AppPaths, clock: FakeClock, http: httpx.Client, wam: Wam
) -> Iterator[Authenticator]:
    with make_auth(tenant, paths, clock, http) as made:
        yield made


def test_the_first_broker_sign_in_asks_wam_to_let_the_technician_choose_the_account(
    auth: Authenticator, wam: Wam
) -> None:
    """Without a prompt WAM silently signs in the Windows session's account."""
    assert auth.sign_in_interactive(parent_window_handle=7).username == DEMO_TECHNICIAN_UPN
    assert wam.requests == [{"prompt": msal.Prompt.SELECT_ACCOUNT, "login_hint": None}]


def test_a_silent_broker_error_goes_on_to_wam_with_the_cached_account_as_hint(
    auth: Authenticator, wam: Wam
) -> None:
    """Sign-in frequency, a password change: WAM's silent call fails; the window must open."""
    auth.sign_in_interactive(parent_window_handle=7)
    wam.silent = broker_error("Status_InteractionRequired", 3399614475)
    assert auth.sign_in_silent() is None  # the window start: "not signed in", no error
    account = auth.sign_in_interactive(parent_window_handle=7)
    assert account.username == DEMO_TECHNICIAN_UPN
    assert wam.requests[1:] == [{"prompt": None, "login_hint": DEMO_TECHNICIAN_UPN}]


def test_sign_in_goes_on_to_wam_whatever_its_silent_call_refused(
    auth: Authenticator, wam: Wam
) -> None:
    """A status MSAL itself would not open the window for (here Status_Unexpected) must not
    stop the Sign in the technician clicked: WAM's window settles it."""
    auth.sign_in_interactive(parent_window_handle=7)
    wam.silent = broker_error("Status_Unexpected", 2148073474)
    with pytest.raises(AuthError) as caught:  # at start-up: said, no window opened
        auth.sign_in_silent()
    assert caught.value.message == (
        "The Windows sign-in (WAM) did not finish (Status_Unexpected, 2148073474)."
    )
    assert len(wam.requests) == 1
    account = auth.sign_in_interactive(parent_window_handle=7)
    assert account.username == DEMO_TECHNICIAN_UPN
    assert wam.requests[1:] == [{"prompt": None, "login_hint": DEMO_TECHNICIAN_UPN}]


def test_a_token_refresh_the_broker_refuses_asks_to_sign_in_again(
    auth: Authenticator, wam: Wam
) -> None:
    auth.sign_in_interactive(parent_window_handle=7)
    wam.silent = broker_error("Status_AccountUnusable", 0)
    with pytest.raises(SignInRequired, match="needs to be confirmed again"):
        auth.access_token()


def test_closing_the_wam_window_says_cancelled_and_the_next_sign_in_runs(
    auth: Authenticator, wam: Wam
) -> None:
    wam.answers.append(lambda: broker_error("Status_UserCanceled", 0, "User canceled the flow"))
    with pytest.raises(AuthError) as caught:
        auth.sign_in_interactive(parent_window_handle=7)
    assert (caught.value.message, caught.value.code) == ("Sign-in was cancelled.", "cancelled")
    assert auth.sign_in_interactive(parent_window_handle=7).username == DEMO_TECHNICIAN_UPN


def test_a_lost_wam_window_does_not_lock_later_sign_ins(auth: Authenticator, wam: Wam) -> None:
    """Whatever WAM's call ends with, the one-sign-in-at-a-time lock is released."""
    wam.answers.append(RuntimeError("ErrorTag: 1, ErrorCode: 2, ErrorStatus: 0"))
    with pytest.raises(RuntimeError):
        auth.sign_in_interactive(parent_window_handle=7)
    assert auth.sign_in_interactive(parent_window_handle=7).username == DEMO_TECHNICIAN_UPN


def test_a_second_sign_in_while_wam_is_open_says_where_the_window_is(
    auth: Authenticator, wam: Wam
) -> None:
    """WAM's window cannot be closed from tapdesk: the refusal says how to find it."""
    refused: list[AuthError] = []

    def meanwhile() -> dict[str, Any]:
        with pytest.raises(AuthError) as caught:
            auth.sign_in_interactive(parent_window_handle=7)
        refused.append(caught.value)
        return broker_error("Status_UserCanceled")

    wam.answers.append(meanwhile)
    with pytest.raises(AuthError):
        auth.sign_in_interactive(parent_window_handle=7)
    [busy] = refused
    assert (busy.message, busy.hint, busy.code) == (
        "The Windows sign-in window is still open.",
        "Find it with Alt+Tab or on the taskbar, then finish or close it; closing it cancels.",
        "busy",
    )


def test_the_undocumented_redirect_uri_signature_names_the_uri(
    auth: Authenticator, wam: Wam
) -> None:
    wam.answers.append(lambda: broker_error("Status_ApiContractViolation", 3399614473))
    with pytest.raises(AuthError) as caught:
        auth.sign_in_interactive(parent_window_handle=7)
    assert caught.value.code == "redirect_uri"
    assert caught.value.hint is not None and caught.value.hint.endswith(WAM_URI)
    assert WHERE in caught.value.hint


def test_aadsts50011_from_a_broker_sign_in_names_the_wam_uri(auth: Authenticator, wam: Wam) -> None:
    wam.answers.append(
        lambda: {
            "error": "invalid_request",
            "error_description": "AADSTS50011: The redirect URI does not match.",
            "error_codes": [50011],
        }
    )
    with pytest.raises(AuthError) as caught:
        auth.sign_in_interactive(parent_window_handle=7)
    assert caught.value.hint is not None and caught.value.hint.endswith(WAM_URI)


def test_msal_redirect_uri_error_names_the_uri_to_register(
    auth: Authenticator, wam: Wam, monkeypatch: pytest.MonkeyPatch
) -> None:
    """msal.broker.RedirectUriError (raised for AADSTS50011) is not "an unexpected problem"."""
    stand_in = types.ModuleType("msal.broker")
    redirect_uri_error = type("RedirectUriError", (ValueError,), {})
    stand_in.RedirectUriError = redirect_uri_error  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "msal.broker", stand_in)
    wam.answers.append(redirect_uri_error("MsalRuntime needs the current app to register ..."))
    with pytest.raises(AuthError) as caught:
        auth.sign_in_interactive(parent_window_handle=7)
    assert caught.value.code == "redirect_uri"
    assert caught.value.hint is not None and caught.value.hint.endswith(WAM_URI)
    assert "MsalRuntime" not in f"{caught.value.message} {caught.value.hint}"


# --- a broker that cannot load ----------------------------------------------------------------


@pytest.fixture
def on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    pretend_windows(monkeypatch)


FELL_BACK = (
    "The Windows sign-in (WAM) could not load ({}), so tapdesk signs in with the browser "
    "this session. Reinstall tapdesk to restore it."
)


@pytest.mark.usefixtures("on_windows")
@pytest.mark.parametrize(
    ("error", "kind"),
    [
        # MSAL turns any ImportError of pymsalruntime into its own ImportError (broker.py).
        (ImportError("DLL load failed while importing PyMsalRuntime"), "ImportError"),
        (OSError("[WinError 126] The specified module could not be found"), "OSError"),
    ],
)
def test_a_broker_that_cannot_load_falls_back_to_the_browser_and_says_so_once(
    tenant: DemoTenant,
    paths: AppPaths,
    clock: FakeClock,
    http: httpx.Client,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: BaseException,
    kind: str,
) -> None:
    runtime = break_runtime(monkeypatch, error)
    caplog.set_level(logging.WARNING, logger="tapdesk.auth.authenticator")
    with make_auth(tenant, paths, clock, http) as auth:
        assert auth.uses_broker  # configured, and pymsalruntime is installed
        flow = auth.start_device_flow()  # device code keeps working
        tenant.approve_device_code(flow.user_code)
        assert auth.finish_device_flow(flow).username == DEMO_TECHNICIAN_UPN
        assert runtime.loads == 1  # real MSAL did try the broker
        assert not auth.uses_broker
        auth.sign_out()  # a new MSAL app: the broker is not tried again, nor reported again
        auth.sign_in_silent()
        assert auth.notices == [FELL_BACK.format(kind)]
    assert runtime.loads == 1
    warnings = [r.getMessage() for r in caplog.records if r.name == "tapdesk.auth.authenticator"]
    assert warnings == [f"Windows broker (WAM) unavailable ({kind}): using the browser sign-in"]


@pytest.mark.usefixtures("on_windows")
def test_a_broker_that_cannot_load_leaves_the_browser_sign_in_working(
    tenant: DemoTenant,
    paths: AppPaths,
    clock: FakeClock,
    http: httpx.Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    break_runtime(monkeypatch, ImportError("DLL"))
    opened: list[str] = []

    def no_browser_here(url: str) -> bool:
        opened.append(url)
        return False

    auth = demo_authenticator(http, paths, clock, open_browser=no_browser_here)
    with auth, pytest.raises(AuthError) as caught:
        auth.sign_in_interactive(parent_window_handle=7)
    # The browser path was taken (it found no browser to open), not a raw ImportError.
    assert caught.value.code == "no_browser"
    assert len(opened) == 1 and opened[0].startswith(DEMO_AUTHORITY)


@pytest.mark.usefixtures("on_windows")
def test_a_broker_configured_but_not_installed_says_so(
    tenant: DemoTenant, paths: AppPaths, clock: FakeClock, http: httpx.Client
) -> None:
    with make_auth(tenant, paths, clock, http) as auth:
        assert not auth.uses_broker
        assert auth.sign_in_silent() is None
        assert auth.notices == [FELL_BACK.format("ModuleNotFoundError")]


# --- every outcome whole: message, hint, code and the correlation id to quote ----------------
REF = "6f0b8e34-2c5a-4e0b-9c1d-7a3e5b2f9d41"
ONE_WORD = "Sign in again."
RETRY = (
    "Try again; if it keeps failing, use device code sign-in and give your administrator "
    "these codes."
)


def redirect_hint(uri: str) -> str:
    return (
        f"In the Microsoft Entra admin center, open the app registration (client ID {CLIENT}) "
        f"> {WHERE}, and add the redirect URI {uri}"
    )


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (
            broker_error("Status_InteractionRequired", 3399614475),
            (
                SignInRequired,
                "Your sign-in has expired or needs to be confirmed again.",
                ONE_WORD,
                "Status_InteractionRequired",
                REF,
            ),
        ),
        (
            broker_error("Status_UserCanceled", 0),
            (AuthError, "Sign-in was cancelled.", "", "cancelled", None),
        ),
        (
            broker_error("Status_ApiContractViolation", 3399614473),
            (
                AuthError,
                "tapdesk's app registration does not allow the Windows sign-in (WAM): a "
                "redirect URI is missing.",
                redirect_hint(f"ms-appx-web://microsoft.aad.brokerplugin/{CLIENT}"),
                "redirect_uri",
                REF,
            ),
        ),
        (
            broker_error("Status_NoNetwork", 2148073494),
            (
                AuthError,
                "The Windows sign-in (WAM) did not finish (Status_NoNetwork, 2148073494).",
                RETRY,
                "broker_error",
                REF,
            ),
        ),
        (
            {"error": "broker_error", "error_description": "an answer without a status"},
            (
                AuthError,
                "The Windows sign-in (WAM) did not finish (no status).",
                RETRY,
                "broker_error",
                REF,
            ),
        ),
    ],
    ids=["interaction", "cancelled", "redirect-uri", "other-status", "no-status"],
)
def test_each_broker_outcome_as_the_technician_reads_it(
    result: dict[str, Any], expected: tuple[object, ...]
) -> None:
    error = error_for(
        {**result, "correlation_id": REF}, scopes=SCOPES, client_id=CLIENT, broker=True
    )
    assert (type(error), error.message, error.hint, error.code, error.request_id) == expected


def test_aadsts50011_outside_the_broker_names_the_browser_redirect_uri() -> None:
    """error_for's default is the browser: the device code flow's start calls it so."""
    result = {
        "error": "invalid_request",
        "error_description": "AADSTS50011: The redirect URI 'x' does not match.",
        "correlation_id": REF,
    }
    error = error_for(result, scopes=SCOPES, client_id=CLIENT)
    assert (error.message, error.hint, error.code, error.request_id) == (
        "tapdesk's app registration does not allow the browser sign-in: a redirect URI is missing.",
        redirect_hint("http://localhost"),
        "redirect_uri",
        REF,
    )


def test_a_value_error_before_msal_loads_its_broker_module_stays_a_value_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without msal.broker loaded there is no RedirectUriError to compare with: MSAL's own
    ValueError (a bad argument) goes on as it is, not as an AttributeError."""
    from tapdesk.auth.outcomes import msal_boundary

    monkeypatch.delitem(sys.modules, "msal.broker", raising=False)
    with pytest.raises(ValueError, match="parent_window_handle is required"), msal_boundary(CLIENT):
        raise ValueError("parent_window_handle is required when you opted into using broker")
