"""The exact words a technician reads when a setting is refused, held to the site's, or
corrected: which file, which line, what is wrong and the fix."""

from __future__ import annotations

import pytest

from tapdesk.config import check_graph_url, load_settings
from tapdesk.errors import ConfigError
from tapdesk.runtime.paths import AppPaths
from tests.helpers.files import write

GUID = "11111111-2222-3333-4444-555555555555"
SIGNED_IN = {"TAPDESK_TENANT_ID": GUID, "TAPDESK_CLIENT_ID": GUID}
UNSET_HINT = (
    "Unset the environment variable TAPDESK_GRAPH_URL to use https://graph.microsoft.com; a "
    "Graph proxy must be named by IT in the site file ([tenant] allowed_graph_host)."
)
TENANT_KEYS = "Keys in [tenant]: allowed_graph_host, client_id, cloud, graph_url, id."


def _refusal(paths: AppPaths, env: dict[str, str]) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_settings(paths, env)
    return caught.value


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (
            "https://me@graph.microsoft.com/v1.0",
            "must name its host plainly (https://host/path, no user name or password).",
        ),
        (
            "http://127.0.0.1:8080/v1.0",
            "would send the signed-in technician's token to the local server 127.0.0.1; a local "
            "server is only for the demo tenant or a TAPDESK_ACCESS_TOKEN token.",
        ),
        (
            "https://evil.example/v1.0",
            "would send the token to evil.example, which is not a Microsoft Graph host of the "
            "global cloud (graph.microsoft.com).",
        ),
        (
            "https://graph.microsoft.com:444/v1.0",
            "must be https:// on the default port to reach graph.microsoft.com.",
        ),
    ],
)
def test_a_graph_url_the_token_must_not_reach_is_refused_in_these_words(
    paths: AppPaths, url: str, problem: str
) -> None:
    """The technician reads why the token may not go there and how to take the setting back."""
    error = _refusal(paths, {**SIGNED_IN, "TAPDESK_GRAPH_URL": url})
    assert (error.message, error.hint) == (f"key 'TAPDESK_GRAPH_URL': {problem}", UNSET_HINT)


def test_the_default_https_port_written_out_is_still_graph(paths: AppPaths) -> None:
    """:443 is the default port: Graph named with it is accepted, the trailing slash dropped."""
    settings = load_settings(
        paths, {**SIGNED_IN, "TAPDESK_GRAPH_URL": "https://graph.microsoft.com:443/v1.0/"}
    )
    assert settings.graph_base_url == "https://graph.microsoft.com:443/v1.0"


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://graph.microsoft.com/v1.0/", "https://graph.microsoft.com/v1.0"),
        ("https://graph-proxy.contoso.com/TAPX//", "https://graph-proxy.contoso.com/TAPX"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("http://localhost:8080/mockX/", "http://localhost:8080/mockX"),
    ],
)
def test_a_graph_url_loses_its_trailing_slashes_and_nothing_else(url: str, kept: str) -> None:
    """Paths are joined after the base URL: a trailing slash would double, a lost letter break."""
    assert check_graph_url(url) == kept


def test_a_graph_url_that_is_not_https_says_which_form_is_wanted(paths: AppPaths) -> None:
    error = _refusal(paths, {**SIGNED_IN, "TAPDESK_GRAPH_URL": "ftp://graph.microsoft.com/v1.0"})
    assert (error.message, error.hint) == (
        "key 'TAPDESK_GRAPH_URL': must be an https:// URL (plain http:// only for "
        "localhost/127.0.0.1).",
        "Fix or unset the environment variable TAPDESK_GRAPH_URL.",
    )


def test_an_unknown_top_level_key_points_at_its_line(paths: AppPaths) -> None:
    """A key outside any [section] is found on its own line, after comments and blank lines."""
    write(paths.user_file, "# mine\n\ncolour = 1\n")
    error = _refusal(paths, SIGNED_IN)
    assert (error.line, error.key) == (3, "colour")
    assert error.hint == "Known sections: audit, auth, bench, display, issue, privacy, tenant."


def test_a_misspelt_key_points_at_its_line_and_suggests_the_right_one(paths: AppPaths) -> None:
    write(paths.user_file, '[tenant]\nid = "contoso.onmicrosoft.com"\ngraph_ur = "x"\n')
    error = _refusal(paths, SIGNED_IN)
    assert (error.line, error.key) == (3, "tenant.graph_ur")
    assert error.hint == f"Did you mean 'graph_url'? {TENANT_KEYS}"


def test_a_key_like_no_other_gets_only_the_list(paths: AppPaths) -> None:
    write(paths.user_file, '[tenant]\nzzzz = "x"\n')
    assert _refusal(paths, SIGNED_IN).hint == TENANT_KEYS


def test_a_huge_config_file_is_refused_with_a_question(paths: AppPaths) -> None:
    paths.user_file.parent.mkdir(parents=True, exist_ok=True)
    paths.user_file.write_bytes(b"#" * (300 * 1024))
    error = _refusal(paths, SIGNED_IN)
    assert (error.message, error.hint) == (
        f"{paths.user_file}: is larger than 256 KiB.",
        "A tapdesk configuration is a few lines of TOML: is this the right file?",
    )


def test_a_config_path_that_is_a_folder_is_refused_with_the_fix(paths: AppPaths) -> None:
    paths.user_file.mkdir(parents=True)
    error = _refusal(paths, SIGNED_IN)
    assert (error.message, error.hint) == (
        f"{paths.user_file}: is a folder, not a regular file.",
        "Make it a regular TOML file (a symbolic link to one is fine).",
    )


@pytest.mark.parametrize(
    ("line", "where"),
    [("mask_until_revealed = false", " line 2"), ('"mask_until_revealed" = false', "")],
)
def test_a_looser_privacy_setting_is_named_with_its_file_line_and_both_values(
    paths: AppPaths, line: str, where: str
) -> None:
    """The notice says where the looser value is (its line when tapdesk can find it)."""
    write(paths.site_file, "[privacy]\nmask_until_revealed = true\n")
    write(paths.user_file, f"[privacy]\n{line}\n")
    settings = load_settings(paths, SIGNED_IN)
    assert settings.mask_until_revealed is True
    assert settings.notices == (
        f"privacy.mask_until_revealed in {paths.user_file}{where} asks for mask_until_revealed "
        "= false, looser than the site file's true: the site's value is used.",
    )


def test_a_site_that_shows_the_pass_as_qr_gives_no_notice(paths: AppPaths) -> None:
    """Nothing was loosened, so the technician is not told anything was."""
    write(paths.site_file, '[privacy]\nqr_payload = "pass"\n')
    settings = load_settings(paths, SIGNED_IN)
    assert (settings.qr_payload.value, settings.notices) == ("pass", ())


def test_a_key_written_in_quotes_is_not_pinned_to_a_line_of_another_table(
    paths: AppPaths,
) -> None:
    """No line is better than the wrong one: [tenant.Extra]'s key is not [tenant]'s."""
    write(paths.user_file, '[tenant]\n"graph_ur" = "x"\n\n[tenant.Extra]\ngraph_ur = 1\n')
    error = _refusal(paths, SIGNED_IN)
    assert (error.key, error.line) == ("tenant.graph_ur", None)


def test_a_shared_bench_can_only_be_made_stricter_below_the_site_file(paths: AppPaths) -> None:
    """Not shared, a later sign-out or an older sign-in to continue with: the site's value
    stands, and the notice says so; stricter values are kept."""
    write(
        paths.site_file,
        "[bench]\nshared = true\nidle_sign_out_minutes = 15\nsign_in_max_age_minutes = 60\n",
    )
    looser = {
        "TAPDESK_SHARED_BENCH": "false",
        "TAPDESK_IDLE_SIGN_OUT_MINUTES": "0",
        "TAPDESK_SIGN_IN_MAX_AGE_MINUTES": "120",
    }
    settings = load_settings(paths, {**SIGNED_IN, **looser})
    assert (settings.shared_bench, settings.sign_out_after_idle_minutes) == (True, 15)
    assert settings.fresh_sign_in_minutes == 60
    assert settings.notices == (
        "TAPDESK_SHARED_BENCH (environment) asks for shared_bench = false, looser than the site "
        "file's true: the site's value is used.",
        "TAPDESK_IDLE_SIGN_OUT_MINUTES (environment) asks for idle_sign_out_minutes = 0, looser "
        "than the site file's 15: the site's value is used.",
        "TAPDESK_SIGN_IN_MAX_AGE_MINUTES (environment) asks for sign_in_max_age_minutes = 120, "
        "looser than the site file's 60: the site's value is used.",
    )
    stricter = {"TAPDESK_IDLE_SIGN_OUT_MINUTES": "5", "TAPDESK_SIGN_IN_MAX_AGE_MINUTES": "0"}
    settings = load_settings(paths, {**SIGNED_IN, **stricter})
    assert (settings.sign_out_after_idle_minutes, settings.fresh_sign_in_minutes) == (5, 0)
    assert settings.notices == ()


def test_bench_defaults_follow_whether_the_bench_is_shared(paths: AppPaths) -> None:
    alone = load_settings(paths, SIGNED_IN)
    assert (alone.sign_out_after_idle_minutes, alone.fresh_sign_in_minutes) == (0, None)
    shared = load_settings(paths, {**SIGNED_IN, "TAPDESK_SHARED_BENCH": "yes"})
    assert (shared.sign_out_after_idle_minutes, shared.fresh_sign_in_minutes) == (15, 60)
    idle_only = load_settings(paths, {**SIGNED_IN, "TAPDESK_IDLE_SIGN_OUT_MINUTES": "30"})
    assert (idle_only.sign_out_after_idle_minutes, idle_only.fresh_sign_in_minutes) == (30, None)
