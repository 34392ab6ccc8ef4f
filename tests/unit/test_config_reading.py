"""How each kind of setting is read, and the exact words a technician reads for each kind of
bad value: the file, line and key, what was expected, and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from tapdesk.config import (
    Settings,
    check_token_hosts,
    load_settings,
    moved_site_notice,
)
from tapdesk.errors import ConfigError
from tapdesk.runtime.paths import AppPaths, system_site_config_dir
from tests.helpers.files import write

GUID = "11111111-2222-3333-4444-555555555555"


def _refusal(paths: AppPaths, env: dict[str, str] | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_settings(paths, env or {})
    return caught.value


# --- environment values ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "meant"),
    [
        ("1", True),
        ("true", True),
        (" TRUE ", True),
        ("yes", True),
        ("Yes", True),
        ("on", True),
        ("ON", True),
        ("0", False),
        ("false", False),
        ("False", False),
        ("no", False),
        ("NO", False),
        ("off", False),
        (" Off ", False),
    ],
)
def test_an_environment_switch_reads_the_usual_words_for_on_and_off(
    paths: AppPaths, raw: str, meant: bool
) -> None:
    """TAPDESK_LARGE_TEXT=yes turns large text on, =off turns it off, whatever the case."""
    assert load_settings(paths, {"TAPDESK_LARGE_TEXT": raw}).large_text is meant


def test_an_environment_switch_that_is_not_on_or_off_is_refused_in_these_words(
    paths: AppPaths,
) -> None:
    error = _refusal(paths, {"TAPDESK_LARGE_TEXT": "maybe"})
    assert (error.message, error.hint) == (
        "key 'TAPDESK_LARGE_TEXT': expected true or false.",
        "Fix or unset the environment variable TAPDESK_LARGE_TEXT.",
    )


def test_an_empty_environment_variable_counts_as_unset(paths: AppPaths) -> None:
    """LARGE_TEXT= (empty) is not a bad value: the default stands and no layer is named."""
    settings = load_settings(paths, {"TAPDESK_LARGE_TEXT": "", "TAPDESK_CLOUD": ""})
    assert (settings.large_text, settings.cloud.value, settings.sources) == (False, "global", ())


def test_environment_scopes_split_on_commas_and_spaces(paths: AppPaths) -> None:
    """TAPDESK_SCOPES lists scopes; each is asked of the cloud's Graph, a full URL as written."""
    env = {"TAPDESK_SCOPES": " User.Read.All,  Group.Read.All https://graph.microsoft.com/.default"}
    assert load_settings(paths, env).graph_scopes() == [
        "https://graph.microsoft.com/User.Read.All",
        "https://graph.microsoft.com/Group.Read.All",
        "https://graph.microsoft.com/.default",
    ]


def test_scopes_from_a_file_list_are_kept_one_by_one(paths: AppPaths) -> None:
    write(paths.user_file, '[auth]\nscopes = ["User.Read.All", " Group.Read.All ", ""]\n')
    assert load_settings(paths, {}).graph_scopes() == [
        "https://graph.microsoft.com/User.Read.All",
        "https://graph.microsoft.com/Group.Read.All",
    ]


def test_a_full_scope_url_is_asked_for_as_written(paths: AppPaths) -> None:
    env = {"TAPDESK_CLOUD": "usgov", "TAPDESK_SCOPES": "https://graph.microsoft.us/.default"}
    assert load_settings(paths, env).graph_scopes() == ["https://graph.microsoft.us/.default"]


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"TAPDESK_SCOPES": " , "}, "expected at least one scope"),
        ({"TAPDESK_CLOUD": "azure"}, "expected one of global, usgov, usgovdod, china"),
        ({"TAPDESK_QR_PAYLOAD": "banner"}, "expected 'pass' or 'signin'"),
        ({"TAPDESK_CLIPBOARD_CLEAR_SECONDS": "soon"}, "expected a whole number"),
        (
            {"TAPDESK_HIDE_AFTER_SECONDS": "86401"},
            "expected 0 to 86400 seconds (0 turns the timer off)",
        ),
        (
            {"TAPDESK_HIDE_AFTER_SECONDS": "-1"},
            "expected 0 to 86400 seconds (0 turns the timer off)",
        ),
        ({"TAPDESK_IDLE_SIGN_OUT_MINUTES": "1441"}, "expected 0 to 1440 minutes"),
        ({"TAPDESK_SIGN_IN_MAX_AGE_MINUTES": "-1"}, "expected 0 to 1440 minutes"),
        ({"TAPDESK_DEFAULT_LIFETIME": "9"}, "a pass lifetime is 10 to 43200 minutes"),
        ({"TAPDESK_DEFAULT_LIFETIME": "43201"}, "a pass lifetime is 10 to 43200 minutes"),
        (
            {"TAPDESK_CLIENT_ID": "my-app"},
            "expected a GUID like 00000000-0000-0000-0000-000000000000",
        ),
        (
            {"TAPDESK_TENANT_ID": "contoso"},
            "expected the tenant GUID or its domain (contoso.onmicrosoft.com)",
        ),
        ({"TAPDESK_TENANT_ID": "   "}, "expected a non-empty string"),
    ],
)
def test_a_bad_environment_value_says_what_was_expected(
    paths: AppPaths, env: dict[str, str], problem: str
) -> None:
    (var,) = env
    error = _refusal(paths, env)
    assert (error.message, error.hint) == (
        f"key '{var}': {problem}.",
        f"Fix or unset the environment variable {var}.",
    )


@pytest.mark.parametrize(
    ("var", "raw", "kept"),
    [
        ("TAPDESK_DEFAULT_LIFETIME", "10", 10),
        ("TAPDESK_DEFAULT_LIFETIME", "43200", 43200),
        ("TAPDESK_HIDE_AFTER_SECONDS", "0", 0),
        ("TAPDESK_HIDE_AFTER_SECONDS", "86400", 86400),
        ("TAPDESK_IDLE_SIGN_OUT_MINUTES", "0", 0),
        ("TAPDESK_SIGN_IN_MAX_AGE_MINUTES", "1440", 1440),
    ],
)
def test_numbers_at_the_ends_of_their_range_are_accepted(
    paths: AppPaths, var: str, raw: str, kept: int
) -> None:
    settings = load_settings(paths, {var: raw})
    name = {
        "TAPDESK_DEFAULT_LIFETIME": "default_lifetime_minutes",
        "TAPDESK_IDLE_SIGN_OUT_MINUTES": "idle_sign_out_minutes",
        "TAPDESK_SIGN_IN_MAX_AGE_MINUTES": "sign_in_max_age_minutes",
    }.get(var, "hide_after_seconds")
    assert getattr(settings, name) == kept


# --- file values -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("toml", "key", "problem"),
    [
        (
            "[issue]\ndefault_lifetime_minutes = true\n",
            "issue.default_lifetime_minutes",
            "expected a whole number",
        ),
        (
            '[issue]\ndefault_lifetime_minutes = "long"\n',
            "issue.default_lifetime_minutes",
            "expected a whole number",
        ),
        (
            "[privacy]\nhide_after_seconds = false\n",
            "privacy.hide_after_seconds",
            "expected a whole number",
        ),
        ('[display]\nlarge_text = "maybe"\n', "display.large_text", "expected true or false"),
        ("[auth]\nscopes = []\n", "auth.scopes", "expected at least one scope"),
        ('[tenant]\nid = ""\n', "tenant.id", "expected a non-empty string"),
        ("[tenant]\nid = 5\n", "tenant.id", "expected a non-empty string"),
        (
            '[tenant]\nclient_id = "my-app"\n',
            "tenant.client_id",
            "expected a GUID like 00000000-0000-0000-0000-000000000000",
        ),
    ],
)
def test_a_bad_file_value_names_file_line_key_and_what_was_expected(
    paths: AppPaths, toml: str, key: str, problem: str
) -> None:
    write(paths.user_file, toml)
    error = _refusal(paths)
    assert (error.message, error.hint) == (
        f"{paths.user_file}, line 2, key '{key}': {problem}.",
        "",
    )


def test_a_proxy_host_that_is_not_a_host_name_is_refused_in_these_words(paths: AppPaths) -> None:
    write(paths.site_file, '[tenant]\nallowed_graph_host = "https://proxy/"\n')
    error = _refusal(paths)
    assert error.message == (
        f"{paths.site_file}, line 2, key 'tenant.allowed_graph_host': "
        "expected a host name like graph-proxy.contoso.com."
    )


def test_a_site_only_key_in_the_user_file_is_refused_with_the_fix(paths: AppPaths) -> None:
    write(paths.user_file, "# mine\n[audit]\nallow_issue_without_trail = true\n")
    error = _refusal(paths)
    assert (error.message, error.hint) == (
        f"{paths.user_file}, line 3, key 'audit.allow_issue_without_trail': can only be set by "
        "an administrator in the site configuration.",
        "Remove it from this file; ask IT to set it in the site tapdesk.toml.",
    )


def test_an_unknown_key_is_named_with_its_file_and_line(paths: AppPaths) -> None:
    write(paths.user_file, "[display]\n\nlarge_txt = true\n")
    error = _refusal(paths)
    assert (error.message, error.hint) == (
        f"{paths.user_file}, line 3, key 'display.large_txt': unknown key.",
        "Did you mean 'large_text'? Keys in [display]: large_text.",
    )


def test_a_known_name_that_is_not_a_table_is_an_unknown_section(paths: AppPaths) -> None:
    """tenant = "x" at the top is not the [tenant] table: refused, pointing at the table."""
    write(paths.user_file, '# mine\ntenant = "contoso.com"\n')
    error = _refusal(paths)
    assert (error.message, error.hint) == (
        f"{paths.user_file}, line 2, key 'tenant': unknown section.",
        "Did you mean 'tenant'? Known sections: audit, auth, bench, display, issue, privacy, tenant.",
    )


def test_a_toml_syntax_error_is_named_with_its_line_and_the_fix(paths: AppPaths) -> None:
    write(paths.user_file, '[tenant]\nid = "contoso.com"\nclient_id = \n')
    error = _refusal(paths)
    assert (error.message, error.hint) == (
        f"{paths.user_file}, line 3: is not valid TOML: Invalid value.",
        "Fix the syntax (TOML: key = value, strings in quotes).",
    )


def test_a_file_nested_too_deeply_is_refused_with_the_fix(paths: AppPaths) -> None:
    write(paths.user_file, "[auth]\nscopes = " + "[" * 5000 + "]" * 5000 + "\n")
    error = _refusal(paths)
    assert (error.message, error.hint) == (
        f"{paths.user_file}: nests arrays or tables too deeply to be read.",
        "Settings are plain values: key = value, strings in quotes.",
    )


def test_a_file_that_cannot_be_opened_is_named_with_the_error(paths: AppPaths) -> None:
    # Its folder is a file (a profile copied badly): opening it fails with NotADirectoryError.
    paths.user_file.parent.parent.mkdir(parents=True, exist_ok=True)
    paths.user_file.parent.write_text("not a folder", encoding="utf-8")
    error = _refusal(paths)
    assert (error.message, error.hint) == (
        f"{paths.user_file}: cannot be read (NotADirectoryError).",
        "",
    )


def test_a_file_saved_as_utf16_is_named_with_how_to_save_it(paths: AppPaths) -> None:
    # Windows PowerShell 5.1's ">" and Out-File write UTF-16LE with a byte order mark.
    paths.user_file.parent.mkdir(parents=True)
    paths.user_file.write_bytes("[display]\nlarge_text = true\n".encode("utf-16"))
    error = _refusal(paths)
    assert (error.message, error.hint) == (
        f"{paths.user_file}: is saved as UTF-16, not UTF-8.",
        "Save it as UTF-8: in PowerShell, Set-Content -Encoding UTF8 (or Out-File -Encoding "
        "utf8); in Notepad, Save as with Encoding UTF-8.",
    )


def test_a_file_that_is_not_utf8_is_named(paths: AppPaths) -> None:
    paths.user_file.parent.mkdir(parents=True)
    paths.user_file.write_bytes(b"[display]\n# caf\xe9\nlarge_text = true\n")
    error = _refusal(paths)
    assert (error.message, error.hint) == (
        f"{paths.user_file}, line 2: is not UTF-8 text.",
        "Save it as UTF-8: in PowerShell, Set-Content -Encoding UTF8 (or Out-File -Encoding "
        "utf8); in Notepad, Save as with Encoding UTF-8.",
    )


# --- where the settings and the token go -----------------------------------------------------
def test_settings_built_in_code_with_a_foreign_graph_url_are_refused_in_these_words() -> None:
    """No file or variable set it: the hint says to drop the setting, and names Graph's host."""
    with pytest.raises(ConfigError) as caught:
        check_token_hosts(Settings(graph_url="https://evil.example/v1.0"))
    assert (caught.value.message, caught.value.hint) == (
        "key 'graph_url': would send the token to evil.example, which is not a Microsoft Graph "
        "host of the global cloud (graph.microsoft.com).",
        "Drop the graph_url setting to use https://graph.microsoft.com; a Graph proxy must be "
        "named by IT in the site file ([tenant] allowed_graph_host).",
    )


def test_without_paths_the_settings_come_from_the_home_in_the_given_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """load_settings(env=...) finds the files where that environment's TAPDESK_HOME points."""
    monkeypatch.delenv("TAPDESK_HOME", raising=False)
    env = {"TAPDESK_HOME": str(tmp_path)}
    write(AppPaths.default(env).user_file, '[tenant]\nid = "contoso.com"\n')
    assert load_settings(env=env).tenant_id == "contoso.com"


def test_a_moved_site_file_is_announced_with_both_places(paths: AppPaths) -> None:
    system = system_site_config_dir() / "tapdesk.toml"
    assert moved_site_notice(paths) == (
        f"The site file is read from {paths.site_file}, not {system}: TAPDESK_HOME moved it, "
        "so it may tighten settings but not relax them."
    )


def test_a_misspelt_table_is_pointed_at_by_its_header_line(paths: AppPaths) -> None:
    """[tenat] is found where it starts, so the technician goes straight to the typo."""
    write(paths.user_file, '[tenant]\nid = "contoso.com"\n\n[tenat]\nclient_id = "x"\n')
    error = _refusal(paths)
    assert error.message == f"{paths.user_file}, line 4, key 'tenat': unknown section."
