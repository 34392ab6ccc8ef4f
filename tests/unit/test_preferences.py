"""Tools > Settings… writes the user file: only the lines it must, privately, never a bad file."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tapdesk.config import (
    _TIGHTER,
    Origin,
    QrPayload,
    Settings,
    _hold_to_site,
    load_settings,
    tightened,
)
from tapdesk.errors import ConfigError
from tapdesk.runtime.paths import AppPaths
from tapdesk.workflows.preferences import adopt, save_user_values, set_keys, toml_literal
from tests.helpers.files import write

# The é: the file is written as UTF-8 whatever the locale's encoding.
USER = """\
# my tapdesk settings (café bench)
[tenant]
id = "contoso.onmicrosoft.com"   # the tenant

[privacy]
clipboard_clear_seconds = 30     # a copied pass leaves the clipboard after this
hide_after_seconds = 120

# display comes next
[display]
large_text = false
"""


def written(paths: AppPaths) -> str:
    """The user file as written: its bytes, line ends and all."""
    return paths.user_file.read_bytes().decode("utf-8")


def test_a_key_is_set_in_place_and_everything_else_is_kept(paths: AppPaths) -> None:
    write(paths.user_file, USER)
    save_user_values(paths, {"clipboard_clear_seconds": 10})
    assert written(paths) == USER.replace(
        "clipboard_clear_seconds = 30 ", "clipboard_clear_seconds = 10 "
    )


def test_a_new_key_goes_after_its_sections_last_key(paths: AppPaths) -> None:
    write(paths.user_file, USER)
    save_user_values(paths, {"qr_payload": QrPayload.SIGNIN, "mask_until_revealed": True})
    text = written(paths)
    assert text == USER.replace(
        "hide_after_seconds = 120\n",
        'hide_after_seconds = 120\nqr_payload = "signin"\nmask_until_revealed = true\n',
    )


def test_a_missing_section_is_added_at_the_end(paths: AppPaths) -> None:
    write(paths.user_file, USER)
    save_user_values(paths, {"default_lifetime_minutes": 90, "default_one_time": True})
    text = written(paths)
    assert text == USER + "\n[issue]\ndefault_lifetime_minutes = 90\ndefault_one_time = true\n"


def test_none_removes_the_key(paths: AppPaths) -> None:
    write(paths.user_file, USER)
    save_user_values(paths, {"hide_after_seconds": None})
    assert written(paths) == USER.replace("hide_after_seconds = 120\n", "")


def test_windows_line_ends_stay_windows_line_ends() -> None:
    text = "[privacy]\r\nhide_after_seconds = 120\r\n"
    assert set_keys(text, {("privacy", "clipboard_clear_seconds"): "5"}) == (
        "[privacy]\r\nhide_after_seconds = 120\r\nclipboard_clear_seconds = 5\r\n"
    )


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_the_comment_after_a_value_is_kept_to_its_last_letter(end: str) -> None:
    text = f"[privacy]{end}hide_after_seconds = 120  # then the pass shows as XXXX{end}"
    assert set_keys(text, {("privacy", "hide_after_seconds"): "60"}) == text.replace("120", "60")


def test_a_value_written_in_another_form_is_replaced_whole() -> None:
    text = '[privacy]\nqr_payload = """signin"""\n'
    assert (
        set_keys(text, {("privacy", "qr_payload"): '"pass"'}) == '[privacy]\nqr_payload = "pass"\n'
    )


def test_a_file_without_a_last_line_end_gets_one(paths: AppPaths) -> None:
    write(paths.user_file, USER.rstrip("\n"))
    save_user_values(paths, {"default_one_time": True})
    assert written(paths) == USER + "\n[issue]\ndefault_one_time = true\n"


def test_a_section_with_no_keys_gets_the_key_under_its_header() -> None:
    text = "[privacy]\n\n[display]\nlarge_text = false\n"
    assert set_keys(text, {("privacy", "hide_after_seconds"): "60"}) == (
        "[privacy]\nhide_after_seconds = 60\n\n[display]\nlarge_text = false\n"
    )


def test_an_indented_header_is_a_header() -> None:
    text = "[privacy]\nhide_after_seconds = 120\n  [display]\n  large_text = false\n"
    changes = {("display", "large_text"): "true", ("privacy", "clipboard_clear_seconds"): "10"}
    assert set_keys(text, changes) == (
        "[privacy]\nhide_after_seconds = 120\nclipboard_clear_seconds = 10\n"
        "  [display]\n  large_text = true\n"
    )


def test_a_line_of_a_multi_line_string_is_not_taken_for_a_key() -> None:
    # scopes may be any text, even a line that reads like a setting just above [privacy]
    text = (
        '[auth]\nscopes = """User.Read\nhide_after_seconds = 60"""\n'
        "[privacy]\nhide_after_seconds = 120\n"
    )
    assert set_keys(text, {("privacy", "hide_after_seconds"): "30"}) == text.replace(
        "= 120", "= 30"
    )


def test_a_string_is_written_as_toml_reads_it_back() -> None:
    text = 'a "quoted" \\ path\n\t\x07\uffff\U000e0001 ok'
    literal = toml_literal(text)
    assert literal == '"a \\"quoted\\" \\\\ path\\n\\t\\u0007\\uffff\\U000e0001 ok"'
    assert tomllib.loads(f"value = {literal}")["value"] == text


def test_a_value_with_no_toml_form_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match=r"^no TOML literal for a float$"):
        toml_literal(1.5)


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_a_missing_file_is_created_private_in_a_private_folder(paths: AppPaths) -> None:
    assert not paths.config_dir.exists()
    save_user_values(paths, {"large_text": True})
    assert written(paths) == "[display]\nlarge_text = true\n"
    assert stat.S_IMODE(paths.user_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.config_dir.stat().st_mode) == 0o700
    assert [p.name for p in paths.config_dir.iterdir()] == ["tapdesk.toml"]  # no temp file left


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_linked_user_file_is_written_where_the_link_leads(
    paths: AppPaths, tmp_path: Path
) -> None:
    real = tmp_path / "dotfiles" / "tapdesk.toml"
    write(real, USER)
    paths.config_dir.mkdir()
    paths.user_file.symlink_to(real)
    save_user_values(paths, {"clipboard_clear_seconds": 10})
    assert paths.user_file.is_symlink()
    assert real.read_bytes().decode("utf-8") == USER.replace("= 30 ", "= 10 ")


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_linked_folder_is_named_as_tapdesk_names_it(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "home").symlink_to(tmp_path / "real")
    paths = AppPaths.default({"TAPDESK_HOME": str(tmp_path / "home")})
    with pytest.raises(ConfigError) as raised:
        save_user_values(paths, {"hide_after_seconds": -1})
    assert raised.value.message.startswith(f"{paths.user_file}, key ")


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        (
            "clipboard_clear_seconds",
            -5,
            "key 'privacy.clipboard_clear_seconds': not saved: "
            "expected 0 to 86400 seconds (0 turns the timer off).",
        ),
        (
            "default_lifetime_minutes",
            5,
            "key 'issue.default_lifetime_minutes': not saved: "
            "a pass lifetime is 10 to 43200 minutes.",
        ),
        (
            "qr_payload",
            "camera",
            "key 'privacy.qr_payload': not saved: expected 'pass' or 'signin'.",
        ),
    ],
)
def test_a_bad_value_never_lands(paths: AppPaths, name: str, value: Any, says: str) -> None:
    write(paths.user_file, USER)
    with pytest.raises(ConfigError) as raised:
        save_user_values(paths, {name: value})
    error = raised.value
    assert error.message == f"{paths.user_file}, {says}"  # the real file, not the temporary one
    assert error.hint == "Choose another value. The file was left as it was."
    assert written(paths) == USER
    assert [p.name for p in paths.config_dir.iterdir()] == ["tapdesk.toml"]


def test_a_file_tapdesk_cannot_read_is_not_rewritten(paths: AppPaths) -> None:
    broken = "[privacy\nclipboard_clear_seconds = 30\n"
    write(paths.user_file, broken)
    with pytest.raises(ConfigError) as raised:
        save_user_values(paths, {"clipboard_clear_seconds": 10})
    assert "line 1" in raised.value.message and "not valid TOML" in raised.value.message
    assert "Fix the syntax" in raised.value.hint
    assert written(paths) == broken


def test_a_key_only_the_site_file_may_set_is_named_at_its_line(paths: AppPaths) -> None:
    text = "[auth]\nallow_plaintext_cache = true\n"
    write(paths.user_file, text)
    with pytest.raises(ConfigError) as raised:
        save_user_values(paths, {"clipboard_clear_seconds": 10})
    assert raised.value.message == (
        f"{paths.user_file}, line 2, key 'auth.allow_plaintext_cache': "
        "can only be set by an administrator in the site configuration."
    )
    assert written(paths) == text


@pytest.mark.parametrize(
    ("text", "values", "keys"),
    [
        (  # a second [privacy] would not parse: every setting asked for is named
            "privacy = { hide_after_seconds = 60 }\n",
            {"hide_after_seconds": 30, "clipboard_clear_seconds": 10},
            "privacy.hide_after_seconds, privacy.clipboard_clear_seconds",
        ),
        (  # a quoted key is not found
            '[privacy]\n"hide_after_seconds" = 60\n',
            {"hide_after_seconds": None},
            "privacy.hide_after_seconds",
        ),
        (  # the [privacy] inside the string is found first: the real key would not change
            '[auth]\nscopes = """\n[privacy]\nhide_after_seconds = 60\n"""\n'
            "[privacy]\nhide_after_seconds = 120\n",
            {"hide_after_seconds": 30},
            "privacy.hide_after_seconds",
        ),
    ],
)
def test_a_layout_tapdesk_cannot_edit_is_refused(
    paths: AppPaths, text: str, values: dict[str, Any], keys: str
) -> None:
    write(paths.user_file, text)
    with pytest.raises(ConfigError) as raised:
        save_user_values(paths, values)
    assert raised.value.message == (
        f"{paths.user_file}, key '{keys}': not saved: "
        "the way this file is written kept tapdesk from changing the setting."
    )
    assert raised.value.hint == (
        "Change it by hand ([section], then key = value). The file was left as it was."
    )
    assert written(paths) == text


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (PermissionError(13, "Permission denied"), "Permission denied"),
        (OSError("no reason given"), "OSError"),  # no strerror: the kind of error instead
    ],
)
def test_a_folder_that_refuses_the_write_is_named_and_the_file_kept(
    paths: AppPaths, monkeypatch: pytest.MonkeyPatch, error: OSError, says: str
) -> None:
    # Tests run as root, whom a read-only folder does not stop: the refusal is the OS's answer.
    def refuse(source: object, target: object) -> None:
        raise error

    write(paths.user_file, USER)
    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ConfigError) as raised:
        save_user_values(paths, {"clipboard_clear_seconds": 10})
    assert raised.value.message == f"{paths.user_file}: could not be saved ({says})."
    assert f"Make sure {paths.config_dir} is a folder your account can write to" in (
        raised.value.hint
    )
    assert written(paths) == USER
    assert [p.name for p in paths.config_dir.iterdir()] == ["tapdesk.toml"]


def test_a_file_where_the_folder_should_be_is_named(paths: AppPaths) -> None:
    write(paths.config_dir, "a file where the folder should be")
    with pytest.raises(ConfigError) as raised:
        save_user_values(paths, {"clipboard_clear_seconds": 10})
    assert str(paths.user_file) in raised.value.message
    assert "NotADirectoryError" in raised.value.message


def test_only_a_technicians_settings_are_written(paths: AppPaths) -> None:
    with pytest.raises(
        ValueError, match=r"^not a technician's setting: allow_plaintext_cache, broker$"
    ):
        save_user_values(paths, {"broker": True, "allow_plaintext_cache": True})
    assert not paths.user_file.exists()


def test_what_is_saved_is_what_the_next_start_reads(paths: AppPaths) -> None:
    write(paths.user_file, USER)
    values = {
        "default_lifetime_minutes": 240,
        "default_one_time": False,
        "clipboard_clear_seconds": 0,
        "hide_after_seconds": 45,
        "mask_until_revealed": True,
        "qr_payload": QrPayload.SIGNIN,
        "large_text": True,
    }
    save_user_values(paths, values)
    settings = load_settings(paths, {})
    assert {name: getattr(settings, name) for name in values} == values
    assert settings.tenant_id == "contoso.onmicrosoft.com"
    assert settings.origin("hide_after_seconds").line == 7  # type: ignore[union-attr]


# --- the site's limits: one rule for loading and for the dialog ------------------------------
SITE_AND_OTHER: dict[str, list[tuple[Any, Any]]] = {
    "clipboard_clear_seconds": [(30, 10), (30, 60), (30, 0), (0, 60)],
    "hide_after_seconds": [(60, 30), (60, 600), (60, 0), (0, 0)],
    "mask_until_revealed": [(True, False), (False, True), (False, False)],
    "qr_payload": [(QrPayload.SIGNIN, QrPayload.PASS), (QrPayload.PASS, QrPayload.SIGNIN)],
    "shared_bench": [(True, False), (False, True)],
    "idle_sign_out_minutes": [(15, 60), (15, 5), (15, 0)],
    "sign_in_max_age_minutes": [(60, 120), (60, 0), (0, 60)],
}


def test_every_tighten_only_setting_has_cases() -> None:
    assert set(SITE_AND_OTHER) == set(_TIGHTER)


@pytest.mark.parametrize(
    ("name", "site", "other"),
    [(name, site, other) for name, cases in SITE_AND_OTHER.items() for site, other in cases],
)
def test_tightened_agrees_with_loading(name: str, site: Any, other: Any) -> None:
    merged = {name: other}
    origins = {name: Origin("user", "key")}
    _hold_to_site({name: site}, merged, origins, {name: Origin("site", "key")})
    settings = Settings(site_values=((name, site),))
    assert tightened(settings, name, other) == merged[name]


def test_without_a_site_value_nothing_is_tightened() -> None:
    assert tightened(Settings(), "hide_after_seconds", 0) == 0
    assert tightened(Settings(), "hide_after_seconds", 600) == 600


def test_loading_records_the_site_values(paths: AppPaths) -> None:
    write(paths.site_file, "[privacy]\nhide_after_seconds = 60\nmask_until_revealed = true\n")
    settings = load_settings(paths, {})
    assert dict(settings.site_values) == {"hide_after_seconds": 60, "mask_until_revealed": True}


def test_adopting_saved_settings_keeps_what_only_the_running_app_knows(paths: AppPaths) -> None:
    running = Settings(
        demo=True,
        graph_url="https://graph.microsoft.com/beta",
        clipboard_clear_seconds=30,
        origins=(("graph_url", Origin("environment", "TAPDESK_GRAPH_URL")),),
    )
    write(paths.site_file, "[privacy]\nhide_after_seconds = 60\n")
    save_user_values(paths, {"clipboard_clear_seconds": 10})
    fresh = load_settings(paths, {})
    adopted = adopt(running, fresh)
    assert (adopted.demo, adopted.graph_url) == (True, "https://graph.microsoft.com/beta")
    assert (adopted.clipboard_clear_seconds, adopted.hide_after_seconds) == (10, 60)
    assert adopted.origin("graph_url") == Origin("environment", "TAPDESK_GRAPH_URL")
    assert adopted.origin("clipboard_clear_seconds").path == str(paths.user_file)  # type: ignore[union-attr]
    assert adopted.site_values == (("hide_after_seconds", 60),)
    assert adopted.sources == (str(paths.site_file), str(paths.user_file))


def test_an_edit_that_would_change_another_setting_is_refused(paths: AppPaths) -> None:
    """A header and key inside a multi-line string look like the real ones; rewriting that line
    re-pairs the quotes and exposes ``broker = false``. The value asked for reads back right,
    but another setting changed: refused, the file left as it was."""
    text = (
        "[auth]\n"
        'scopes = ["""\n'
        "[privacy]\n"
        "hide_after_seconds = 60 x\"\"\", '''\n"
        '"""]\n'
        "broker = false\n"
        "#'''] # \"\"\"\n"
        "[privacy]\n"
        "hide_after_seconds = 30\n"
    )
    write(paths.user_file, text)
    with pytest.raises(ConfigError) as raised:
        save_user_values(paths, {"hide_after_seconds": 30})
    assert raised.value.message.endswith(
        "not saved: the way this file is written kept tapdesk from changing the setting."
    )
    assert paths.user_file.read_text(encoding="utf-8") == text
