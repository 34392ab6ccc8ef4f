"""Tools > Settings… writes the user file: only the lines it must, privately, never a bad file."""

from __future__ import annotations

import os
import stat
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
from tapdesk.workflows.preferences import adopt, save_user_values, set_keys
from tests.helpers.files import write

USER = """\
# my tapdesk settings
[tenant]
id = "contoso.onmicrosoft.com"   # the tenant

[privacy]
clipboard_clear_seconds = 30     # a copied pass leaves the clipboard after this
hide_after_seconds = 120

# display comes next
[display]
large_text = false
"""


def test_a_key_is_set_in_place_and_everything_else_is_kept(paths: AppPaths) -> None:
    write(paths.user_file, USER)
    save_user_values(paths, {"clipboard_clear_seconds": 10})
    assert paths.user_file.read_text(encoding="utf-8") == USER.replace(
        "clipboard_clear_seconds = 30 ", "clipboard_clear_seconds = 10 "
    )


def test_a_new_key_goes_after_its_sections_last_key(paths: AppPaths) -> None:
    write(paths.user_file, USER)
    save_user_values(paths, {"qr_payload": QrPayload.SIGNIN, "mask_until_revealed": True})
    text = paths.user_file.read_text(encoding="utf-8")
    assert text == USER.replace(
        "hide_after_seconds = 120\n",
        'hide_after_seconds = 120\nqr_payload = "signin"\nmask_until_revealed = true\n',
    )


def test_a_missing_section_is_added_at_the_end(paths: AppPaths) -> None:
    write(paths.user_file, USER)
    save_user_values(paths, {"default_lifetime_minutes": 90, "default_one_time": True})
    text = paths.user_file.read_text(encoding="utf-8")
    assert text == USER + "\n[issue]\ndefault_lifetime_minutes = 90\ndefault_one_time = true\n"


def test_none_removes_the_key(paths: AppPaths) -> None:
    write(paths.user_file, USER)
    save_user_values(paths, {"hide_after_seconds": None})
    assert paths.user_file.read_text(encoding="utf-8") == USER.replace(
        "hide_after_seconds = 120\n", ""
    )


def test_windows_line_ends_stay_windows_line_ends() -> None:
    text = "[privacy]\r\nhide_after_seconds = 120\r\n"
    assert set_keys(text, {("privacy", "clipboard_clear_seconds"): "5"}) == (
        "[privacy]\r\nhide_after_seconds = 120\r\nclipboard_clear_seconds = 5\r\n"
    )


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_a_missing_file_is_created_private_in_a_private_folder(paths: AppPaths) -> None:
    assert not paths.config_dir.exists()
    save_user_values(paths, {"large_text": True})
    assert paths.user_file.read_text(encoding="utf-8") == "[display]\nlarge_text = true\n"
    assert stat.S_IMODE(paths.user_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.config_dir.stat().st_mode) == 0o700
    assert [p.name for p in paths.config_dir.iterdir()] == ["tapdesk.toml"]  # no temp file left


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("clipboard_clear_seconds", -5, "expected 0 to 86400 seconds"),
        ("default_lifetime_minutes", 5, "a pass lifetime is 10 to 43200 minutes"),
        ("qr_payload", "camera", "expected 'pass' or 'signin'"),
    ],
)
def test_a_bad_value_never_lands(paths: AppPaths, name: str, value: Any, says: str) -> None:
    write(paths.user_file, USER)
    with pytest.raises(ConfigError) as raised:
        save_user_values(paths, {name: value})
    error = raised.value
    assert says in error.message
    assert str(paths.user_file) in error.message  # the real file, not the temporary one
    assert "left as it was" in error.hint
    assert paths.user_file.read_text(encoding="utf-8") == USER
    assert [p.name for p in paths.config_dir.iterdir()] == ["tapdesk.toml"]


def test_a_file_tapdesk_cannot_read_is_not_rewritten(paths: AppPaths) -> None:
    broken = "[privacy\nclipboard_clear_seconds = 30\n"
    write(paths.user_file, broken)
    with pytest.raises(ConfigError) as raised:
        save_user_values(paths, {"clipboard_clear_seconds": 10})
    assert "line 1" in raised.value.message and "not valid TOML" in raised.value.message
    assert "Fix the syntax" in raised.value.hint
    assert paths.user_file.read_text(encoding="utf-8") == broken


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("privacy = { hide_after_seconds = 60 }\n", 30),  # a second [privacy] would not parse
        ('[privacy]\n"hide_after_seconds" = 60\n', None),  # a quoted key is not found
    ],
)
def test_a_layout_tapdesk_cannot_edit_is_refused(
    paths: AppPaths, text: str, value: int | None
) -> None:
    write(paths.user_file, text)
    with pytest.raises(ConfigError) as raised:
        save_user_values(paths, {"hide_after_seconds": value})
    assert "privacy.hide_after_seconds" in raised.value.message
    assert "left as it was" in raised.value.hint
    assert paths.user_file.read_text(encoding="utf-8") == text


def test_a_folder_that_refuses_the_write_is_named_and_the_file_kept(
    paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root, whom a read-only folder does not stop: the refusal is the OS's answer.
    def refuse(source: object, target: object) -> None:
        raise PermissionError(13, "Permission denied")

    write(paths.user_file, USER)
    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ConfigError) as raised:
        save_user_values(paths, {"clipboard_clear_seconds": 10})
    assert "could not be saved (Permission denied)" in raised.value.message
    assert f"Make sure {paths.config_dir} is a folder your account can write to" in (
        raised.value.hint
    )
    assert paths.user_file.read_text(encoding="utf-8") == USER
    assert [p.name for p in paths.config_dir.iterdir()] == ["tapdesk.toml"]


def test_a_file_where_the_folder_should_be_is_named(paths: AppPaths) -> None:
    write(paths.config_dir, "a file where the folder should be")
    with pytest.raises(ConfigError) as raised:
        save_user_values(paths, {"clipboard_clear_seconds": 10})
    assert str(paths.user_file) in raised.value.message
    assert "NotADirectoryError" in raised.value.message


def test_only_a_technicians_settings_are_written(paths: AppPaths) -> None:
    with pytest.raises(ValueError, match="allow_plaintext_cache"):
        save_user_values(paths, {"allow_plaintext_cache": True})
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
