"""Where tapdesk keeps its files: the site and user configuration, data, cache and logs.

``TAPDESK_HOME`` puts every folder under one directory (portable installs, tests); otherwise
each is the platform's usual place (platformdirs).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "tapdesk"
CONFIG_FILE = "tapdesk.toml"


def _site_config_dir() -> Path:
    """The first system config folder that holds tapdesk.toml (else the first one).

    Desktop sessions may list several (Ubuntu: /etc/xdg/xdg-ubuntu:/etc/xdg); IT puts the file
    in /etc/xdg/tapdesk/, which is not the first.
    """
    listed = platformdirs.site_config_dir(APP_NAME, appauthor=False, multipath=True)
    folders = [Path(p) for p in listed.split(os.pathsep) if p]
    return next((f for f in folders if (f / CONFIG_FILE).is_file()), folders[0])


@dataclass(frozen=True)
class AppPaths:
    site_config_dir: Path
    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @classmethod
    def default(cls, env: Mapping[str, str] | None = None) -> AppPaths:
        env = os.environ if env is None else env
        home = env.get("TAPDESK_HOME")
        if home:
            # One folder for everything: portable installs and tests.
            root = Path(home)
            return cls(root / "site", root / "config", root / "data", root / "cache", root / "log")
        return cls(
            site_config_dir=_site_config_dir(),
            config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )

    @property
    def site_file(self) -> Path:
        return self.site_config_dir / CONFIG_FILE

    @property
    def user_file(self) -> Path:
        return self.config_dir / CONFIG_FILE

    def all_dirs(self) -> tuple[Path, ...]:
        return (self.config_dir, self.data_dir, self.cache_dir, self.log_dir)
