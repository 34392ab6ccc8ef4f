"""Where tapdesk keeps its files: the site and user configuration, data, cache and logs.

``TAPDESK_HOME`` puts every folder under one directory (portable installs, tests); otherwise
each is the platform's usual place (platformdirs). The site file counts as IT's only at the
system location (:func:`system_site_config_dir`): one that an environment variable moved is still
read, but ``AppPaths.site_moved_by`` says so, and settings refuse to let it relax security.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "tapdesk"
CONFIG_FILE = "tapdesk.toml"


_WIN_OVERRIDE = "WIN_PD_OVERRIDE_COMMON_APPDATA"  # platformdirs reads it before asking Windows


def system_site_config_dir() -> Path:
    """Where IT puts the site file: the platform's built-in system folder, which only
    administrators may write, never a folder an environment variable names."""
    if sys.platform == "win32":
        # platformdirs asks Windows for the ProgramData known folder (not %ProgramData%), unless
        # _WIN_OVERRIDE is set: _site_location counts that as a move. Caveat: ProgramData lets
        # standard users create folders; the installer locks {commonappdata}\tapdesk.
        return Path(platformdirs.site_config_dir(APP_NAME, appauthor=False))
    if sys.platform == "darwin":
        return Path("/Library/Application Support", APP_NAME)
    return Path("/etc/xdg", APP_NAME)


def _site_location(system: Path) -> tuple[Path, str | None]:
    """The site folder, and what moved it off the ``system`` folder (None: it is there).

    The system folder wins whenever it holds tapdesk.toml, so a variable cannot hide IT's file.
    Else the first listed folder holding one is read (XDG_CONFIG_DIRS, a Homebrew prefix), as moved.
    """
    if sys.platform == "win32" and os.environ.get(_WIN_OVERRIDE, "").strip():
        return system, _WIN_OVERRIDE
    if (system / CONFIG_FILE).is_file():
        return system, None
    listed = platformdirs.site_config_dir(APP_NAME, appauthor=False, multipath=True)
    folders = [Path(p) for p in listed.split(os.pathsep) if p]
    found = next((f for f in folders if (f / CONFIG_FILE).is_file()), system)
    if found == system:
        return system, None
    return found, "XDG_CONFIG_DIRS" if os.environ.get("XDG_CONFIG_DIRS") else "a non-system folder"


@dataclass(frozen=True)
class AppPaths:
    site_config_dir: Path
    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path
    # What moved the site file off the system location (TAPDESK_HOME, XDG_CONFIG_DIRS...); None
    # when it is there. A moved site file may tighten settings but not relax them.
    site_moved_by: str | None

    @classmethod
    def default(cls, env: Mapping[str, str] | None = None) -> AppPaths:
        env = os.environ if env is None else env
        home = env.get("TAPDESK_HOME")
        if home:
            # One folder for everything: portable installs and tests.
            root = Path(home)
            return cls(
                root / "site",
                root / "config",
                root / "data",
                root / "cache",
                root / "log",
                site_moved_by="TAPDESK_HOME",
            )
        site, moved_by = _site_location(system_site_config_dir())
        return cls(
            site_config_dir=site,
            config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
            site_moved_by=moved_by,
        )

    @property
    def site_is_system(self) -> bool:
        return self.site_moved_by is None

    @property
    def site_file(self) -> Path:
        return self.site_config_dir / CONFIG_FILE

    @property
    def user_file(self) -> Path:
        return self.config_dir / CONFIG_FILE

    def all_dirs(self) -> tuple[Path, ...]:
        return (self.config_dir, self.data_dir, self.cache_dir, self.log_dir)
