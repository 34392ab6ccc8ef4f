"""Which account a sign-in keeps, and the name, tenant and object ID the window shows for it."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from keyring.backends import fail

from tapdesk.auth import Account, Authenticator
from tapdesk.auth.authenticator import _matching_account
from tapdesk.config import Settings
from tapdesk.core.roles import Roles
from tapdesk.demo import DEMO_AUTHORITY, DEMO_CLIENT_ID, DEMO_TECHNICIAN_UPN, DemoTenant
from tapdesk.demo.constants import DEMO_TENANT_ID
from tapdesk.errors import SignInRequired, StorageError
from tapdesk.runtime.paths import AppPaths
from tests.helpers.clock import FakeClock
from tests.helpers.demo import ScriptedBrowser
from tests.helpers.keyring import MemoryKeyring

MakeAuth = Callable[..., Authenticator]
TESS = {"local_account_id": "oid-tess", "username": "Tess.Tech@northwind.example"}
PAT = {"local_account_id": "oid-pat", "username": "pat.priv@northwind.example"}


@pytest.fixture
def tenant(clock: FakeClock) -> DemoTenant:
    return DemoTenant(clock=clock, auto_approve_after=None)


@pytest.fixture
def make_auth(http: httpx.Client, paths: AppPaths, clock: FakeClock) -> Iterator[MakeAuth]:
    made: list[Authenticator] = []

    def make(**overrides: Any) -> Authenticator:
        settings = overrides.pop("settings", Settings())
        options: dict[str, Any] = {
            "http_client": http,
            "keyring_backend": MemoryKeyring(),
            "authority": DEMO_AUTHORITY,
            "client_id": DEMO_CLIENT_ID,
            "clock": clock,
        }
        options.update(overrides)
        auth = Authenticator(settings, paths, **options)
        made.append(auth)
        return auth

    yield make
    for auth in made:
        auth.close()


def device_sign_in(auth: Authenticator, tenant: DemoTenant) -> Account:
    flow = auth.start_device_flow()
    tenant.approve_device_code(flow.user_code)
    return auth.finish_device_flow(flow)


def plaintext_auth(make_auth: MakeAuth) -> Authenticator:
    """A readable cache file (the administrator's plaintext setting), so a test can edit it."""
    return make_auth(keyring_backend=fail.Keyring(), settings=Settings(allow_plaintext_cache=True))


def edit_cache(auth: Authenticator, change: Callable[[dict[str, Any]], None]) -> None:
    header, body = auth.cache_path.read_bytes().split(b"\n", 1)
    state = json.loads(body)
    change(state)
    auth.cache_path.write_bytes(header + b"\n" + json.dumps(state).encode())


def the_account_record(state: dict[str, Any]) -> dict[str, Any]:
    [record] = state["Account"].values()
    found: dict[str, Any] = record
    return found


# --- which cached account a finished sign-in keeps --------------------------------------------


def test_the_object_id_in_the_id_token_picks_the_account_before_the_username() -> None:
    claims = {"oid": "oid-pat", "preferred_username": TESS["username"]}
    assert _matching_account([TESS, PAT], claims) is PAT


def test_the_username_matches_whatever_its_case_when_no_object_id_does() -> None:
    claims = {"oid": "oid-unknown", "preferred_username": "TESS.TECH@Northwind.Example"}
    assert _matching_account([PAT, TESS], claims) is TESS


def test_a_single_cached_account_is_kept_even_without_a_match() -> None:
    assert _matching_account([PAT], {"oid": "oid-unknown"}) is PAT


def test_several_accounts_and_no_match_keep_none() -> None:
    # Keeping a stranger's account would sign the technician in as someone else.
    assert _matching_account([TESS, PAT], {"oid": "oid-unknown"}) is None
    assert _matching_account([TESS, PAT], {}) is None


# --- what the account shows -------------------------------------------------------------------


def test_a_sign_in_shows_the_tenant_and_object_id_from_the_id_token(
    make_auth: MakeAuth, tenant: DemoTenant
) -> None:
    account = device_sign_in(make_auth(), tenant)
    assert (account.username, account.name, account.tenant_id) == (
        DEMO_TECHNICIAN_UPN,
        "Tess Technician",
        DEMO_TENANT_ID,
    )
    assert account.object_id == tenant.users[DEMO_TECHNICIAN_UPN].id


def test_the_id_token_wins_over_the_cached_account_record(
    make_auth: MakeAuth, tenant: DemoTenant
) -> None:
    first = plaintext_auth(make_auth)
    signed_in = device_sign_in(first, tenant)

    def blur(state: dict[str, Any]) -> None:
        record = the_account_record(state)
        record.update(username="", realm="other-tenant", local_account_id="other-oid")

    edit_cache(first, blur)
    assert plaintext_auth(make_auth).sign_in_silent() == signed_in


def test_without_a_cached_id_token_the_account_record_names_the_technician(
    make_auth: MakeAuth, tenant: DemoTenant
) -> None:
    first = plaintext_auth(make_auth)
    signed_in = device_sign_in(first, tenant)
    edit_cache(first, lambda state: state.update(IdToken={}))
    assert plaintext_auth(make_auth).sign_in_silent() == Account(
        username=DEMO_TECHNICIAN_UPN,
        name=DEMO_TECHNICIAN_UPN,  # no display name without the ID token
        tenant_id=DEMO_TENANT_ID,
        object_id=signed_in.object_id,
        roles=Roles.unknown(),  # Graph is asked instead
    )


def test_an_empty_account_record_without_an_id_token_shows_blank_fields(
    make_auth: MakeAuth, tenant: DemoTenant
) -> None:
    first = plaintext_auth(make_auth)
    device_sign_in(first, tenant)

    def strip(state: dict[str, Any]) -> None:
        state["IdToken"] = {}
        the_account_record(state).update(username="", realm="", local_account_id="")

    edit_cache(first, strip)
    account = plaintext_auth(make_auth).sign_in_silent()
    assert account is not None
    assert (account.username, account.name, account.tenant_id, account.object_id) == (
        "",
        "",
        "",
        "",
    )


# --- interactive sign-in, tokens and sign-out ------------------------------------------------


def test_a_first_browser_sign_in_does_not_force_the_account_picker(
    make_auth: MakeAuth, http: httpx.Client
) -> None:
    browser = ScriptedBrowser(http)
    urls: list[str] = []

    def recording_browser(url: str) -> bool:
        urls.append(url)
        return browser.open(url)

    make_auth(open_browser=recording_browser).sign_in_interactive(timeout=10)
    browser.join()
    assert "prompt=" not in urls[0]


def test_a_token_before_any_sign_in_asks_to_sign_in(make_auth: MakeAuth) -> None:
    with pytest.raises(SignInRequired) as caught:
        make_auth().access_token()
    assert (caught.value.message, caught.value.hint) == (
        "You are not signed in.",
        "Sign in to continue.",
    )


def test_a_cache_file_that_cannot_be_deleted_names_the_file_and_the_fix(
    make_auth: MakeAuth,
) -> None:
    auth = make_auth()
    auth.cache_path.mkdir(parents=True)  # unlink() refuses a directory on every platform
    with pytest.raises(StorageError) as caught:
        auth.sign_out()
    assert (caught.value.message, caught.value.hint) == (
        f"The saved sign-in at {auth.cache_path} could not be deleted (IsADirectoryError).",
        "Delete the file by hand.",
    )


def test_another_accounts_cached_id_token_never_names_the_technician(
    make_auth: MakeAuth, tenant: DemoTenant
) -> None:
    """A cache holding a second ID token (an older version's leftover) must not lend its name."""
    first = plaintext_auth(make_auth)
    signed_in = device_sign_in(first, tenant)

    def add_stranger_first(state: dict[str, Any]) -> None:
        [ours] = state["IdToken"].values()
        payload = base64.urlsafe_b64encode(
            json.dumps({"name": "Stranger", "oid": "oid-x", "tid": "tid-x"}).encode()
        )
        stranger = dict(ours, home_account_id="oid-x.tid-x", secret=f"e30.{payload.decode()}.")
        state["IdToken"] = {"stranger": stranger, **state["IdToken"]}

    edit_cache(first, add_stranger_first)
    assert plaintext_auth(make_auth).sign_in_silent() == signed_in
