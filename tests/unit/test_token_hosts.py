"""Tokens go only to Microsoft: each cloud's Graph and sign-in hosts, else a host IT names in the
system site file; a local server only for the demo tenant or a TAPDESK_ACCESS_TOKEN token."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

import pytest

from tapdesk.config import Cloud, Settings, check_token_hosts, load_settings
from tapdesk.errors import ConfigError
from tapdesk.runtime.paths import AppPaths
from tests.helpers.files import write

GUID = "11111111-2222-3333-4444-555555555555"
EVIL = "https://evil.example/v1.0"
PROXY = "graph-proxy.contoso.com"
# What Microsoft documents (https://learn.microsoft.com/graph/deployments), written out again
# here so that a change to the table in config.py has to be made twice, on purpose.
DOCUMENTED = {
    "global": ("login.microsoftonline.com", "graph.microsoft.com"),
    "usgov": ("login.microsoftonline.us", "graph.microsoft.us"),
    "usgovdod": ("login.microsoftonline.us", "dod-graph.microsoft.us"),
    "china": ("login.chinacloudapi.cn", "microsoftgraph.chinacloudapi.cn"),
}
SIGNED_IN = {"TAPDESK_TENANT_ID": GUID, "TAPDESK_CLIENT_ID": GUID}  # MSAL, no env token


@pytest.fixture
def system(paths: AppPaths) -> AppPaths:
    """The same folders, with the site file counted as IT's at the system location."""
    return replace(paths, site_moved_by=None)


def test_the_table_is_microsofts() -> None:
    assert {c.value for c in Cloud} == set(DOCUMENTED)
    for cloud in Cloud:
        sign_in, graph = DOCUMENTED[cloud.value]
        assert cloud.hosts.sign_in == (sign_in,) and cloud.hosts.graph == (graph,)


@pytest.mark.parametrize("cloud", list(DOCUMENTED))
@pytest.mark.parametrize("how", ["environment", "user file"])
def test_each_clouds_graph_host_is_accepted(paths: AppPaths, cloud: str, how: str) -> None:
    sign_in, graph = DOCUMENTED[cloud]
    url = f"https://{graph.upper()}/beta"  # host names match case-insensitively
    env = {**SIGNED_IN, "TAPDESK_CLOUD": cloud}
    if how == "environment":
        env["TAPDESK_GRAPH_URL"] = url
    else:
        write(paths.user_file, f'[tenant]\ngraph_url = "{url}"\n')
    settings = load_settings(paths, env)
    assert settings.graph_base_url == url
    assert urlsplit(settings.authority or "").hostname == sign_in  # MSAL's only host


def test_the_default_graph_and_authority_are_always_listed(paths: AppPaths) -> None:
    for cloud in Cloud:
        settings = load_settings(paths, {**SIGNED_IN, "TAPDESK_CLOUD": cloud.value})
        assert urlsplit(settings.graph_base_url).hostname in cloud.hosts.graph
        assert urlsplit(settings.authority or "").hostname in cloud.hosts.sign_in


def test_an_unlisted_host_from_the_environment_is_refused(paths: AppPaths) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(paths, {"TAPDESK_GRAPH_URL": EVIL, "TAPDESK_ACCESS_TOKEN": "x"})
    err = info.value
    assert err.key == "TAPDESK_GRAPH_URL" and err.path is None
    assert "evil.example" in err.message and "not a Microsoft Graph host" in err.message
    assert "Unset the environment variable TAPDESK_GRAPH_URL" in err.hint
    assert "allowed_graph_host" in err.hint


def test_an_unlisted_host_from_the_user_file_is_refused(paths: AppPaths) -> None:
    write(paths.user_file, f'[issue]\ndefault_one_time = true\n\n[tenant]\ngraph_url = "{EVIL}"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(paths, SIGNED_IN)
    err = info.value
    assert (err.path, err.line, err.key) == (str(paths.user_file), 5, "tenant.graph_url")
    assert "evil.example" in err.message
    assert f"Remove tenant.graph_url from {paths.user_file}" in err.hint


@pytest.mark.parametrize(
    ("cloud", "url"),
    [
        ("global", "https://graph.microsoft.us/v1.0"),  # another cloud's host
        ("usgov", "https://graph.microsoft.com/v1.0"),
        ("global", "https://graph.microsoft.com.evil.example/v1.0"),
        ("global", "https://evil.example/graph.microsoft.com/v1.0"),
        ("global", "https://graph.microsoft.com.:443/v1.0"),  # not the same name
        ("global", "https://graph.microsoft.com:8443/v1.0"),
        ("global", "https://user:secret@graph.microsoft.com/v1.0"),
        ("global", "https://graph.microsoft.com:99999/v1.0"),
        ("global", "https://evil.example\\@graph.microsoft.com/v1.0"),
        ("global", "https://graph.microsoft.com%2eevil.example/v1.0"),
    ],
)
def test_near_misses_are_refused(paths: AppPaths, cloud: str, url: str) -> None:
    env = {**SIGNED_IN, "TAPDESK_CLOUD": cloud, "TAPDESK_GRAPH_URL": url}
    with pytest.raises(ConfigError) as info:
        load_settings(paths, env)
    assert info.value.key == "TAPDESK_GRAPH_URL"
    assert "secret" not in info.value.message


def test_the_system_site_file_may_name_a_graph_proxy(system: AppPaths) -> None:
    write(system.site_file, f'[tenant]\nallowed_graph_host = "{PROXY.upper()}"\n')
    write(system.user_file, f'[tenant]\ngraph_url = "https://{PROXY}/v1.0"\n')
    settings = load_settings(system, SIGNED_IN)
    assert settings.graph_base_url == f"https://{PROXY}/v1.0"
    assert settings.allowed_graph_host == PROXY
    origin = settings.origin("allowed_graph_host")
    assert origin is not None and origin.path == str(system.site_file) and origin.line == 2
    # Only that host, and only over https on the default port.
    for url in (f"https://{PROXY}:8443/v1.0", "https://other-proxy.contoso.com/v1.0"):
        with pytest.raises(ConfigError):
            load_settings(system, {**SIGNED_IN, "TAPDESK_GRAPH_URL": url})


def test_a_graph_proxy_named_anywhere_else_is_refused(paths: AppPaths) -> None:
    line = f'[tenant]\nallowed_graph_host = "{PROXY}"\n'
    write(paths.site_file, line)  # moved by TAPDESK_HOME
    with pytest.raises(ConfigError) as info:
        load_settings(paths, SIGNED_IN)
    assert "TAPDESK_HOME moved" in info.value.message
    assert info.value.key == "tenant.allowed_graph_host"
    paths.site_file.unlink()
    write(paths.user_file, line)
    with pytest.raises(ConfigError) as info:
        load_settings(paths, SIGNED_IN)
    assert "administrator" in info.value.message


def test_a_graph_url_in_the_site_file_needs_the_explicit_key_too(system: AppPaths) -> None:
    write(system.site_file, f'[tenant]\ngraph_url = "https://{PROXY}/v1.0"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(system, SIGNED_IN)
    assert info.value.path == str(system.site_file) and info.value.key == "tenant.graph_url"


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/v1.0", "https://localhost/v1.0", "http://[::1]:9/beta"]
)
def test_a_local_server_never_gets_a_signed_in_technicians_token(paths: AppPaths, url: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(paths, {**SIGNED_IN, "TAPDESK_GRAPH_URL": url})
    assert "local server" in info.value.message and "TAPDESK_ACCESS_TOKEN" in info.value.message
    # A pre-obtained token (tests, automation) or the demo tenant may use one.
    with_token = load_settings(paths, {"TAPDESK_GRAPH_URL": url, "TAPDESK_ACCESS_TOKEN": "x"})
    assert with_token.graph_base_url == url
    assert load_settings(paths, {"TAPDESK_GRAPH_URL": url}, {"demo": True}).demo


def test_settings_built_by_hand_are_checked_as_well() -> None:
    with pytest.raises(ConfigError) as info:
        check_token_hosts(Settings(graph_url=EVIL, access_token="x"))
    assert "evil.example" in info.value.message
    check_token_hosts(Settings(graph_url="https://graph.microsoft.com/beta"))
    check_token_hosts(Settings())
