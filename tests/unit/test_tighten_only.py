"""Privacy settings only tighten below the site file: a looser value gets the site's, and says so."""

from __future__ import annotations

from typing import Any

import pytest

from tapdesk.config import QrPayload, load_settings
from tapdesk.runtime.paths import AppPaths
from tests.helpers.files import write

# name -> (file section.key, environment variable or None, site value, looser, tighter)
CASES: dict[str, tuple[str, str | None, str, str, str]] = {
    "clipboard_clear_seconds": (
        "privacy.clipboard_clear_seconds",
        "TAPDESK_CLIPBOARD_CLEAR_SECONDS",
        "30",
        "60",
        "10",
    ),
    "hide_after_seconds": (
        "privacy.hide_after_seconds",
        "TAPDESK_HIDE_AFTER_SECONDS",
        "120",
        "600",
        "45",
    ),
    "mask_until_revealed": ("privacy.mask_until_revealed", None, "true", "false", "true"),
    "qr_payload": ("privacy.qr_payload", "TAPDESK_QR_PAYLOAD", '"signin"', '"pass"', '"signin"'),
}


def toml(dotted: str, value: str) -> str:
    section, key = dotted.split(".")
    return f"[{section}]\n{key} = {value}\n"


def load_with(paths: AppPaths, name: str, value: str, layer: str) -> Any:
    dotted, var, site, _, _ = CASES[name]
    write(paths.site_file, toml(dotted, site))  # floors are fine from a moved site file too
    if layer == "user file":
        write(paths.user_file, toml(dotted, value))
        return load_settings(paths, {})
    assert var is not None
    return load_settings(paths, {var: value.strip('"')})


LAYERS = [
    (name, layer)
    for name, (_, var, *_) in CASES.items()
    for layer in ("user file", "environment")
    if layer == "user file" or var
]


@pytest.mark.parametrize(("name", "layer"), LAYERS)
def test_a_looser_value_below_the_site_is_held_to_the_sites(
    paths: AppPaths, name: str, layer: str
) -> None:
    site_value = load_with(paths, name, CASES[name][2], layer)
    settings = load_with(paths, name, CASES[name][3], layer)
    assert getattr(settings, name) == getattr(site_value, name)
    [notice] = settings.notices
    assert name in notice and "looser than the site file's" in notice
    origin = settings.origin(name)
    assert origin is not None and origin.layer == "site"
    where = str(paths.user_file) if layer == "user file" else CASES[name][1]
    assert str(where) in notice


@pytest.mark.parametrize(("name", "layer"), LAYERS)
def test_a_tighter_value_below_the_site_is_kept(paths: AppPaths, name: str, layer: str) -> None:
    settings = load_with(paths, name, CASES[name][4], layer)
    expected = CASES[name][4].strip('"')
    assert str(_plain(getattr(settings, name))) == expected
    assert settings.notices == ()


@pytest.mark.parametrize("layer", ["user file", "environment"])
def test_zero_turns_a_timer_off_so_it_is_the_loosest(paths: AppPaths, layer: str) -> None:
    settings = load_with(paths, "clipboard_clear_seconds", "0", layer)
    assert settings.clipboard_clear_seconds == 30 and len(settings.notices) == 1
    write(paths.site_file, "[privacy]\nhide_after_seconds = 0\n")  # the site turned it off
    write(paths.user_file, "[privacy]\nhide_after_seconds = 300\n")
    assert load_settings(paths, {}).hide_after_seconds == 300


def test_a_flag_is_held_too(paths: AppPaths) -> None:
    write(paths.site_file, "[privacy]\nmask_until_revealed = true\n")
    settings = load_settings(paths, {}, {"mask_until_revealed": False})
    assert settings.mask_until_revealed is True
    assert "mask_until_revealed (command line)" in settings.notices[0]
    write(paths.site_file, "[privacy]\nmask_until_revealed = false\n")
    assert load_settings(paths, {}, {"mask_until_revealed": True}).mask_until_revealed is True


def test_without_a_site_value_the_user_is_free(paths: AppPaths) -> None:
    write(paths.user_file, '[privacy]\nclipboard_clear_seconds = 0\nqr_payload = "pass"\n')
    settings = load_settings(paths, {"TAPDESK_HIDE_AFTER_SECONDS": "0"})
    assert (settings.clipboard_clear_seconds, settings.hide_after_seconds) == (0, 0)
    assert settings.qr_payload is QrPayload.PASS and settings.notices == ()


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(getattr(value, "value", value))
