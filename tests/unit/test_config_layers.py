"""Layer precedence, one case per pair: built-in default < site file < user file < environment <
command-line flag. Each case sets one key in exactly two layers and nowhere else."""

from __future__ import annotations

import itertools

import pytest

from tapdesk.app.main import _flag_overrides
from tapdesk.cli.parser import build_parser
from tapdesk.config import Origin, QrPayload, file_key, load_settings, reread
from tapdesk.runtime.paths import AppPaths
from tests.helpers.files import write

# The tenant is a key every layer can set (file, TAPDESK_TENANT_ID, --tenant): one value each.
TENANT = {
    "site": "site.onmicrosoft.com",
    "user": "user.onmicrosoft.com",
    "environment": "env.onmicrosoft.com",
    "flag": "flag.onmicrosoft.com",
}
LAYERS = ("default", "site", "user", "environment", "flag")  # lowest first
PAIRS = list(itertools.combinations(LAYERS, 2))  # (lower, higher)


def load_with(paths: AppPaths, layers: tuple[str, ...]) -> str | None:
    """The tenant id tapdesk settles on when only ``layers`` set it."""
    if "site" in layers:
        write(paths.site_file, f'[tenant]\nid = "{TENANT["site"]}"\n')
    if "user" in layers:
        write(paths.user_file, f'[tenant]\nid = "{TENANT["user"]}"\n')
    env = {"TAPDESK_TENANT_ID": TENANT["environment"]} if "environment" in layers else {}
    argv = ["--tenant", TENANT["flag"]] if "flag" in layers else []
    flags = _flag_overrides(build_parser().parse_args([*argv, "doctor"]))
    return load_settings(paths, env, flags).tenant_id


@pytest.mark.parametrize(("lower", "higher"), PAIRS, ids=[f"{a}<{b}" for a, b in PAIRS])
def test_the_higher_layer_wins_the_same_key(paths: AppPaths, lower: str, higher: str) -> None:
    assert load_with(paths, (lower, higher)) == TENANT[higher]


def test_with_no_layer_setting_it_the_default_stands(paths: AppPaths) -> None:
    assert load_with(paths, ("default",)) is None


def test_reading_again_keeps_the_command_lines_values_and_takes_the_files_new_ones(
    paths: AppPaths,
) -> None:
    """Tools > Settings… saved the user file: read again, its new values apply, and a flag
    given at the start still wins, as it did then."""
    write(paths.user_file, "[privacy]\nclipboard_clear_seconds = 20\nhide_after_seconds = 90\n")
    first = load_settings(paths, {}, {"clipboard_clear_seconds": 5})
    write(paths.user_file, "[privacy]\nclipboard_clear_seconds = 10\nhide_after_seconds = 60\n")
    again = reread(first, paths, {"TAPDESK_QR_PAYLOAD": "signin"})
    assert again.clipboard_clear_seconds == 5  # the flag
    assert again.origin("clipboard_clear_seconds") == Origin(
        "command line", "clipboard_clear_seconds"
    )
    assert again.hide_after_seconds == 60  # the file's new value
    assert again.qr_payload is QrPayload.SIGNIN  # the environment given to it, not os.environ


def test_a_setting_without_a_file_key_is_named_in_the_error() -> None:
    assert file_key("hide_after_seconds") == ("privacy", "hide_after_seconds")
    with pytest.raises(KeyError) as raised:
        file_key("access_token")  # the environment's only
    assert raised.value.args == ("access_token",)
