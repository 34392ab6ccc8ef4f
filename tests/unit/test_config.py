from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tapdesk.config import Cloud, QrPayload, check_graph_url, load_settings
from tapdesk.errors import ConfigError
from tapdesk.runtime import paths as paths_module
from tapdesk.runtime.paths import AppPaths, system_site_config_dir
from tests.helpers.files import write

GUID = "11111111-2222-3333-4444-555555555555"


def test_layers_site_then_user_then_env_then_flags(paths: AppPaths) -> None:
    write(
        paths.site_file,
        f'[tenant]\nid = "contoso.onmicrosoft.com"\nclient_id = "{GUID}"\ncloud = "usgov"\n'
        "[issue]\ndefault_lifetime_minutes = 120\n",
    )
    write(paths.user_file, "[issue]\ndefault_lifetime_minutes = 90\ndefault_one_time = true\n")
    env = {"TAPDESK_HOME": str(paths.data_dir.parent), "TAPDESK_DEFAULT_LIFETIME": "75"}
    settings = load_settings(paths, env, {"cloud": Cloud.CHINA})
    assert settings.tenant_id == "contoso.onmicrosoft.com"
    assert settings.client_id == GUID
    assert settings.default_lifetime_minutes == 75
    assert settings.default_one_time is True
    assert settings.cloud is Cloud.CHINA
    assert settings.authority == "https://login.chinacloudapi.cn/contoso.onmicrosoft.com"
    assert settings.graph_base_url == "https://microsoftgraph.chinacloudapi.cn/v1.0"
    assert settings.sources == (str(paths.site_file), str(paths.user_file), "environment")


@pytest.mark.parametrize(
    ("cloud", "authority", "graph"),
    [
        ("global", "https://login.microsoftonline.com", "https://graph.microsoft.com"),
        ("usgov", "https://login.microsoftonline.us", "https://graph.microsoft.us"),
        ("usgovdod", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us"),
        ("china", "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn"),
    ],
)
def test_each_cloud_maps_to_its_endpoints(
    paths: AppPaths, cloud: str, authority: str, graph: str
) -> None:
    settings = load_settings(paths, {"TAPDESK_CLOUD": cloud, "TAPDESK_TENANT_ID": GUID})
    assert settings.authority == f"{authority}/{GUID}"
    assert settings.graph_base_url == f"{graph}/v1.0"
    assert all(scope.startswith(graph + "/") for scope in settings.graph_scopes())


def test_tap_only_permission_swaps_the_write_scope(paths: AppPaths) -> None:
    write(paths.user_file, "[auth]\ntap_only_permission = true\n")
    scopes = load_settings(paths, {}).graph_scopes()
    assert "https://graph.microsoft.com/UserAuthMethod-TAP.ReadWrite.All" in scopes
    assert not any(s.endswith("UserAuthenticationMethod.ReadWrite.All") for s in scopes)


def test_graph_url_and_token_from_environment(paths: AppPaths) -> None:
    settings = load_settings(
        paths, {"TAPDESK_GRAPH_URL": "http://127.0.0.1:8080/v1.0/", "TAPDESK_ACCESS_TOKEN": "abc"}
    )
    assert settings.graph_base_url == "http://127.0.0.1:8080/v1.0"
    assert settings.tenant_configured
    assert "abc" not in repr(settings)


@pytest.mark.parametrize(
    "url",
    [
        "http://graph.contoso.com/v1.0",
        "ftp://localhost/v1.0",
        "graph.microsoft.com",
        "http://10.0.0.1/v1.0",
    ],
)
def test_graph_url_must_be_https_unless_loopback(paths: AppPaths, url: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(paths, {"TAPDESK_GRAPH_URL": url})
    assert "TAPDESK_GRAPH_URL" in info.value.message
    assert "https://" in info.value.message


@pytest.mark.parametrize(
    "url", ["http://localhost:9/v1.0", "http://[::1]:9/beta", "https://graph.example/v1.0"]
)
def test_graph_url_accepted(url: str) -> None:
    assert check_graph_url(url) == url


def test_syntax_error_names_file_and_line(paths: AppPaths) -> None:
    write(paths.user_file, '[tenant]\nid = "contoso.com"\nclient_id = \n')
    with pytest.raises(ConfigError) as info:
        load_settings(paths, {})
    assert str(paths.user_file) in info.value.message
    assert info.value.line == 3


def test_bad_value_names_file_line_and_key(paths: AppPaths) -> None:
    write(
        paths.user_file,
        '[tenant]\nid = "contoso.com"\n\n[issue]\ndefault_lifetime_minutes = "long"\n',
    )
    with pytest.raises(ConfigError) as info:
        load_settings(paths, {})
    err = info.value
    assert (err.path, err.line, err.key) == (
        str(paths.user_file),
        5,
        "issue.default_lifetime_minutes",
    )
    assert "whole number" in err.message


def test_unknown_key_suggests_the_right_one(paths: AppPaths) -> None:
    write(paths.user_file, "[privacy]\nclipboard_clear_secs = 10\n")
    with pytest.raises(ConfigError) as info:
        load_settings(paths, {})
    assert info.value.key == "privacy.clipboard_clear_secs"
    assert "clipboard_clear_seconds" in info.value.hint


def test_plaintext_cache_is_an_administrator_setting_only(paths: AppPaths) -> None:
    write(paths.user_file, "[auth]\nallow_plaintext_cache = true\n")
    with pytest.raises(ConfigError) as info:
        load_settings(paths, {})
    assert "administrator" in info.value.message
    paths.user_file.unlink()
    write(paths.site_file, "[auth]\nallow_plaintext_cache = true\n")
    system = replace(paths, site_moved_by=None)  # as if the file were IT's at the system location
    assert load_settings(system, {}).allow_plaintext_cache is True


def test_a_moved_site_file_may_not_relax_security(paths: AppPaths) -> None:
    assert paths.site_moved_by == "TAPDESK_HOME" and not paths.site_is_system
    write(paths.site_file, "[auth]\nallow_plaintext_cache = true\n")
    with pytest.raises(ConfigError) as info:
        load_settings(paths, {})
    err = info.value
    assert (err.path, err.line, err.key) == (str(paths.site_file), 2, "auth.allow_plaintext_cache")
    assert "system location" in err.message and "TAPDESK_HOME moved" in err.message
    assert str(system_site_config_dir()) in err.hint
    # Saying what the default says relaxes nothing (the shipped example does): accepted.
    write(paths.site_file, "[auth]\nallow_plaintext_cache = false\n")
    assert load_settings(paths, {}).allow_plaintext_cache is False


def test_bad_environment_variable_is_named(paths: AppPaths) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(paths, {"TAPDESK_QR_PAYLOAD": "banner"})
    assert info.value.key == "TAPDESK_QR_PAYLOAD"
    assert load_settings(paths, {"TAPDESK_QR_PAYLOAD": "signin"}).qr_payload is QrPayload.SIGNIN


def test_bom_is_accepted(paths: AppPaths) -> None:
    paths.user_file.parent.mkdir(parents=True)
    paths.user_file.write_bytes("\ufeff[display]\nlarge_text = true\n".encode())
    assert load_settings(paths, {}).large_text is True


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_config_text_loads_or_gives_a_config_error(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    home = tmp_path_factory.mktemp("cfg")
    paths = AppPaths.default({"TAPDESK_HOME": str(home)})
    write(paths.user_file, text)
    try:
        load_settings(paths, {})
    except ConfigError as exc:
        assert str(paths.user_file) in exc.message


def test_site_file_is_found_in_any_system_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    if sys.platform != "linux":
        pytest.skip("XDG folders are a Linux matter")
    first, second = tmp_path / "xdg-ubuntu", tmp_path / "xdg"
    write(second / "tapdesk" / "tapdesk.toml", '[tenant]\nid = "contoso.com"\n')
    monkeypatch.setenv("XDG_CONFIG_DIRS", f"{first}:{second}")
    paths = AppPaths.default({})
    assert paths.site_file == second / "tapdesk" / "tapdesk.toml"
    assert load_settings(paths, {}).tenant_id == "contoso.com"
    # An environment variable chose it: read, but not IT's file at the system location.
    assert paths.site_moved_by == "XDG_CONFIG_DIRS"
    (second / "tapdesk" / "tapdesk.toml").unlink()
    nothing = AppPaths.default({})
    assert nothing.site_config_dir == system_site_config_dir() and nothing.site_is_system


def test_the_system_site_file_wins_over_xdg_config_dirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    if sys.platform != "linux":
        pytest.skip("XDG folders are a Linux matter")
    system, listed = tmp_path / "etc-xdg" / "tapdesk", tmp_path / "mine"
    write(system / "tapdesk.toml", "[privacy]\nclipboard_clear_seconds = 10\n")
    write(listed / "tapdesk" / "tapdesk.toml", "[privacy]\nclipboard_clear_seconds = 0\n")
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(listed))
    # A variable cannot hide IT's file behind one of its own.
    assert paths_module._site_location(system) == (system, None)
    (system / "tapdesk.toml").unlink()
    assert paths_module._site_location(system) == (listed / "tapdesk", "XDG_CONFIG_DIRS")
