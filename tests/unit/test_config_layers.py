"""Layer precedence, one case per pair: built-in default < site file < user file < environment <
command-line flag. Each case sets one key in exactly two layers and nowhere else."""

from __future__ import annotations

import itertools

import pytest

from tapdesk.app.main import _flag_overrides
from tapdesk.cli.parser import build_parser
from tapdesk.config import load_settings
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
