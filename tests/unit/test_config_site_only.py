"""Settings that relax security come only from IT's site file at the system location: a user
file is refused, a moved site file is refused, an environment variable or a flag is no way in."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tapdesk.app.main import _flag_overrides
from tapdesk.cli.parser import build_parser
from tapdesk.config import _SITE_ONLY, Settings, load_settings
from tapdesk.errors import ConfigError, UsageError
from tapdesk.runtime.paths import AppPaths
from tests.helpers.files import write

# Settings field -> (its TOML, the value it relaxes to); one row per key in _SITE_ONLY.
RELAXING = {
    "allow_plaintext_cache": ("[auth]\nallow_plaintext_cache = true\n", True),
    "allowed_graph_host": (
        '[tenant]\nallowed_graph_host = "graph-proxy.contoso.com"\n',
        "graph-proxy.contoso.com",
    ),
    "allow_issue_without_trail": ("[audit]\nallow_issue_without_trail = true\n", True),
}
KEYS = sorted(RELAXING)


def test_every_site_only_key_is_covered_here() -> None:
    assert set(RELAXING) == _SITE_ONLY


@pytest.mark.parametrize("name", KEYS)
def test_the_system_site_file_may_relax_it(paths: AppPaths, name: str) -> None:
    toml, relaxed = RELAXING[name]
    write(paths.site_file, toml)
    system = replace(paths, site_moved_by=None)  # as if the file were IT's at the system location
    assert getattr(load_settings(system, {}), name) == relaxed


@pytest.mark.parametrize("name", KEYS)
def test_a_user_file_may_not_set_it(paths: AppPaths, name: str) -> None:
    write(paths.user_file, RELAXING[name][0])
    with pytest.raises(ConfigError) as info:
        load_settings(paths, {})
    assert info.value.path == str(paths.user_file)
    assert "administrator in the site configuration" in info.value.message


@pytest.mark.parametrize("name", KEYS)
def test_a_site_file_moved_by_tapdesk_home_may_not_set_it(paths: AppPaths, name: str) -> None:
    assert paths.site_moved_by == "TAPDESK_HOME"
    write(paths.site_file, RELAXING[name][0])
    with pytest.raises(ConfigError) as info:
        load_settings(paths, {})
    assert info.value.path == str(paths.site_file)
    assert "TAPDESK_HOME moved" in info.value.message


@pytest.mark.parametrize("name", KEYS)
def test_an_environment_variable_cannot_set_it(paths: AppPaths, name: str) -> None:
    relaxed = RELAXING[name][1]
    env = {f"TAPDESK_{name.upper()}": str(relaxed).lower()}
    if name == "allow_plaintext_cache":
        env["TAPDESK_ALLOW_PLAINTEXT"] = "true"  # the shorter spelling someone might try
    assert getattr(load_settings(paths, env), name) == getattr(Settings(), name)


def test_a_proxy_named_in_the_environment_gets_no_token(paths: AppPaths) -> None:
    env = {
        "TAPDESK_ALLOWED_GRAPH_HOST": "graph-proxy.contoso.com",
        "TAPDESK_GRAPH_URL": "https://graph-proxy.contoso.com/v1.0",
        "TAPDESK_ACCESS_TOKEN": "x",
    }
    with pytest.raises(ConfigError, match="not a Microsoft Graph host"):
        load_settings(paths, env)


@pytest.mark.parametrize("name", KEYS)
def test_no_command_line_flag_sets_it(name: str) -> None:
    flag = "--" + name.replace("_", "-")
    with pytest.raises(UsageError, match=f"Unrecognized arguments: {flag}"):
        build_parser().parse_args([flag, "doctor"])
    # Whatever the command line says, none of these reaches the settings from it.
    for argv in (["--demo", "doctor"], ["--tenant", "contoso.com", "--cloud", "usgov", "doctor"]):
        assert name not in _flag_overrides(build_parser().parse_args(argv))


@pytest.mark.parametrize("name", KEYS)
def test_an_override_naming_it_is_ignored(paths: AppPaths, name: str) -> None:
    """Even a caller that passes a site-only key as a flag override cannot relax it."""
    _, relaxed = RELAXING[name]
    settings = load_settings(paths, {}, {name: relaxed})
    assert getattr(settings, name) == getattr(Settings(), name)
